import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebClient } from "@slack/web-api";
import type { App } from "@slack/bolt";
import { slackTaskPublisher } from "../../src/bot/slack/publisher.js";
import type { Database } from "../../src/db/database.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { runDailyTasks } from "../../src/jobs/dailyTasks.js";
import { createLogger } from "../../src/log.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";
import { SlackStandIn } from "../helpers/slackStandIn.js";
import { buttonClick, exchangeWithBot, postToBot, viewSubmission, startSlackBot } from "../helpers/slackRequests.js";
import { setCompanyLocale } from "../helpers/locale.js";

afterAll(dropTestSchemas);

const logger = createLogger("silent");

describe.each(targets)("collectors' daily tasks in Slack on $name", (target) => {
  let db: Database;
  let slack: SlackStandIn;
  let app: App;
  let port: number;

  beforeAll(async () => {
    db = await freshDatabase(target);
    // Asserted in English (locale en-GB); test/i18n/chatLanguage.test.ts checks French, the default.
    await setCompanyLocale(db, "en-GB");
    slack = await new SlackStandIn().start();
    await db.prisma.person.create({
      data: {
        name: "Sophie Leroy",
        email: "sophie@acme.example",
        roles: ["COLLECTOR"],
        identities: { create: [{ platform: "SLACK", externalId: "USOPHIE" }] },
      },
    });
    await db.prisma.person.create({ data: { name: "Karim Benali", email: "karim@acme.example", roles: ["COLLECTOR"] } });
    await runImport(
      db,
      IMPORTERS.customers,
      writeTemp(
        `tasks-customers-${target.name}.csv`,
        csv("external_id;name;collector;contact_name;contact_phone", "K1;Café du Port;sophie@acme.example;Mme Colin;+33 1 23 45 67 89"),
      ),
    );
    await runImport(
      db,
      IMPORTERS.invoices,
      writeTemp(
        `tasks-invoices-${target.name}.csv`,
        csv("customer_id;number;issue_date;due_date;amount", "K1;F-1;2026-10-01;2026-11-05;800,00"),
      ),
    );
    ({ app, port } = await startSlackBot(db, slack.url, { now: () => new Date("2026-11-20T09:00:00Z") }));
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.stop();
    await db?.close();
  });

  it("each collector gets their day once; one without a Slack identity is reported, not retried", async () => {
    const publisher = slackTaskPublisher(new WebClient("xoxb-test", { slackApiUrl: `${slack.url}/api/` }), "EUR", "en-GB");
    const run = await runDailyTasks({ db, policy: defaultPolicy, publisher, logger }, d("2026-11-20"));
    expect(run).toEqual({ status: "sent", sent: 1, unreachable: ["Karim Benali"] });
    const dm = await slack.waitFor("/api/chat.postMessage");
    expect(dm.body.channel).toBe("USOPHIE");
    const text = JSON.stringify(dm.body.blocks);
    expect(text).toContain("Your tasks for 20/11/2026 (1)");
    expect(text).toContain("Café du Port (K1)");
    expect(text).toContain("Mme Colin · +33 1 23 45 67 89");
    expect(text).toContain("Call checklist: 1. Introduce yourself");
    expect(await runDailyTasks({ db, policy: defaultPolicy, publisher, logger }, d("2026-11-20"))).toMatchObject({ status: "skipped" });
    expect(await runDailyTasks({ db, policy: defaultPolicy, publisher, logger }, d("2026-11-21"))).toMatchObject({ status: "skipped" }); // Saturday
    expect(slack.calls.filter((c) => c.path.startsWith("/api/chat.postMessage"))).toHaveLength(1);
  });

  it("an outcome button writes the history once, however many times it is clicked, and marks the task done", async () => {
    const dm = slack.calls.find((c) => c.path.startsWith("/api/chat.postMessage"));
    const blocks = dm?.body.blocks as Array<{ type: string; block_id?: string; elements?: Array<{ action_id: string; value: string }> }>;
    const buttons = blocks.find((b) => b.type === "actions");
    const noAnswer = buttons?.elements?.find((e) => e.action_id === "task_outcome:no_answer");
    expect(noAnswer).toBeDefined();
    const before = slack.calls.length;
    for (const actionTs of ["1.1", "1.2"]) {
      const status = await postToBot(
        port,
        buttonClick({
          user: "USOPHIE",
          channel: "DSOPHIE",
          message: { ts: "111.222", blocks },
          responseUrl: `${slack.url}/response/${actionTs}`,
          action: { action_id: "task_outcome:no_answer", block_id: buttons?.block_id, value: noAnswer?.value, action_ts: actionTs },
        }),
      );
      expect(status).toBe(200);
      await slack.waitFor("/api/chat.update", before);
    }
    await new Promise((r) => setTimeout(r, 300));
    const steps = await db.prisma.historyEntry.findMany({ where: { kind: "reminder.step" } });
    expect(steps).toHaveLength(1);
    // 15 days late with no reminder yet: the account starts at the step its age warrants, the first call.
    expect(steps[0]?.data).toEqual({ levelId: "first-call", outcome: "no_answer" });
    const update = slack.calls.slice(before).find((c) => c.path.startsWith("/api/chat.update"));
    expect(JSON.stringify(update?.body.blocks)).toContain("No answer / voicemail — recorded");
  });

  it("the promise button opens a form; a wrong amount or a past date comes back on the field; a good one records the promise", async () => {
    const dm = slack.calls.find((c) => c.path.startsWith("/api/chat.postMessage"));
    const blocks = dm?.body.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>;
    const promise = blocks.find((b) => b.type === "actions")?.elements?.find((e) => e.action_id === "task_promise");
    let before = slack.calls.length;
    const click = (triggerId: string, actionTs: string) => {
      const form = buttonClick({
        user: "USOPHIE",
        channel: "DSOPHIE",
        message: { ts: "111.222" },
        responseUrl: `${slack.url}/response/${actionTs}`,
        action: { action_id: "task_promise", value: promise?.value, action_ts: actionTs },
      });
      const payload = JSON.parse(form.payload as string) as Record<string, unknown>;
      return postToBot(port, { payload: JSON.stringify({ ...payload, trigger_id: triggerId }) });
    };
    expect(await click("4.5.6", "2.1")).toBe(200);
    const opened = await slack.waitFor("/api/views.open", before);
    const view = (typeof opened.body.view === "string" ? JSON.parse(opened.body.view) : opened.body.view) as {
      callback_id: string;
      private_metadata: string;
    };
    expect(view.callback_id).toBe("promise_modal");

    before = slack.calls.length;
    expect(await click("expired", "2.2")).toBe(200);
    const late = await slack.waitFor("/response/", before);
    expect(JSON.stringify(late.body)).toContain("The form took too long to open: click the button again.");

    const submit = (amount: string, date: string) =>
      exchangeWithBot(
        port,
        viewSubmission({
          user: "USOPHIE",
          callbackId: "promise_modal",
          privateMetadata: view.private_metadata,
          values: {
            amount: { value: { type: "plain_text_input", value: amount } },
            date: { value: { type: "datepicker", selected_date: date } },
            note: { value: { type: "plain_text_input", value: "transfer on Friday" } },
          },
        }),
      );
    const wrong = await submit("12,345", "2026-11-10");
    expect(JSON.parse(wrong.body)).toEqual({
      response_action: "errors",
      errors: { amount: '"12,345" has more than 2 decimals', date: "A promise is for today or later." },
    });
    expect(await db.prisma.promiseToPay.count()).toBe(0);

    const good = await submit("800,00", "2026-11-27");
    expect(good.status).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    const recorded = await db.prisma.promiseToPay.findFirstOrThrow({ include: { recordedBy: true } });
    expect(recorded).toMatchObject({ amount: 80000n, status: "PENDING" });
    expect(recorded.promisedDate.toISOString().slice(0, 10)).toBe("2026-11-27");
    expect(recorded.recordedBy?.name).toBe("Sophie Leroy");
    expect(await db.prisma.historyEntry.count({ where: { kind: "promise.recorded" } })).toBe(1);
  });
});
