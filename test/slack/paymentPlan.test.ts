// A payment plan agreed from a collector's task in Slack: the task's "Payment plan" button opens the form;
// instalments that cannot be read, or out of order, come back on the field; a sound plan is agreed once
// however many times the form is submitted, and the collector is told what was recorded.
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
import { buttonClick, exchangeWithBot, postToBot, startSlackBot, viewSubmission } from "../helpers/slackRequests.js";
import { setCompanyLocale } from "../helpers/locale.js";

afterAll(dropTestSchemas);

describe.each(targets)("payment plans from a task in Slack on $name", (target) => {
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
      data: { name: "Sophie Leroy", email: "sophie@acme.example", roles: ["COLLECTOR"], identities: { create: [{ platform: "SLACK", externalId: "USOPHIE" }] } },
    });
    await runImport(db, IMPORTERS.customers, writeTemp(`plan-slack-c-${target.name}.csv`, csv("external_id;name;collector", "K1;Café du Port;sophie@acme.example")));
    await runImport(
      db,
      IMPORTERS.invoices,
      writeTemp(`plan-slack-i-${target.name}.csv`, csv("customer_id;number;issue_date;due_date;amount", "K1;F-1;2026-10-01;2026-11-05;800,00")),
    );
    ({ app, port } = await startSlackBot(db, slack.url, { now: () => new Date("2026-11-20T09:00:00Z") }));
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.stop();
    await db?.close();
  });

  it("the Payment plan button opens the form; errors come back on the field; a sound plan is agreed once", async () => {
    const publisher = slackTaskPublisher(new WebClient("xoxb-test", { slackApiUrl: `${slack.url}/api/` }), "EUR", "en-GB");
    await runDailyTasks({ db, policy: defaultPolicy, publisher, logger: createLogger("silent") }, d("2026-11-20"));
    const dm = await slack.waitFor("/api/chat.postMessage");
    const blocks = dm.body.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string; text: { text: string } }> }>;
    const button = blocks.find((b) => b.type === "actions")?.elements?.find((e) => e.action_id === "task_payment_plan");
    expect(button?.text.text).toBe("Payment plan");

    let before = slack.calls.length;
    const form = buttonClick({
      user: "USOPHIE",
      channel: "DSOPHIE",
      message: { ts: "111.222" },
      responseUrl: `${slack.url}/response/9.1`,
      action: { action_id: "task_payment_plan", value: button?.value, action_ts: "9.1" },
    });
    const payload = JSON.parse(form.payload as string) as Record<string, unknown>;
    expect(await postToBot(port, { payload: JSON.stringify({ ...payload, trigger_id: "7.8.9" }) })).toBe(200);
    const opened = await slack.waitFor("/api/views.open", before);
    const view = (typeof opened.body.view === "string" ? JSON.parse(opened.body.view) : opened.body.view) as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe("payment_plan_modal");

    const submit = (instalments: string) =>
      exchangeWithBot(
        port,
        viewSubmission({
          user: "USOPHIE",
          callbackId: "payment_plan_modal",
          privateMetadata: view.private_metadata,
          values: { instalments: { value: { type: "plain_text_input", value: instalments } }, note: { value: { type: "plain_text_input", value: "" } } },
        }),
      );
    expect(JSON.parse((await submit("2026-12-15: 400,00\n2026-12-01: 400,00")).body)).toEqual({
      response_action: "errors",
      errors: { instalments: "instalment 2: 01/12/2026 is not after instalment 1 (15/12/2026); list them in date order, one per date" },
    });
    expect(JSON.parse((await submit("next month: 400")).body)).toEqual({
      response_action: "errors",
      errors: { instalments: 'instalment 1: "next month" is not a date (YYYY-MM-DD)' },
    });
    expect(await db.prisma.paymentPlan.count()).toBe(0);

    before = slack.calls.length;
    for (let i = 0; i < 2; i++) expect((await submit("2026-12-01: 400,00\n2026-12-15: 400,00")).status).toBe(200);
    const told = await slack.waitFor("/api/chat.postMessage", before);
    expect(String(told.body.text).replace(/[\u00a0\u202f]/g, " ")).toContain("Payment plan agreed: 2 instalments totalling €800.00, from 01/12/2026 to 15/12/2026");
    await new Promise((r) => setTimeout(r, 300));
    const plans = await db.prisma.paymentPlan.findMany({ include: { installments: true } });
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({ status: "ACTIVE", amount: 80000n, fromLevelId: expect.any(String) });
    expect(plans[0]?.installments.map((i) => i.amount)).toEqual([40000n, 40000n]);
    expect(await db.prisma.historyEntry.count({ where: { kind: "payment_plan.agreed" } })).toBe(1);
  });
});
