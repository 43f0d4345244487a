// A payment plan agreed from a collector's task card in Teams: the card's "Payment plan" form, a problem
// answered to the person naming the instalment, a sound plan agreed once however often the activity comes,
// and the card refreshed with what was recorded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "@microsoft/teams.apps";
import type { TeamsMessenger } from "../../src/bot/teams/app.js";
import { PLAN_VERB } from "../../src/bot/teams/planCards.js";
import { teamsTaskPublisher } from "../../src/bot/teams/publisher.js";
import type { Database } from "../../src/db/database.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { runDailyTasks } from "../../src/jobs/dailyTasks.js";
import { createLogger } from "../../src/log.js";
import { adaptiveCardProblems } from "../helpers/adaptiveCards.js";
import { BotConnectorStandIn } from "../helpers/botConnector.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";
import { executeActivity, installActivity, personalChat, sendActivity, startTeamsBot, type Member } from "../helpers/teamsRequests.js";
import { setCompanyLocale } from "../helpers/locale.js";

afterAll(dropTestSchemas);

const SOPHIE: Member = { id: "29:sophie", aadObjectId: "aad-sophie", name: "Sophie Leroy" };
type Action = { type: string; title: string; verb?: string; data?: Record<string, unknown>; card?: { body: Array<{ id: string }>; actions: Action[] } };

describe.each(targets)("payment plans from a task card in Teams on $name", (target) => {
  let db: Database;
  let connector: BotConnectorStandIn;
  let app: App;
  let port: number;
  let messenger: TeamsMessenger;

  beforeAll(async () => {
    db = await freshDatabase(target);
    // Asserted in English (locale en-GB); test/i18n/chatLanguage.test.ts checks French, the default.
    await setCompanyLocale(db, "en-GB");
    connector = await new BotConnectorStandIn().start();
    await db.prisma.person.create({
      data: { name: SOPHIE.name, email: "sophie@acme.example", roles: ["COLLECTOR"], identities: { create: [{ platform: "TEAMS", externalId: SOPHIE.aadObjectId }] } },
    });
    await runImport(db, IMPORTERS.customers, writeTemp(`plan-teams-c-${target.name}.csv`, csv("external_id;name;collector", "K1;Café du Port;sophie@acme.example")));
    await runImport(
      db,
      IMPORTERS.invoices,
      writeTemp(`plan-teams-i-${target.name}.csv`, csv("customer_id;number;issue_date;due_date;amount", "K1;F-1;2026-10-01;2026-11-05;800,00")),
    );
    ({ app, port, messenger } = await startTeamsBot(db, connector.url, { now: () => new Date("2026-11-20T09:00:00Z") }));
    expect((await sendActivity(port, installActivity(connector.url, SOPHIE, personalChat(SOPHIE)))).status).toBe(200);
  });
  afterAll(async () => {
    await app?.stop();
    await connector?.stop();
    await db?.close();
  });

  it("the Payment plan form answers a problem naming the instalment, then agrees the plan once and refreshes the card", async () => {
    await runDailyTasks({ db, policy: defaultPolicy, publisher: teamsTaskPublisher(messenger, db, "EUR", "en-GB"), logger: createLogger("silent") }, d("2026-11-20"));
    const dm = connector.accepted().find((c) => JSON.stringify(c.body).includes("Your tasks"));
    const content = (dm?.body.attachments as Array<{ content: { body: Array<{ items?: Array<{ type: string; actions?: Action[] }> }> } }>)[0]?.content;
    expect(adaptiveCardProblems(content).problems).toEqual([]);
    const actions = (content?.body.flatMap((b) => b.items ?? []) ?? []).filter((i) => i.type === "ActionSet").flatMap((s) => s.actions ?? []);
    const form = actions.find((a) => a.title === "Payment plan");
    const submit = form?.card?.actions[0];
    expect(submit?.verb).toBe(PLAN_VERB);
    const ids = form?.card?.body.map((i) => i.id) ?? [];
    const send = (instalments: string, activityId: string) =>
      sendActivity(port, {
        ...executeActivity(connector.url, SOPHIE, personalChat(SOPHIE), "1", PLAN_VERB, {
          ...submit?.data,
          [ids[0] ?? "instalments_0"]: instalments,
          [ids[1] ?? "plannote_0"]: "half now, half at Christmas",
        }),
        id: activityId,
      });
    const wrong = await send("2026-12-15: 400,00", "act-1");
    expect(String(wrong.body?.value)).toContain("a payment plan has at least two instalments");
    expect(await db.prisma.paymentPlan.count()).toBe(0);

    const good = await send("2026-12-01: 400,00\n2026-12-24: 400,00", "act-2");
    expect(good.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(JSON.stringify(good.body?.value).replace(/[\u00a0\u202f]/g, " ")).toContain("Payment plan agreed: 2 instalments totalling €800.00");
    expect(adaptiveCardProblems(good.body?.value).problems).toEqual([]);
    await send("2026-12-01: 400,00\n2026-12-24: 400,00", "act-2");
    const plans = await db.prisma.paymentPlan.findMany();
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({ amount: 80000n, note: "half now, half at Christmas", idempotencyKey: "teams:act-2" });
    const entry = await db.prisma.historyEntry.findFirstOrThrow({ where: { kind: "payment_plan.agreed" } });
    expect(entry.origin).toBe("TEAMS");
  });
});
