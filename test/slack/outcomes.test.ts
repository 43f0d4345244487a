// Issue 11 through the real Bolt app, with the Slack adapter as it is today (it does not pass an idempotency
// key nor check the amount before ack yet): someone else's task is refused with whose it is, a replayed promise
// form makes one promise, a promise above what is owed is not recorded and the person is told why.
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

type Block = { type: string; block_id?: string; elements?: Array<{ action_id: string; value: string }> };

describe.each(targets)("task outcomes and promises through Slack on $name", (target) => {
  let db: Database;
  let slack: SlackStandIn;
  let app: App;
  let port: number;
  let blocks: Block[];

  beforeAll(async () => {
    db = await freshDatabase(target);
    // The company speaks French (the default, set explicitly); test/i18n/chatLanguage.test.ts checks English too.
    await setCompanyLocale(db, "fr-FR");
    slack = await new SlackStandIn().start();
    const person = (name: string, email: string, roles: Array<"COLLECTOR" | "SALES">, slackId: string) =>
      db.prisma.person.create({ data: { name, email, roles, identities: { create: [{ platform: "SLACK", externalId: slackId }] } } });
    await person("Sophie Leroy", "sophie@acme.example", ["COLLECTOR"], "USOPHIE");
    await person("Claire Dumont", "claire@acme.example", ["SALES"], "UCLAIRE");
    await runImport(
      db,
      IMPORTERS.customers,
      writeTemp(`outcomes-customers-${target.name}.csv`, csv("external_id;name;collector;sales_owner", "K1;Café du Port;sophie@acme.example;claire@acme.example")),
    );
    await runImport(
      db,
      IMPORTERS.invoices,
      writeTemp(`outcomes-invoices-${target.name}.csv`, csv("customer_id;number;issue_date;due_date;amount", "K1;F-1;2026-10-01;2026-11-05;205,90")),
    );
    ({ app, port } = await startSlackBot(db, slack.url, { now: () => new Date("2026-11-20T09:00:00Z") }));
    const publisher = slackTaskPublisher(new WebClient("xoxb-test", { slackApiUrl: `${slack.url}/api/` }), "EUR", "fr-FR");
    await runDailyTasks({ db, policy: defaultPolicy, publisher, logger: createLogger("silent") }, d("2026-11-20"));
    blocks = (await slack.waitFor("/api/chat.postMessage")).body.blocks as Block[];
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.stop();
    await db?.close();
  });

  const button = (actionId: string) => {
    const actions = blocks.find((b) => b.type === "actions");
    const element = actions?.elements?.find((e) => e.action_id === actionId);
    expect(element).toBeDefined();
    return { block_id: actions?.block_id, value: element?.value };
  };

  it("sales clicking 'Dispute raised' on the collector's task is told whose task it is, and nothing is written", async () => {
    const before = slack.calls.length;
    const status = await postToBot(
      port,
      buttonClick({
        user: "UCLAIRE",
        channel: "DCLAIRE",
        message: { ts: "111.222", blocks },
        responseUrl: `${slack.url}/response/sales-1`,
        action: { action_id: "task_outcome:dispute", ...button("task_outcome:dispute"), action_ts: "3.1" },
      }),
    );
    expect(status).toBe(200);
    const answer = await slack.waitFor("/response/sales-1", before);
    expect(JSON.stringify(answer.body)).toContain("Cette tâche est celle de Sophie Leroy, chargé de recouvrement de Café du Port");
    expect(JSON.stringify(answer.body)).not.toContain("enregistré");
    expect(await db.prisma.historyEntry.count({ where: { kind: "reminder.step" } })).toBe(0);
    expect(slack.calls.slice(before).some((c) => c.path.startsWith("/api/chat.update"))).toBe(false);
  });

  it("the promise form submitted twice makes one promise; one above what is owed is not recorded and says why", async () => {
    const meta = JSON.parse(button("task_promise").value ?? "{}") as { c: number; l: string; ch?: string };
    const submit = (amount: string) =>
      exchangeWithBot(
        port,
        viewSubmission({
          user: "USOPHIE",
          callbackId: "promise_modal",
          privateMetadata: JSON.stringify({ c: meta.c, l: meta.l, ch: meta.ch ?? "PHONE" }),
          values: {
            amount: { value: { type: "plain_text_input", value: amount } },
            date: { value: { type: "datepicker", selected_date: "2026-11-27" } },
          },
        }),
      );
    const [a, b] = await Promise.all([submit("205,90"), submit("205,90")]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await expect.poll(() => db.prisma.promiseSubmission.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => db.prisma.historyEntry.count({ where: { kind: "promise.recorded" } }), { timeout: 20_000 }).toBe(1);
    expect(await db.prisma.promiseToPay.count()).toBe(1);

    const before = slack.calls.length;
    expect((await submit("1250")).status).toBe(200);
    const dm = await slack.waitFor("/api/chat.postMessage", before);
    expect(dm.body.channel).toBe("USOPHIE");
    expect(String(dm.body.text).replace(/[\u00a0\u202f]/g, " ")).toBe(
      // French by default, the reason too (src/domain/taskWork.ts, from the catalogues).
      "Votre formulaire de promesse de paiement n’a pas été enregistré : 1 250,00 € dépasse ce que Café du Port doit d’échu non contesté (205,90 €). Vérifiez le montant, ou confirmez que la promesse le dépasse.",
    );
    expect(await db.prisma.promiseToPay.count()).toBe(1);
  });
});
