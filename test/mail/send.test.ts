// Reminder e-mails against a real SMTP server on the loopback (smtp-server, STARTTLS with a certificate made
// for the run, AUTH): sent on the calendar, exactly once per customer, level and day; a 421 is retried and the
// retry sends the very bytes stored before the first attempt; a 550 at RCPT is a bounce (wrong contact, no
// more e-mail to that address); the .eml kept is the one received, byte for byte, with its SHA-256 in the history.
import { createHash } from "node:crypto";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { calendarDate } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { EMAIL_SEND, mailSendHandler } from "../../src/jobs/mailSend.js";
import { JobWorker } from "../../src/jobs/queue.js";
import { createLogger } from "../../src/log.js";
import type { MailConfig } from "../../src/mail/config.js";
import { collectorTasks } from "../../src/services/committeeViews.js";
import { previewReminder, scheduleReminderEmails, sendReminderFromTask } from "../../src/usecases/emailReminders.js";
import { FormError } from "../../src/usecases/contacts.js";
import { parsePolicy, DEFAULT_POLICY } from "../../src/domain/policy.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { seedMailCompany, SELLER } from "./fixtures.js";
import { startSmtpPeer, type SmtpPeer } from "./smtpPeer.js";

const logger = createLogger("debug");
// Tuesday 24 November 2026, 10:00 in Paris: inside the sending window.
const NOW = new Date("2026-11-24T09:00:00Z");
const AS_OF = calendarDate("2026-11-24");
const NEXT_DAY = calendarDate("2026-11-25");

let peer: SmtpPeer;
beforeAll(async () => {
  peer = await startSmtpPeer({ user: "bot", password: "s3cret-smtp-password" });
});
afterAll(async () => {
  await peer.close();
  await dropTestSchemas();
});

function config(): MailConfig {
  return { smtp: { host: "127.0.0.1", port: peer.port, tls: "starttls", user: "bot", password: "s3cret-smtp-password", ca: peer.ca }, imap: null, cron: "0 9 * * 1-5" };
}

function worker(db: Database) {
  const send = mailSendHandler({ policy: defaultPolicy, config: config(), retryFloorMs: 0 });
  const w = new JobWorker({ db, logger, handlers: { [EMAIL_SEND]: send.handler }, concurrency: 2, baseBackoffMs: 1, random: () => 0, now: () => NOW });
  return { w, close: send.close };
}

describe.each(targets)("reminder e-mails over SMTP ($name)", (target) => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase(target);
  });
  afterAll(async () => {
    await db.close();
  });

  it("sends the first reminder on the calendar over STARTTLS, once, and keeps the exact .eml with its SHA-256 in the history", async () => {
    const fx = await seedMailCompany(db, [
      { key: "auto", name: "Boulangerie Test Auto", email: "compta@auto-customer.test", due: "2026-11-20", amount: 123_456n },
      { key: "en", name: "Test English Ltd", email: "ap@english-customer.test", locale: "en-GB", due: "2026-11-19", amount: 50_000n },
    ]);
    const before = peer.received.length;
    const first = await scheduleReminderEmails(db, defaultPolicy, AS_OF, NOW);
    expect(first).toEqual({ queued: 2, alreadyQueued: 0, noAddress: [] });
    // Asked again the same day (a second process, a restart): nothing more.
    expect(await scheduleReminderEmails(db, defaultPolicy, AS_OF, NOW)).toEqual({ queued: 0, alreadyQueued: 2, noAddress: [] });
    const { w, close } = worker(db);
    await w.runDue();
    close();
    const mine = peer.received.slice(before);
    expect(await db.prisma.job.findMany({ select: { state: true, lastError: true } })).toEqual([
      { state: "DONE", lastError: null },
      { state: "DONE", lastError: null },
    ]);
    expect(mine).toHaveLength(2);
    expect(mine.every((m) => m.secure && m.user === "bot")).toBe(true);

    const auto = fx.customers.auto as { id: number; email: string };
    const stored = await db.prisma.emailMessage.findFirstOrThrow({ where: { customerId: auto.id } });
    const got = mine.find((m) => m.recipients.includes(auto.email));
    expect(got).toBeDefined();
    expect(got?.envelopeFrom).toBe(SELLER.replyTo);
    // Byte for byte what was stored before the SMTP transaction (the server adds nothing before DATA's end).
    expect(Buffer.from(stored.eml).equals(got?.bytes as Buffer)).toBe(true);
    expect(stored.sha256).toBe(createHash("sha256").update(got?.bytes as Buffer).digest("hex"));
    expect(stored.status).toBe("SENT");
    expect(stored.smtpResponse).toMatch(/^250 2\.0\.0 Ok: queued as TEST/);

    const parsed = await simpleParser(got?.bytes as Buffer);
    expect(parsed.messageId).toBe(stored.messageId);
    expect(parsed.subject).toBe("Relance — factures échues — Boulangerie Test Auto");
    expect(parsed.replyTo?.text).toBe(SELLER.replyTo);
    expect(parsed.text).toContain("F-101 : 1\u00a0234,56\u00a0€, échue le 20 novembre 2026 (4 jours de retard)");
    expect(parsed.text).toContain("IBAN FR76 3000 6000 0112 3456 7890 189");
    expect(parsed.html).toContain("<td>F-101</td>");
    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([["releve-de-compte-C1-2026-11-24.pdf", "application/pdf"]]);
    expect(parsed.attachments[0]?.content.subarray(0, 5).toString()).toBe("%PDF-");

    const english = mine.find((m) => m.recipients.includes("ap@english-customer.test"));
    const en = await simpleParser(english?.bytes as Buffer);
    expect(en.subject).toBe("Reminder — overdue invoices — Test English Ltd");
    expect(en.text).toContain("F-201: €500.00, due on 19 November 2026 (5 days late)");

    const entry = await db.prisma.historyEntry.findFirstOrThrow({ where: { customerId: auto.id, kind: "reminder.step" } });
    expect(entry.channel).toBe("EMAIL");
    expect(entry.data).toMatchObject({ levelId: "first-reminder", sha256: stored.sha256, messageId: stored.messageId, emailMessageId: stored.id });
    expect(entry.text).toContain(stored.sha256);
    // The step is done: the calendar does not ask for it again the same day or the next.
    expect(await scheduleReminderEmails(db, defaultPolicy, NEXT_DAY, new Date("2026-11-25T09:00:00Z"))).toEqual({ queued: 0, alreadyQueued: 0, noAddress: [] });
    // The evidence row cannot be rewritten.
    await expect(db.withConnection((sql) => sql.query(`UPDATE email_message SET sha256 = repeat('0', 64) WHERE id = $1`, [stored.id]))).rejects.toThrow(/evidence/);
    await expect(db.withConnection((sql) => sql.query(`DELETE FROM email_message WHERE id = $1`, [stored.id]))).rejects.toThrow(/evidence/);
  });

  it("a 421 is retried with the same stored bytes and Message-ID: one message received, rendered once", async () => {
    const fx = await seedMailCompany(db, [{ key: "busy", name: "Test Busy SARL", email: "ap@busy-customer.test", due: "2026-11-18", amount: 99_900n }]);
    const busy = fx.customers.busy as { id: number; email: string };
    await scheduleReminderEmails(db, defaultPolicy, AS_OF, NOW);
    peer.busyFor(1);
    const before = peer.received.length;
    const { w, close } = worker(db);
    const ran = await w.runDue();
    close();
    expect(ran).toBe(2); // the 421, then the success
    const mine = peer.received.slice(before).filter((m) => m.recipients.includes(busy.email));
    expect(mine).toHaveLength(1);
    const rows = await db.prisma.emailMessage.findMany({ where: { customerId: busy.id } });
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0]?.eml as Uint8Array).equals(mine[0]?.bytes as Buffer)).toBe(true);
    const job = await db.prisma.job.findFirstOrThrow({ where: { kind: EMAIL_SEND, key: { contains: `:${busy.id}:` } } });
    expect(job.state).toBe("DONE");
    expect(job.attempts).toBe(2);
  });

  it("a 550 at RCPT is a bounce: wrong-contact task for the collector, no more e-mail to that address", async () => {
    const fx = await seedMailCompany(db, [{ key: "gone", name: "Test Gone SAS", email: "left-the-company@gone-customer.test", due: "2026-11-17", amount: 10_000n }]);
    const gone = fx.customers.gone as { id: number; email: string };
    peer.refuse(gone.email);
    await scheduleReminderEmails(db, defaultPolicy, AS_OF, NOW);
    const before = peer.received.length;
    const { w, close } = worker(db);
    await w.runDue();
    close();
    expect(peer.received.slice(before).filter((m) => m.recipients.includes(gone.email))).toHaveLength(0);
    const row = await db.prisma.emailMessage.findFirstOrThrow({ where: { customerId: gone.id } });
    expect(row.status).toBe("BOUNCED");
    expect(row.smtpResponse).toMatch(/User unknown/);
    const job = await db.prisma.job.findFirstOrThrow({ where: { kind: EMAIL_SEND, key: { contains: `:${gone.id}:` } } });
    expect(job.state).toBe("DONE");
    expect(await db.prisma.emailSuppression.findUnique({ where: { address: gone.email } })).not.toBeNull();
    const bounce = await db.prisma.historyEntry.findFirstOrThrow({ where: { customerId: gone.id, kind: "email.bounced" } });
    expect(bounce.text).toContain("Wrong contact");
    const tasks = await collectorTasks(db, defaultPolicy, AS_OF, fx.collectorId);
    expect(tasks.tasks.filter((t) => t.customerId === gone.id).map((t) => t.kind)).toContain("wrong-contact");
    // The next day's calendar does not write to that address again.
    const next = await scheduleReminderEmails(db, defaultPolicy, NEXT_DAY, new Date("2026-11-25T09:00:00Z"));
    expect(next.noAddress).toContain(gone.id);
  });

  it("a proposed reminder is sent from the collector's task, as previewed or edited; no one else may press Send", async () => {
    // The second reminder is proposed to the collector (the default for e-mail levels), with a copy to the sales owner.
    const input = structuredClone(DEFAULT_POLICY);
    for (const l of input.segments.SME.levels) if (l.id === "second-reminder") l.copySalesOwner = true;
    const policy = parsePolicy(input);
    const fx = await seedMailCompany(db, [
      { key: "task", name: "Test Task SAS", email: "ap@task-customer.test", due: "2026-11-01", amount: 77_700n },
      { key: "edit", name: "Test Edit SAS", email: "ap@edit-customer.test", due: "2026-11-01", amount: 88_800n },
    ]);
    const task = fx.customers.task as { id: number; email: string };
    const edit = fx.customers.edit as { id: number; email: string };
    // Catching up puts them at the level their age warrants: the second reminder (day 20), an e-mail proposed to the collector.
    const preview = await previewReminder(db, policy, { customerId: task.id, levelId: "second-reminder" }, NOW);
    expect(preview.to).toBe(task.email);
    expect(preview.cc).toEqual(["samir@seller.test"]);
    expect(preview.subject).toBe("Deuxième relance — factures échues — Test Task SAS");
    expect(preview.message).toMatch(/^Malgré notre précédente relance/);
    // Not sent by the calendar: it is proposed.
    expect((await scheduleReminderEmails(db, policy, AS_OF, NOW)).queued).toBe(0);

    const stranger = await db.prisma.person.create({ data: { name: "Someone Else", roles: ["SALES"] } });
    await expect(sendReminderFromTask(db, policy, { personId: stranger.id, origin: "SLACK" }, { customerId: task.id, levelId: "second-reminder" }, NOW)).rejects.toThrow(/Colette Collector/);
    const collector = { personId: fx.collectorId, origin: "SLACK" as const };
    const sent = await sendReminderFromTask(db, policy, collector, { customerId: task.id, levelId: "second-reminder" }, NOW);
    expect(sent.status).toBe("queued");
    // A double click: one e-mail.
    expect((await sendReminderFromTask(db, policy, collector, { customerId: task.id, levelId: "second-reminder" }, NOW)).status).toBe("already_queued");

    // Edit then send: the form's fields are checked one by one.
    const refused = await sendReminderFromTask(db, policy, collector, { customerId: edit.id, levelId: "second-reminder", overrides: { subject: "", message: "x".repeat(6000) } }, NOW).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(FormError);
    expect((refused as FormError).fields).toEqual({ subject: "The subject cannot be empty.", message: "The message must be at most 5,000 characters (it has 6,000)." });
    await sendReminderFromTask(
      db,
      policy,
      collector,
      { customerId: edit.id, levelId: "second-reminder", overrides: { subject: "Nos factures d'octobre", message: "Suite à notre appel de ce matin, voici le détail promis.\n\nMerci de votre retour." } },
      NOW,
    );
    const before = peer.received.length;
    const send = mailSendHandler({ policy, config: config(), retryFloorMs: 0 });
    await new JobWorker({ db, logger, handlers: { [EMAIL_SEND]: send.handler }, now: () => NOW }).runDue();
    send.close();
    const mine = peer.received.slice(before);
    const plain = mine.find((m) => m.recipients.includes(task.email));
    expect(plain?.recipients).toEqual([task.email, "samir@seller.test"]);
    const edited = await simpleParser(mine.find((m) => m.recipients.includes(edit.email))?.bytes as Buffer);
    expect(edited.subject).toBe("Nos factures d'octobre");
    expect(edited.text).toContain("Suite à notre appel de ce matin, voici le détail promis.\n\nMerci de votre retour.");
    expect(edited.text).toContain("F-"); // the invoices stay
    expect(edited.text).toContain("Total : 888,00");
    const entry = await db.prisma.historyEntry.findFirstOrThrow({ where: { customerId: edit.id, kind: "reminder.step" } });
    expect(entry.actorId).toBe(fx.collectorId);
    expect(entry.origin).toBe("SLACK");
    expect(entry.data).toMatchObject({ levelId: "second-reminder", sentBy: "person" });
  });
});
