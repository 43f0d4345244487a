// A formal notice the committee approved, sent by e-mail when the policy says so for the segment: the letter
// issued by its job is attached (checked against the SHA-256 recorded at issue), through the same `email.send`
// job as the reminders, exactly once per action, against a real SMTP server (smtp-server, STARTTLS, AUTH).
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { DEFAULT_POLICY, parsePolicy, type Policy } from "../../src/domain/policy.js";
import { letterJobHandlers } from "../../src/jobs/effects.js";
import { EMAIL_SEND, mailSendHandler } from "../../src/jobs/mailSend.js";
import { enqueue, JobWorker } from "../../src/jobs/queue.js";
import { createLogger } from "../../src/log.js";
import type { MailConfig } from "../../src/mail/config.js";
import { collectorTasks } from "../../src/services/committeeViews.js";
import { JOB_KINDS } from "../../src/usecases/effects.js";
import { calendarDate } from "../../src/domain/calendarDate.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { seedMailCompany, type MailFixture } from "./fixtures.js";
import { startSmtpPeer, type SmtpPeer } from "./smtpPeer.js";

const logger = createLogger("silent");
// Tuesday 24 November 2026, 10:00 in Paris: inside the sending window.
const NOW = new Date("2026-11-24T09:00:00Z");
const AS_OF = calendarDate("2026-11-24");

function policyWith(modes: { SME: "off" | "also" | "instead"; PUBLIC_SECTOR: "off" | "also" | "instead" }): Policy {
  const input = structuredClone(DEFAULT_POLICY);
  input.segments.SME.formalNoticeEmail = modes.SME;
  input.segments.PUBLIC_SECTOR.formalNoticeEmail = modes.PUBLIC_SECTOR;
  // The 2026-H2 ECB rate is the company's to set (docs/legal.md); the letters need one.
  input.legal.referenceRates = { ...input.legal.referenceRates, "2026-07-01": 2.15 };
  return parsePolicy(input, "test policy");
}

let peer: SmtpPeer;
let documentsDir: string;
beforeAll(async () => {
  peer = await startSmtpPeer({ user: "bot", password: "s3cret-smtp-password" });
  documentsDir = mkdtempSync(path.join(tmpdir(), "ccbot-notice-"));
});
afterAll(async () => {
  await peer.close();
  rmSync(documentsDir, { recursive: true, force: true });
  await dropTestSchemas();
});

function config(): MailConfig {
  return { smtp: { host: "127.0.0.1", port: peer.port, tls: "starttls", user: "bot", password: "s3cret-smtp-password", ca: peer.ca }, imap: null, cron: "0 9 * * 1-5" };
}

async function run(db: Database, policy: Policy, mailReady = true): Promise<number> {
  const send = mailSendHandler({ policy, config: config(), retryFloorMs: 0 });
  const w = new JobWorker({
    db,
    logger,
    handlers: { ...letterJobHandlers({ policy, documentsDir, mailReady }), [EMAIL_SEND]: send.handler },
    concurrency: 1,
    baseBackoffMs: 1,
    random: () => 0,
    now: () => NOW,
  });
  const ran = await w.runDue();
  send.close();
  return ran;
}

/** The committee approved a formal notice for the customer: the action APPLIED and its letter job queued, as the deciding vote does. */
async function approvedNotice(db: Database, customerId: number, personId: number): Promise<number> {
  const invoices = await db.prisma.invoice.findMany({ where: { customerId }, select: { id: true } });
  const action = await db.prisma.proposedAction.create({
    data: {
      customerId,
      kind: "FORMAL_NOTICE",
      status: "APPLIED",
      reason: "last reminder done, no answer",
      period: "2026-W48",
      params: { deadlineDays: "8" },
      decidedAt: NOW,
      appliedAt: NOW,
      invoices: { create: invoices.map((i) => ({ invoiceId: i.id })) },
    },
  });
  await enqueue(db.prisma, {
    kind: JOB_KINDS.formalNoticeLetter,
    key: `${JOB_KINDS.formalNoticeLetter}:${action.id}`,
    payload: { actionId: action.id, personId, origin: "SLACK" },
  });
  return action.id;
}

describe.each(targets)("formal notice by e-mail ($name)", (target) => {
  let db: Database;
  let fx: MailFixture;
  beforeAll(async () => {
    db = await freshDatabase(target);
    fx = await seedMailCompany(db, [
      { key: "sme", name: "Test Notice SARL", email: "compta@notice-customer.test", due: "2026-09-30", amount: 250_000n },
      { key: "public", name: "Commune de Testville", email: "mairie@testville.test", due: "2026-09-15", amount: 480_000n },
      { key: "post", name: "Test Post Only SA", email: "ap@post-only.test", due: "2026-09-20", amount: 90_000n },
      { key: "nomail", name: "Test No Mail SAS", email: "ap@no-mail.test", due: "2026-09-20", amount: 90_000n },
    ]);
    const pub = fx.customers.public as { id: number };
    await db.prisma.customer.update({ where: { id: pub.id }, data: { segment: "PUBLIC_SECTOR", address: "Hôtel de ville\n1 place de la Mairie\n99000 Testville" } });
    await db.prisma.contact.createMany({
      data: [
        { customerId: pub.id, name: "Mme Ordo", jobTitle: "Ordonnateur (maire)", email: "ordonnateur@testville.test" },
        { customerId: pub.id, name: "Trésorerie de Testville", jobTitle: "Comptable public", email: "tresorerie@dgfip.test" },
      ],
    });
  });
  afterAll(async () => {
    await db.close();
  });

  it("'instead': the issued letter is e-mailed once with its PDF attached, the .eml and its SHA-256 kept, and no registered-letter task", async () => {
    const policy = policyWith({ SME: "instead", PUBLIC_SECTOR: "also" });
    const sme = fx.customers.sme as { id: number; email: string };
    const actionId = await approvedNotice(db, sme.id, fx.collectorId);
    // The letter issued, its e-mail queued (not sent yet, e.g. outside the sending window): nothing to post.
    await new JobWorker({ db, logger, handlers: letterJobHandlers({ policy, documentsDir, mailReady: true }), concurrency: 1, now: () => NOW }).runDue();
    expect(await db.prisma.job.findFirstOrThrow({ where: { key: `${EMAIL_SEND}:notice:${actionId}` }, select: { state: true } })).toEqual({ state: "PENDING" });
    const queued = await collectorTasks(db, policy, AS_OF, fx.collectorId);
    expect(queued.tasks.filter((t) => t.customerId === sme.id && t.kind === "notice-letter")).toEqual([]);
    const before = peer.received.length;
    expect(await run(db, policy)).toBe(1); // its e-mail
    // The job asked again (a second process, a restart, a repeated decision): nothing more is sent.
    await enqueue(db.prisma, { kind: JOB_KINDS.formalNoticeLetter, key: `${JOB_KINDS.formalNoticeLetter}:${actionId}:again`, payload: { actionId, personId: fx.collectorId, origin: "SLACK" } });
    await run(db, policy);
    const mine = peer.received.slice(before);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.recipients).toEqual([sme.email]);

    const issued = await db.prisma.historyEntry.findFirstOrThrow({ where: { actionId, kind: "document.formal_notice" } });
    const letterSha = (issued.data as { sha256: string }).sha256;
    const parsed = await simpleParser(mine[0]?.bytes as Buffer);
    expect(parsed.subject).toBe("Mise en demeure — Test Notice SARL — compte C1");
    expect(parsed.text).toContain("Vous trouverez ci-joint notre mise en demeure du 24 novembre 2026");
    expect(parsed.text).toContain("au plus tard le 2 décembre 2026");
    expect(parsed.text).not.toContain("lettre recommandée");
    expect(parsed.attachments).toHaveLength(1);
    const pdf = parsed.attachments[0];
    expect(pdf?.contentType).toBe("application/pdf");
    expect(pdf?.filename).toBe("formal-notice-C1-2026-11-24.pdf");
    // The very letter issued: its hash is the one recorded when it was written.
    expect(createHash("sha256").update(pdf?.content as Buffer).digest("hex")).toBe(letterSha);

    const stored = await db.prisma.emailMessage.findFirstOrThrow({ where: { customerId: sme.id } });
    expect(stored.key).toBe(`${EMAIL_SEND}:notice:${actionId}`);
    expect(stored.levelId).toBe("formal-notice");
    expect(stored.status).toBe("SENT");
    expect(Buffer.from(stored.eml).equals(mine[0]?.bytes as Buffer)).toBe(true);
    expect(stored.sha256).toBe(createHash("sha256").update(mine[0]?.bytes as Buffer).digest("hex"));
    const sent = await db.prisma.historyEntry.findMany({ where: { actionId, kind: "notice.emailed" } });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.channel).toBe("EMAIL");
    expect(sent[0]?.data).toMatchObject({ sha256: stored.sha256, messageId: stored.messageId, to: sme.email });
    // Sent by e-mail instead of a registered letter: nothing left to post.
    const tasks = await collectorTasks(db, policy, AS_OF, fx.collectorId);
    expect(tasks.tasks.filter((t) => t.customerId === sme.id && t.kind === "notice-letter")).toEqual([]);
  });

  it("'also', public body: to the authorising officer, copy to the public accountant, the letter still to be posted by registered letter", async () => {
    const policy = policyWith({ SME: "instead", PUBLIC_SECTOR: "also" });
    const pub = fx.customers.public as { id: number };
    const actionId = await approvedNotice(db, pub.id, fx.collectorId);
    const before = peer.received.length;
    await run(db, policy);
    const mine = peer.received.slice(before);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.recipients).toEqual(["ordonnateur@testville.test", "tresorerie@dgfip.test"]);
    const parsed = await simpleParser(mine[0]?.bytes as Buffer);
    expect(parsed.subject).toBe("Mise en demeure de mandater et de payer — Commune de Testville — compte C2");
    expect(parsed.text).toMatch(/^Madame, Monsieur l'ordonnateur,/);
    expect(parsed.text).toContain("adressée à l'ordonnateur, copie au comptable public assignataire");
    expect(parsed.text).toContain("également adressé par lettre recommandée avec accusé de réception");
    expect(parsed.attachments.map((a) => a.filename)).toEqual(["formal-notice-C2-2026-11-24.pdf"]);
    const tasks = await collectorTasks(db, policy, AS_OF, fx.collectorId);
    expect(tasks.tasks.filter((t) => t.customerId === pub.id && t.kind === "notice-letter").map((t) => t.actionId)).toEqual([actionId]);
  });

  it("'off', or SMTP not configured: the registered letter only, no e-mail job", async () => {
    const post = fx.customers.post as { id: number };
    const off = policyWith({ SME: "off", PUBLIC_SECTOR: "off" });
    const a1 = await approvedNotice(db, post.id, fx.collectorId);
    await run(db, off);
    const nomail = fx.customers.nomail as { id: number };
    const on = policyWith({ SME: "instead", PUBLIC_SECTOR: "off" });
    const a2 = await approvedNotice(db, nomail.id, fx.collectorId);
    await run(db, on, false);
    expect(await db.prisma.job.count({ where: { kind: EMAIL_SEND, key: { in: [`${EMAIL_SEND}:notice:${a1}`, `${EMAIL_SEND}:notice:${a2}`] } } })).toBe(0);
    const tasks = await collectorTasks(db, on, AS_OF, fx.collectorId);
    expect(tasks.tasks.filter((t) => t.kind === "notice-letter" && (t.actionId === a1 || t.actionId === a2))).toHaveLength(2);
  });

  it("paid, disputed or put on hold after the approval: the notice is not e-mailed (the job ends, nothing sent, no notice.emailed)", async () => {
    const policy = policyWith({ SME: "instead", PUBLIC_SECTOR: "off" });
    const more = await seedMailCompany(db, [
      { key: "paid", name: "Test Paid Since SAS", email: "ap@paid-since.test", due: "2026-09-20", amount: 70_000n },
      { key: "disputed", name: "Test Disputed Since SAS", email: "ap@disputed-since.test", due: "2026-09-20", amount: 70_000n },
      { key: "hold", name: "Test Hold Since SAS", email: "ap@hold-since.test", due: "2026-09-20", amount: 70_000n },
    ]);
    const ids = Object.fromEntries(Object.entries(more.customers).map(([k, c]) => [k, c.id])) as Record<"paid" | "disputed" | "hold", number>;
    const actions = [await approvedNotice(db, ids.paid, fx.collectorId), await approvedNotice(db, ids.disputed, fx.collectorId), await approvedNotice(db, ids.hold, fx.collectorId)];
    // The letters issued, their e-mails queued (e.g. approved on Friday evening, the window opens on Monday).
    await new JobWorker({ db, logger, handlers: letterJobHandlers({ policy, documentsDir, mailReady: true }), concurrency: 1, now: () => NOW }).runDue();
    // Meanwhile: one pays in full, one disputes its invoice, the committee puts the third on hold.
    await db.prisma.invoice.updateMany({ where: { customerId: ids.paid }, data: { openAmount: 0n, status: "CLOSED" } });
    const disputed = await db.prisma.invoice.findFirstOrThrow({ where: { customerId: ids.disputed } });
    await db.prisma.dispute.create({ data: { invoiceId: disputed.id, customerId: ids.disputed, category: "PRICE", reason: "price not agreed" } });
    await db.prisma.customer.update({ where: { id: ids.hold }, data: { onHold: true, onHoldReason: "committee: hold while the audit runs" } });
    const before = peer.received.length;
    await run(db, policy);
    expect(peer.received.slice(before).map((m) => m.recipients)).toEqual([]);
    expect(await db.prisma.historyEntry.count({ where: { actionId: { in: actions }, kind: "notice.emailed" } })).toBe(0);
    const jobs = await db.prisma.job.findMany({ where: { key: { in: actions.map((a) => `${EMAIL_SEND}:notice:${a}`) } }, select: { state: true } });
    expect(jobs.map((j) => j.state)).toEqual(["DONE", "DONE", "DONE"]);
  });

  it("rendered, then the server said 'later', then the customer paid: the retry does not send the stored notice", async () => {
    const policy = policyWith({ SME: "instead", PUBLIC_SECTOR: "off" });
    const id = ((await seedMailCompany(db, [{ key: "later", name: "Test Paid Later SAS", email: "ap@paid-later.test", due: "2026-09-20", amount: 70_000n }])).customers.later as { id: number }).id;
    const actionId = await approvedNotice(db, id, fx.collectorId);
    const key = `${EMAIL_SEND}:notice:${actionId}`;
    // The letter issued and the e-mail rendered and stored, but the server answers 421: a retry is due later.
    peer.busyFor(1);
    const send = mailSendHandler({ policy, config: config(), retryFloorMs: 3_600_000 });
    await new JobWorker({ db, logger, handlers: { ...letterJobHandlers({ policy, documentsDir, mailReady: true }), [EMAIL_SEND]: send.handler }, concurrency: 1, baseBackoffMs: 1, random: () => 0, now: () => NOW }).runDue();
    send.close();
    expect((await db.prisma.emailMessage.findUniqueOrThrow({ where: { key } })).status).toBe("RENDERED");
    expect((await db.prisma.job.findUniqueOrThrow({ where: { key } })).state).toBe("PENDING");
    // Meanwhile the customer pays in full; the retry comes due.
    await db.prisma.invoice.updateMany({ where: { customerId: id }, data: { openAmount: 0n, status: "CLOSED" } });
    await db.prisma.job.update({ where: { key }, data: { runAt: new Date(Date.now() - 1000) } });
    const before = peer.received.length;
    await run(db, policy);
    expect(peer.received.slice(before).map((m) => m.recipients)).toEqual([]);
    expect(await db.prisma.historyEntry.count({ where: { actionId, kind: "notice.emailed" } })).toBe(0);
    expect((await db.prisma.emailMessage.findUniqueOrThrow({ where: { key } })).status).not.toBe("SENT");
  });

  it("a letter changed on disk after it was issued is not e-mailed: the job fails, the registered-letter task stays", async () => {
    const policy = policyWith({ SME: "instead", PUBLIC_SECTOR: "off" });
    const id = ((await seedMailCompany(db, [{ key: "tamper", name: "Test Tamper SAS", email: "ap@tamper.test", due: "2026-09-20", amount: 70_000n }])).customers.tamper as { id: number }).id;
    const actionId = await approvedNotice(db, id, fx.collectorId);
    // Issue the letter only (no mail handler yet), then alter the PDF.
    const w = new JobWorker({ db, logger, handlers: letterJobHandlers({ policy, documentsDir, mailReady: true }), concurrency: 1, now: () => NOW });
    await w.runDue();
    const issued = await db.prisma.historyEntry.findFirstOrThrow({ where: { actionId, kind: "document.formal_notice" } });
    writeFileSync((issued.data as { pdfFile: string }).pdfFile, "%PDF-1.4 not the letter");
    const before = peer.received.length;
    await run(db, policy);
    expect(peer.received.length).toBe(before);
    const job = await db.prisma.job.findFirstOrThrow({ where: { key: `${EMAIL_SEND}:notice:${actionId}` } });
    expect(job.state).toBe("FAILED");
    expect(job.lastError).toMatch(/SHA-256 differs/);
    const tasks = await collectorTasks(db, policy, AS_OF, fx.collectorId);
    expect(tasks.tasks.filter((t) => t.kind === "notice-letter" && t.actionId === actionId)).toHaveLength(1);
  });
});
