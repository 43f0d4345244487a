// The e-mail and letter actions of a collector's task card in Teams, through the real app (activities from the
// Bot Connector stand-in) and a real SMTP peer: Send queues the proposed reminder and the worker delivers it; Edit
// then send puts the form, prefilled from the preview, in place of the card, refuses an empty subject on the form
// and sends the edit; an issued formal notice is a task whose tracking number is checked and recorded once, also
// through an older client's Action.Submit fallback.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "@microsoft/teams.apps";
import type { TeamsMessenger } from "../../src/bot/teams/app.js";
import { EMAIL_EDIT_VERB, EMAIL_SEND_VERB, LETTER_SENT_VERB } from "../../src/bot/teams/mailCards.js";
import { taskListCards, teamsTaskPublisher } from "../../src/bot/teams/publisher.js";
import type { Database } from "../../src/db/database.js";
import { appendHistory } from "../../src/db/history.js";
import { calendarDate } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { runDailyTasks } from "../../src/jobs/dailyTasks.js";
import { EMAIL_SEND, mailSendHandler } from "../../src/jobs/mailSend.js";
import { JobWorker } from "../../src/jobs/queue.js";
import { createLogger } from "../../src/log.js";
import { collectorTasks } from "../../src/services/committeeViews.js";
import { adaptiveCardProblems } from "../helpers/adaptiveCards.js";
import { BotConnectorStandIn } from "../helpers/botConnector.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { executeActivity, installActivity, messageActivity, personalChat, sendActivity, startTeamsBot, type Member } from "../helpers/teamsRequests.js";
import { peerMailConfig, seedMailCompany } from "../mail/fixtures.js";
import { startSmtpPeer, type SmtpPeer } from "../mail/smtpPeer.js";
import { setCompanyLocale } from "../helpers/locale.js";

// Tuesday 24 November 2026, 10:00 in Paris: inside the sending window.
const NOW = new Date("2026-11-24T09:00:00Z");
const AS_OF = calendarDate("2026-11-24");
const logger = createLogger("silent");
const COLETTE: Member = { id: "29:colette", aadObjectId: "aad-colette", name: "Colette Collector" };

type Action = { type: string; title: string; verb?: string; data?: Record<string, unknown>; card?: { body: Array<{ id: string }>; actions: Action[] } };
type Card = { body: Array<{ type: string; id?: string; value?: string; items?: Array<{ type: string; actions?: Action[] }> }> };
const actionsOf = (card: Card | undefined) =>
  (card?.body.flatMap((b) => b.items ?? []) ?? []).filter((i) => i.type === "ActionSet").flatMap((s) => s.actions ?? []);

let peer: SmtpPeer;
beforeAll(async () => {
  peer = await startSmtpPeer({ user: "bot", password: "s3cret-smtp-password" });
});
afterAll(async () => {
  await peer.close();
  await dropTestSchemas();
});

describe.each(targets)("e-mail and letter actions on Teams task cards ($name)", (target) => {
  let db: Database;
  let connector: BotConnectorStandIn;
  let app: App;
  let port: number;
  let messenger: TeamsMessenger;
  let fx: Awaited<ReturnType<typeof seedMailCompany>>;

  beforeAll(async () => {
    db = await freshDatabase(target);
    // The company speaks French (the default, set explicitly); test/i18n/chatLanguage.test.ts checks English too.
    await setCompanyLocale(db, "fr-FR");
    connector = await new BotConnectorStandIn().start();
    fx = await seedMailCompany(db, [
      { key: "send", name: "Test Send SAS", email: "ap@send-customer.test", due: "2026-11-01", amount: 77_700n },
      { key: "edit", name: "Test Edit SAS", email: "ap@edit-customer.test", due: "2026-11-01", amount: 88_800n },
    ]);
    await db.prisma.chatIdentity.create({ data: { personId: fx.collectorId, platform: "TEAMS", externalId: COLETTE.aadObjectId } });
    ({ app, port, messenger } = await startTeamsBot(db, connector.url, { now: () => NOW, mailReady: true }));
    expect((await sendActivity(port, installActivity(connector.url, COLETTE, personalChat(COLETTE)))).status).toBe(200);
  });
  afterAll(async () => {
    await app?.stop();
    await connector?.stop();
    await db?.close();
  });

  async function deliver() {
    const send = mailSendHandler({
      policy: defaultPolicy,
      config: peerMailConfig(peer, { user: "bot", password: "s3cret-smtp-password" }),
      retryFloorMs: 0,
    });
    const w = new JobWorker({ db, logger, handlers: { [EMAIL_SEND]: send.handler }, concurrency: 1, baseBackoffMs: 1, random: () => 0, now: () => NOW });
    await w.runDue();
    send.close();
  }

  const execute = (verb: string, data: Record<string, unknown>, id: string) =>
    sendActivity(port, { ...executeActivity(connector.url, COLETTE, personalChat(COLETTE), "1", verb, data), id });

  it("Send and Edit then send are on a proposed e-mail step only when SMTP is configured; Send delivers it once", async () => {
    const list = await collectorTasks(db, defaultPolicy, AS_OF, fx.collectorId);
    expect(taskListCards(list, "EUR", "fr-FR").flatMap((c) => actionsOf(c.card as unknown as Card)).map((a) => a.verb)).not.toContain(EMAIL_SEND_VERB);

    await runDailyTasks({ db, policy: defaultPolicy, publisher: teamsTaskPublisher(messenger, db, "EUR", "fr-FR", { mailReady: true }), logger }, AS_OF);
    const dm = connector.accepted().find((c) => Array.isArray(c.body.attachments) && JSON.stringify(c.body).includes("Vos tâches"));
    const content = (dm?.body.attachments as Array<{ content: Card }>)[0]?.content;
    expect(adaptiveCardProblems(content).problems).toEqual([]);
    const send = fx.customers.send as { id: number; email: string };
    const sendAction = actionsOf(content).find((a) => a.verb === EMAIL_SEND_VERB && a.data?.c === send.id);
    expect(sendAction?.title).toBe("Envoyer l’e-mail");
    expect(actionsOf(content).find((a) => a.verb === EMAIL_EDIT_VERB && a.data?.c === send.id)?.title).toBe("Modifier puis envoyer");

    const first = await execute(EMAIL_SEND_VERB, sendAction?.data ?? {}, "mail-1");
    expect(first.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(JSON.stringify(first.body?.value)).toContain("Test Send SAS est en route");
    expect(adaptiveCardProblems(first.body?.value).problems).toEqual([]);
    const again = await execute(EMAIL_SEND_VERB, sendAction?.data ?? {}, "mail-2");
    expect(JSON.stringify(again.body?.value)).toContain("déjà envoyé ou en route aujourd’hui");
    const received = peer.received.length;
    await deliver();
    const mine = peer.received.slice(received);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.recipients).toContain(send.email);
  });

  it("Edit then send: the form in place of the card, prefilled; an empty subject comes back on the form; the edit is sent", async () => {
    const edit = fx.customers.edit as { id: number };
    const data = { c: edit.id, l: "second-reminder", ch: "EMAIL", f: 1, k: [edit.id] };
    const form = await execute(EMAIL_EDIT_VERB, data, "edit-1");
    const card = form.body?.value as Card & { actions: Action[] };
    expect(adaptiveCardProblems(card).problems).toEqual([]);
    expect(card.body.find((b) => b.id === "subject")?.value).toBe("Deuxième relance — factures échues — Test Edit SAS");
    expect(card.body.find((b) => b.id === "message")?.value).toMatch(/^Malgré notre précédente relance/);
    const submit = card.actions.find((a) => a.verb === EMAIL_SEND_VERB);
    expect(submit?.data).toMatchObject({ edited: true, c: edit.id });

    const refused = await execute(EMAIL_SEND_VERB, { ...submit?.data, subject: " ", message: "Bonjour" }, "edit-2");
    expect(JSON.stringify(refused.body?.value)).toContain("L’objet ne peut pas être vide.");
    expect(await db.prisma.job.count({ where: { kind: EMAIL_SEND, key: { contains: `:${edit.id}:` } } })).toBe(0);

    const sent = await execute(EMAIL_SEND_VERB, { ...submit?.data, subject: "Nos factures d'octobre", message: "Suite à notre appel de ce matin, voici le détail promis." }, "edit-3");
    expect(JSON.stringify(sent.body?.value)).toContain("Test Edit SAS est en route");
    const received = peer.received.length;
    await deliver();
    const mine = peer.received.slice(received);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.bytes.toString()).toContain("Suite =C3=A0 notre appel");
  });

  it("an issued formal notice: a mistyped tracking number is refused, a good one recorded once (also from the Action.Submit fallback)", async () => {
    const customer = fx.customers.send as { id: number };
    const action = await db.prisma.proposedAction.create({
      data: { customerId: customer.id, kind: "FORMAL_NOTICE", status: "APPLIED", reason: "test", period: "2026-W48", decidedAt: NOW, appliedAt: NOW },
    });
    await db.prisma.$transaction((tx) =>
      appendHistory(tx, {
        occurredAt: NOW,
        customerId: customer.id,
        origin: "JOB",
        channel: "LETTER",
        kind: "document.formal_notice",
        text: "Formal notice issued",
        actionId: action.id,
        data: { pdfFile: "x.pdf", textFile: "x.txt", sha256: "0".repeat(64), total: "77700", deadline: "2026-12-02" },
      }),
    );
    const list = await collectorTasks(db, defaultPolicy, AS_OF, fx.collectorId);
    const cards = taskListCards(list, "EUR", "fr-FR", { mailReady: true });
    for (const c of cards) expect(adaptiveCardProblems(c.card).problems).toEqual([]);
    const letter = cards.flatMap((c) => actionsOf(c.card as unknown as Card)).find((a) => a.title === "Envoyée en recommandé");
    const record = letter?.card?.actions[0];
    expect(record?.verb).toBe(LETTER_SENT_VERB);
    const field = letter?.card?.body[0]?.id ?? "tracking_0";

    const wrong = await execute(LETTER_SENT_VERB, { ...record?.data, [field]: "RA 123 456 784 FR" }, "letter-1");
    expect(wrong.body?.value).toBe("L’envoi en recommandé n’est pas enregistré : la clé de contrôle de RA123456784FR ne correspond pas (une faute de frappe ?) : recopiez-le depuis le récépissé");
    expect(await db.prisma.historyEntry.count({ where: { kind: "letter.sent" } })).toBe(0);

    const good = await execute(LETTER_SENT_VERB, { ...record?.data, [field]: "RA 123 456 785 FR" }, "letter-2");
    expect(JSON.stringify(good.body?.value)).toContain("n° RA123456785FR");
    // An older client: the Action.Submit fallback arrives as a message with the verb in its value.
    const before = connector.calls.length;
    expect((await sendActivity(port, messageActivity(connector.url, COLETTE, personalChat(COLETTE), "", { ...record?.data, [field]: "1A12345678901", verb: LETTER_SENT_VERB }))).status).toBe(200);
    await connector.waitFor((c) => c.method === "POST" && JSON.stringify(c.body).includes("déjà enregistré (n° RA123456785FR)"), before);
    const sent = await db.prisma.historyEntry.findMany({ where: { kind: "letter.sent" } });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ actionId: action.id, origin: "TEAMS", channel: "LETTER", data: { registeredMail: "RA123456785FR" } });
  });
});
