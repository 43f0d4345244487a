// Resolving a "wrong contact" task in Slack, through the real app (signed requests) and a real SMTP peer: an
// e-mail refused at RCPT makes the task; its "Correct the contact" button opens the form showing what bounced;
// an address that is not one comes back on the field; a good one replaces the bounced address, is recorded in
// the history, closes the task, and the next reminder goes to it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "@slack/bolt";
import { taskListMessages } from "../../src/bot/slack/publisher.js";
import { collectorTasks } from "../../src/services/committeeViews.js";
import type { Database } from "../../src/db/database.js";
import { calendarDate } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { EMAIL_SEND, mailSendHandler } from "../../src/jobs/mailSend.js";
import { JobWorker } from "../../src/jobs/queue.js";
import { createLogger } from "../../src/log.js";
import { scheduleReminderEmails } from "../../src/usecases/emailReminders.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { SlackStandIn } from "../helpers/slackStandIn.js";
import { buttonClick, buttonsOf, exchangeWithBot, postToBot, startSlackBot, viewSubmission } from "../helpers/slackRequests.js";
import { peerMailConfig, seedMailCompany } from "../mail/fixtures.js";
import { startSmtpPeer, type SmtpPeer } from "../mail/smtpPeer.js";

// Tuesday 24 November 2026, 10:00 in Paris; the next reminder run on Wednesday 25th.
const NOW = new Date("2026-11-24T09:00:00Z");
const NEXT = new Date("2026-11-25T09:00:00Z");
const logger = createLogger("silent");

let peer: SmtpPeer;
beforeAll(async () => {
  peer = await startSmtpPeer();
});
afterAll(async () => {
  await peer.close();
  await dropTestSchemas();
});


describe.each(targets)("correcting a wrong contact from Slack ($name)", (target) => {
  let db: Database;
  let slack: SlackStandIn;
  let app: App;
  let port: number;
  let fx: Awaited<ReturnType<typeof seedMailCompany>>;

  beforeAll(async () => {
    db = await freshDatabase(target);
    slack = await new SlackStandIn().start();
    fx = await seedMailCompany(db, [{ key: "gone", name: "Test Wrong Contact SAS", email: "left@wrong-contact.test", due: "2026-11-18", amount: 45_600n }]);
    await db.prisma.chatIdentity.create({ data: { personId: fx.collectorId, platform: "SLACK", externalId: "UCOLETTE" } });
    ({ app, port } = await startSlackBot(db, slack.url, { now: () => NOW, mailReady: true }));
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.stop();
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

  it("the bounce's task has 'Correct the contact'; a bad address comes back on the field; a good one closes the task and the next reminder goes to it", async () => {
    const gone = fx.customers.gone as { id: number; email: string };
    peer.refuse(gone.email);
    await scheduleReminderEmails(db, defaultPolicy, calendarDate("2026-11-24"), NOW);
    await deliver(NOW);
    expect(await db.prisma.emailSuppression.count({ where: { address: gone.email } })).toBe(1);

    const list = await collectorTasks(db, defaultPolicy, calendarDate("2026-11-24"), fx.collectorId);
    const rows = taskListMessages(list, "EUR", "fr-FR", { mailReady: true }).flatMap((m) => buttonsOf(m.blocks));
    const button = rows.flatMap((r) => r.buttons).find((b) => b.action_id === "task_contact_fix");
    expect(button?.text.text).toBe("Corriger le contact");

    let before = slack.calls.length;
    const click = JSON.parse(
      buttonClick({ user: "UCOLETTE", channel: "DCOLETTE", message: { ts: "100.1" }, responseUrl: `${slack.url}/response/1.1`, action: { action_id: "task_contact_fix", value: button?.value, action_ts: "1.1" } })
        .payload as string,
    ) as Record<string, unknown>;
    expect(await postToBot(port, { payload: JSON.stringify({ ...click, trigger_id: "1.2.3" }) })).toBe(200);
    const opened = await slack.waitFor("/api/views.open", before);
    const view = (typeof opened.body.view === "string" ? JSON.parse(opened.body.view) : opened.body.view) as {
      callback_id: string;
      private_metadata: string;
      blocks: Array<{ type: string; elements?: Array<{ text: string }> }>;
    };
    expect(view.callback_id).toBe("contact_fix_modal");
    expect(view.blocks[0]?.elements?.[0]?.text).toMatch(/^L’e-mail à left@wrong-contact\.test a été refusé : 550 5\.1\.1/);

    const submit = (email: string) =>
      exchangeWithBot(port, viewSubmission({ user: "UCOLETTE", callbackId: "contact_fix_modal", privateMetadata: view.private_metadata, values: { email: { value: { type: "plain_text_input", value: email } } } }));
    expect(JSON.parse((await submit("compta chez client")).body)).toEqual({
      response_action: "errors",
      // The company's language (fr-FR), from the catalogue: no English sentence in a French form.
      errors: { email: "« compta chez client » n’est pas une adresse e-mail (nom@societe.fr)." },
    });
    expect(await db.prisma.historyEntry.count({ where: { kind: "contact.corrected" } })).toBe(0);

    before = slack.calls.length;
    expect((await submit("  Compta@Wrong-Contact.test ")).status).toBe(200);
    expect(String((await slack.waitFor("/api/chat.postMessage", before)).body.text)).toContain(
      "Test Wrong Contact SAS : compta@wrong-contact.test remplace left@wrong-contact.test ; les relances par e-mail reprennent.",
    );
    // A second submission (a double click): nothing more.
    before = slack.calls.length;
    expect((await submit("compta@wrong-contact.test")).status).toBe(200);
    expect(String((await slack.waitFor("/api/chat.postMessage", before)).body.text)).toContain("est déjà l’adresse du contact ; rien n’est changé.");

    const history = await db.prisma.historyEntry.findMany({ where: { kind: "contact.corrected", customerId: gone.id } });
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ origin: "SLACK", actorId: fx.collectorId, data: { from: ["left@wrong-contact.test"], to: "compta@wrong-contact.test" } });
    expect((await db.prisma.contact.findFirstOrThrow({ where: { customerId: gone.id } })).email).toBe("compta@wrong-contact.test");
    const after = await collectorTasks(db, defaultPolicy, calendarDate("2026-11-24"), fx.collectorId);
    expect(after.tasks.filter((t) => t.kind === "wrong-contact")).toEqual([]);

    // The next day's reminder goes to the corrected address.
    expect(await scheduleReminderEmails(db, defaultPolicy, calendarDate("2026-11-25"), NEXT)).toEqual({ queued: 1, alreadyQueued: 0, noAddress: [] });
    const received = peer.received.length;
    await deliver(NEXT);
    expect(peer.received.slice(received).map((m) => m.recipients)).toEqual([["compta@wrong-contact.test"]]);
  });

  it("another collector (not the customer's) gets no form showing the address that bounced: a refusal instead", async () => {
    const other = (await seedMailCompany(db, [{ key: "other", name: "Test Other Contact SAS", email: "gone@other-contact.test", due: "2026-11-18", amount: 12_300n }])).customers.other as { id: number; email: string };
    peer.refuse(other.email);
    await scheduleReminderEmails(db, defaultPolicy, calendarDate("2026-11-24"), NOW);
    await deliver(NOW);
    expect(await db.prisma.emailSuppression.count({ where: { address: other.email } })).toBe(1);
    const carl = await db.prisma.person.create({ data: { name: "Carl Othercollector", email: "carl@seller.test", roles: ["COLLECTOR"] } });
    await db.prisma.chatIdentity.create({ data: { personId: carl.id, platform: "SLACK", externalId: "UCARL" } });
    for (const [user, n] of [["UCARL", 1], ["UNOBODY", 2]] as const) {
      const before = slack.calls.length;
      const click = JSON.parse(
        buttonClick({ user, channel: "CSHARED", message: { ts: "200.1" }, responseUrl: `${slack.url}/response/2.${n}`, action: { action_id: "task_contact_fix", value: JSON.stringify({ c: other.id }), action_ts: `2.${n}` } })
          .payload as string,
      ) as Record<string, unknown>;
      expect(await postToBot(port, { payload: JSON.stringify({ ...click, trigger_id: `2.${n}.3` }) })).toBe(200);
      const reply = await slack.waitFor("/response/", before);
      expect(JSON.stringify(reply.body)).not.toContain(other.email);
      expect(slack.calls.slice(before).filter((c) => c.path === "/api/views.open")).toEqual([]);
    }
  });
});
