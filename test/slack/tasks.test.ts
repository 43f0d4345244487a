import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebClient } from "@slack/web-api";
import type { App } from "@slack/bolt";
import { createSlackApp } from "../../src/bot/slack/app.js";
import { slackTaskPublisher } from "../../src/bot/slack/publisher.js";
import { readSlackConfig } from "../../src/config/slack.js";
import type { Database } from "../../src/db/database.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { runDailyTasks } from "../../src/jobs/dailyTasks.js";
import { createLogger } from "../../src/log.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";
import { SlackStandIn } from "../helpers/slackStandIn.js";
import { buttonClick, freePort, postToBot, SIGNING_SECRET } from "../helpers/slackRequests.js";

afterAll(dropTestSchemas);

const SECRET = SIGNING_SECRET;
const logger = createLogger("silent");

describe.each(targets)("collectors' daily tasks in Slack on $name", (target) => {
  let db: Database;
  let slack: SlackStandIn;
  let app: App;
  let port: number;

  beforeAll(async () => {
    db = await freshDatabase(target);
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
    const config = readSlackConfig({
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_MODE: "http",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: `${slack.url}/api/`,
    });
    port = await freePort();
    app = createSlackApp({ config: config!, db, policy: defaultPolicy, logger, now: () => new Date("2026-11-20T09:00:00Z") }).app;
    await app.start(port);
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.stop();
    await db?.close();
  });

  it("each collector gets their day once; one without a Slack identity is reported, not retried", async () => {
    const publisher = slackTaskPublisher(new WebClient("xoxb-test", { slackApiUrl: `${slack.url}/api/` }), "EUR", "fr-FR");
    const run = await runDailyTasks({ db, policy: defaultPolicy, publisher, logger }, d("2026-11-20"));
    expect(run).toEqual({ status: "sent", sent: 1, unreachable: ["Karim Benali"] });
    const dm = await slack.waitFor("/api/chat.postMessage");
    expect(dm.body.channel).toBe("USOPHIE");
    const text = JSON.stringify(dm.body.blocks);
    expect(text).toContain("Your tasks for 2026-11-20 (1)");
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
    expect(steps[0]?.data).toEqual({ levelId: "first-reminder", outcome: "no_answer" });
    const update = slack.calls.slice(before).find((c) => c.path.startsWith("/api/chat.update"));
    expect(JSON.stringify(update?.body.blocks)).toContain("No answer / voicemail — recorded");
  });
});
