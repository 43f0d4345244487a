import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "@microsoft/teams.apps";
import type { TeamsMessenger } from "../../src/bot/teams/app.js";
import { NOT_REGISTERED } from "../../src/domain/access.js";
import { VERBS } from "../../src/bot/teams/cards.js";
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
import { setCompanyLocale } from "../helpers/locale.js";
import { csv, writeTemp } from "../helpers/files.js";
import { executeActivity, installActivity, personalChat, sendActivity, startTeamsBot, type Member } from "../helpers/teamsRequests.js";

afterAll(dropTestSchemas);

const logger = createLogger("silent");
const SOPHIE: Member = { id: "29:sophie", aadObjectId: "aad-sophie", name: "Sophie Leroy" };
const KARIM: Member = { id: "29:karim", aadObjectId: "aad-karim", name: "Karim Benali" };
const LEA: Member = { id: "29:lea", aadObjectId: "aad-lea", name: "Léa Martin" };

type Action = {
  type: string;
  title: string;
  verb?: string;
  data?: Record<string, unknown>;
  card?: { body: Array<{ id: string }>; actions: Action[] };
};

describe.each(targets)("collectors' daily tasks in Teams on $name", (target) => {
  let db: Database;
  let connector: BotConnectorStandIn;
  let app: App;
  let port: number;
  let messenger: TeamsMessenger;

  beforeAll(async () => {
    db = await freshDatabase(target);
    // Asserted in English (locale en-GB); test/i18n/languages.test.ts checks the French default.
    await setCompanyLocale(db, "en-GB");
    connector = await new BotConnectorStandIn().start();
    for (const [m, email] of [
      [SOPHIE, "sophie@acme.example"],
      [KARIM, "karim@acme.example"],
      [LEA, "lea@acme.example"],
    ] as const) {
      await db.prisma.person.create({
        data: { name: m.name, email, roles: ["COLLECTOR"], identities: { create: [{ platform: "TEAMS", externalId: m.aadObjectId }] } },
      });
    }
    await runImport(
      db,
      IMPORTERS.customers,
      writeTemp(
        `teams-tasks-customers-${target.name}.csv`,
        csv(
          "external_id;name;collector;contact_name;contact_phone",
          "K1;Café du Port;sophie@acme.example;Mme Colin;+33 1 23 45 67 89",
          "K2;Boulangerie Lenoir;lea@acme.example;M. Lenoir;+33 1 98 76 54 32",
        ),
      ),
    );
    await runImport(
      db,
      IMPORTERS.invoices,
      writeTemp(
        `teams-tasks-invoices-${target.name}.csv`,
        csv("customer_id;number;issue_date;due_date;amount", "K1;F-1;2026-10-01;2026-11-05;800,00", "K2;F-2;2026-10-01;2026-11-05;500,00"),
      ),
    );
    ({ app, port, messenger } = await startTeamsBot(db, connector.url, { now: () => new Date("2026-11-20T09:00:00Z") }));
    // Sophie and Léa installed the app in their personal scope; Karim did not.
    for (const m of [SOPHIE, LEA]) expect((await sendActivity(port, installActivity(connector.url, m, personalChat(m)))).status).toBe(200);
  });
  afterAll(async () => {
    await app?.stop();
    await connector?.stop();
    await db?.close();
  });

  it("each collector gets their day once in their personal chat; one without the app is reported; Teams' 429 is waited out", async () => {
    const publisher = teamsTaskPublisher(messenger, db, "EUR", "en-GB");
    connector.blocked.add(personalChat(LEA).id); // Léa blocked the bot since: reported, and not tried again
    connector.failNext(429, 2, 0); // Teams throttles the first two sends
    const before = connector.calls.length;
    const run = await runDailyTasks({ db, policy: defaultPolicy, publisher, logger }, d("2026-11-20"));
    expect(run).toEqual({ status: "sent", sent: 1, unreachable: ["Karim Benali", "Léa Martin"] });
    expect(connector.calls.slice(before).map((c) => c.status)).toEqual([429, 429, 200, 403]);
    const dm = connector.accepted(before)[0];
    expect(dm?.conversationId).toBe(personalChat(SOPHIE).id);
    const text = JSON.stringify(dm?.body);
    expect(text).toContain("Your tasks for 20/11/2026 (1)");
    expect(text).toContain("Café du Port (K1)");
    expect(text).toContain("Mme Colin · +33 1 23 45 67 89");
    expect(text).toContain("Call checklist: 1. Introduce yourself");
    const card = (dm?.body.attachments as Array<{ content: unknown }>)[0]?.content;
    expect(adaptiveCardProblems(card)).toEqual({ problems: [], version: "1.5" });
    expect((await db.prisma.conversationRef.findFirstOrThrow({ where: { userAadId: LEA.aadObjectId } })).removedAt).not.toBeNull();
    expect(await runDailyTasks({ db, policy: defaultPolicy, publisher, logger }, d("2026-11-20"))).toMatchObject({ status: "skipped" });
    expect(await runDailyTasks({ db, policy: defaultPolicy, publisher, logger }, d("2026-11-21"))).toMatchObject({ status: "skipped" });
  });

  it("a collector who blocked the bot and installs it again is reachable again", async () => {
    connector.blocked.delete(personalChat(LEA).id);
    expect((await sendActivity(port, installActivity(connector.url, LEA, personalChat(LEA)))).status).toBe(200);
    expect((await db.prisma.conversationRef.findFirstOrThrow({ where: { userAadId: LEA.aadObjectId } })).removedAt).toBeNull();
  });

  const taskActions = async () => {
    const dm = connector
      .accepted()
      .find((c) => c.conversationId === personalChat(SOPHIE).id && JSON.stringify(c.body).includes("Your tasks"));
    const card = (dm?.body.attachments as Array<{ content: { body: Array<{ items?: Array<{ type: string; actions?: Action[] }> }> } }>)[0]
      ?.content;
    const sets = card?.body.flatMap((b) => b.items ?? []).filter((i) => i.type === "ActionSet") ?? [];
    return { dm, actions: sets.flatMap((s) => s.actions ?? []) };
  };

  it("an outcome writes the history once however often it is clicked, and the card comes back with the task done", async () => {
    const { dm, actions } = await taskActions();
    const noAnswer = actions.find((a) => a.title === "No answer / voicemail");
    expect(noAnswer?.type).toBe("Action.Execute");
    const click = () =>
      sendActivity(
        port,
        executeActivity(connector.url, SOPHIE, personalChat(SOPHIE), String(dm?.body.id ?? "1"), VERBS.outcome, noAnswer?.data ?? {}),
      );
    const first = await click();
    await click();
    expect(first.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(JSON.stringify(first.body?.value)).toContain("✅ Café du Port: No answer / voicemail — recorded.");
    expect(adaptiveCardProblems(first.body?.value).problems).toEqual([]);
    const steps = await db.prisma.historyEntry.findMany({ where: { kind: "reminder.step" } });
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ origin: "TEAMS", text: expect.stringContaining("No answer / voicemail") });
    // Someone who is not in the committee: told why, nothing written.
    const stranger: Member = { id: "29:x", aadObjectId: "aad-stranger", name: "Stranger" };
    const refused = await sendActivity(
      port,
      executeActivity(connector.url, stranger, personalChat(stranger), "1", VERBS.outcome, noAnswer?.data ?? {}),
    );
    expect(String(refused.body?.value)).toBe(NOT_REGISTERED);
    expect(await db.prisma.historyEntry.count({ where: { kind: "reminder.step" } })).toBe(1);
  });

  it("the promise form checks its fields, then records the promise and the call", async () => {
    const { actions } = await taskActions();
    const form = actions.find((a) => a.type === "Action.ShowCard");
    const submit = form?.card?.actions[0];
    const ids = form?.card?.body.map((i) => i.id) ?? [];
    expect(submit?.verb).toBe(VERBS.promise);
    const send = (values: string[]) =>
      sendActivity(
        port,
        executeActivity(connector.url, SOPHIE, personalChat(SOPHIE), "1", VERBS.promise, {
          ...submit?.data,
          ...Object.fromEntries(ids.map((id, i) => [id, values[i] ?? ""])),
        }),
      );
    const bad = await send(["abc", "2026-11-01"]);
    expect(bad.body).toMatchObject({ type: "application/vnd.microsoft.activity.message" });
    expect(String(bad.body?.value)).toContain("A promise is for today or later.");
    expect(await db.prisma.promiseToPay.count()).toBe(0);
    const good = await send(["400,00", "2026-11-27", "half now, half in December"]);
    expect(good.body).toMatchObject({ type: "application/vnd.microsoft.card.adaptive" });
    expect(JSON.stringify(good.body?.value)).toContain("Café du Port: promise of 400,00 by 2026-11-27 — recorded.");
    const promise = await db.prisma.promiseToPay.findFirstOrThrow();
    expect(promise.amount).toBe(40000n);
    expect(promise.promisedDate.toISOString().slice(0, 10)).toBe("2026-11-27");
  });
});
