// Resolving a "wrong contact" task from a Teams task card, through the real app (activities from the Bot
// Connector stand-in) and a real SMTP peer: the bounce's task has "Correct the contact" with the address field;
// an address that is not one is refused with the reason; a good one replaces the bounced address, closes the task
// (the card comes back without it) and the next reminder goes to it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "@microsoft/teams.apps";
import { CONTACT_FIX_VERB } from "../../src/bot/teams/contactCards.js";
import { taskListCards } from "../../src/bot/teams/publisher.js";
import type { Database } from "../../src/db/database.js";
import { calendarDate } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { EMAIL_SEND, mailSendHandler } from "../../src/jobs/mailSend.js";
import { JobWorker } from "../../src/jobs/queue.js";
import { createLogger } from "../../src/log.js";
import { collectorTasks } from "../../src/services/committeeViews.js";
import { scheduleReminderEmails } from "../../src/usecases/emailReminders.js";
import { adaptiveCardProblems } from "../helpers/adaptiveCards.js";
import { BotConnectorStandIn } from "../helpers/botConnector.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { executeActivity, installActivity, personalChat, sendActivity, startTeamsBot, type Member } from "../helpers/teamsRequests.js";
import { peerMailConfig, seedMailCompany } from "../mail/fixtures.js";
import { startSmtpPeer, type SmtpPeer } from "../mail/smtpPeer.js";

const NOW = new Date("2026-11-24T09:00:00Z");
const NEXT = new Date("2026-11-25T09:00:00Z");
const AS_OF = calendarDate("2026-11-24");
const logger = createLogger("silent");
const COLETTE: Member = { id: "29:colette", aadObjectId: "aad-colette", name: "Colette Collector" };

type Action = { type: string; title: string; verb?: string; data?: Record<string, unknown>; card?: { body: Array<{ id: string; style?: string }>; actions: Action[] } };
type Card = { body: Array<{ type: string; items?: Array<{ type: string; actions?: Action[] }> }> };
const actionsOf = (card: Card | undefined) =>
  (card?.body.flatMap((b) => b.items ?? []) ?? []).filter((i) => i.type === "ActionSet").flatMap((s) => s.actions ?? []);

let peer: SmtpPeer;
beforeAll(async () => {
  peer = await startSmtpPeer();
});
afterAll(async () => {
  await peer.close();
  await dropTestSchemas();
});

describe.each(targets)("correcting a wrong contact from Teams ($name)", (target) => {
  let db: Database;
  let connector: BotConnectorStandIn;
  let app: App;
  let port: number;
  let fx: Awaited<ReturnType<typeof seedMailCompany>>;

  beforeAll(async () => {
    db = await freshDatabase(target);
    connector = await new BotConnectorStandIn().start();
    fx = await seedMailCompany(db, [{ key: "gone", name: "Test Wrong Contact SAS", email: "left@wrong-contact.test", due: "2026-11-18", amount: 45_600n }]);
    await db.prisma.chatIdentity.create({ data: { personId: fx.collectorId, platform: "TEAMS", externalId: COLETTE.aadObjectId } });
    ({ app, port } = await startTeamsBot(db, connector.url, { now: () => NOW, mailReady: true }));
    expect((await sendActivity(port, installActivity(connector.url, COLETTE, personalChat(COLETTE)))).status).toBe(200);
  });
  afterAll(async () => {
    await app?.stop();
    await connector?.stop();
    await db?.close();
  });

  async function deliver(now: Date) {
    const send = mailSendHandler({
      policy: defaultPolicy,
      config: peerMailConfig(peer),
      retryFloorMs: 0,
    });
    await new JobWorker({ db, logger, handlers: { [EMAIL_SEND]: send.handler }, concurrency: 1, now: () => now }).runDue();
    send.close();
  }

  const execute = (verb: string, data: Record<string, unknown>, id: string) =>
    sendActivity(port, { ...executeActivity(connector.url, COLETTE, personalChat(COLETTE), "1", verb, data), id });

  it("the bounce's task card has 'Correct the contact'; a bad address is refused with the reason; a good one closes the task and the next reminder goes to it", async () => {
    const gone = fx.customers.gone as { id: number; email: string };
    peer.refuse(gone.email);
    await scheduleReminderEmails(db, defaultPolicy, AS_OF, NOW);
    await deliver(NOW);

    const list = await collectorTasks(db, defaultPolicy, AS_OF, fx.collectorId);
    const cards = taskListCards(list, "EUR", "fr-FR", { mailReady: true });
    for (const c of cards) expect(adaptiveCardProblems(c.card).problems).toEqual([]);
    const fix = cards.flatMap((c) => actionsOf(c.card as unknown as Card)).find((a) => a.title === "Corriger le contact");
    expect(fix?.type).toBe("Action.ShowCard");
    const save = fix?.card?.actions[0];
    expect(save?.verb).toBe(CONTACT_FIX_VERB);
    const field = fix?.card?.body[0]?.id as string;
    expect(fix?.card?.body[0]?.style).toBe("Email");

    const wrong = await execute(CONTACT_FIX_VERB, { ...save?.data, [field]: "compta chez client" }, "contact-1");
    // The company's language (fr-FR), from the catalogue: no English sentence in a French card.
    expect(wrong.body?.value).toBe("Le contact n’est pas corrigé : « compta chez client » n’est pas une adresse e-mail (nom@societe.fr).");
    expect(await db.prisma.historyEntry.count({ where: { kind: "contact.corrected" } })).toBe(0);

    const good = await execute(CONTACT_FIX_VERB, { ...save?.data, [field]: "compta@wrong-contact.test" }, "contact-2");
    expect(good.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    const answered = JSON.stringify(good.body?.value);
    expect(answered).toContain("compta@wrong-contact.test remplace left@wrong-contact.test");
    // The refreshed card no longer offers the correction.
    expect(answered).not.toContain("Corriger le contact");
    const history = await db.prisma.historyEntry.findMany({ where: { kind: "contact.corrected", customerId: gone.id } });
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ origin: "TEAMS", actorId: fx.collectorId, data: { from: ["left@wrong-contact.test"], to: "compta@wrong-contact.test" } });

    expect(await scheduleReminderEmails(db, defaultPolicy, calendarDate("2026-11-25"), NEXT)).toEqual({ queued: 1, alreadyQueued: 0, noAddress: [] });
    const received = peer.received.length;
    await deliver(NEXT);
    expect(peer.received.slice(received).map((m) => m.recipients)).toEqual([["compta@wrong-contact.test"]]);
  });
});
