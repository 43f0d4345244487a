// `email.send`: one reminder e-mail, exactly once per key (customer + level + day), through the job queue.
//
// 1. Outside the sending window (working days, company time zone) → retried when the window opens.
// 2. First run: render the reminder, build the .eml bytes with a Message-ID fixed now, and STORE them with
//    their SHA-256 (email_message) BEFORE any SMTP transaction. A retry finds them and sends the same bytes.
// 3. The per-minute rate limit is taken under an advisory lock (all processes share it).
// 4. SMTP: 250 → SENT, the server's answer and the hash in the history ("reminder.step": the step is done);
//    4xx or a lost connection → RetryLaterError with backoff; 5xx at RCPT → bounce (src/mail/bounces.ts);
//    other 5xx → FAILED, visible in `ccbot jobs list`, the admins told.
// SMTP cannot be made exactly-once: a timeout after the server took the DATA looks like a failure, and the
// retry sends the same message again (same Message-ID: most mail systems show it once). docs/email.md.
import type { Database } from "../db/database.js";
import { appendHistory, type HistoryOrigin } from "../db/history.js";
import { loadSettings } from "../db/settings.js";
import { formatMoney } from "../domain/money.js";
import type { Policy } from "../domain/policy.js";
import { AppError } from "../errors.js";
import { recordBounce } from "../mail/bounces.js";
import type { MailConfig } from "../mail/config.js";
import { NOTICE_EMAILED, noticeNoLongerDue, renderNoticeEmail } from "../mail/noticeEmail.js";
import { buildEml, newMessageId, renderReminder, sha256, type EmailOverrides } from "../mail/render.js";
import { loadMailSettings } from "../mail/settings.js";
import { createSmtpTransport, smtpOutcome, type SmtpTransport } from "../mail/transport.js";
import { nextWindowOpening } from "../mail/window.js";
import type { CalendarDate } from "../domain/calendarDate.js";
import { PermanentJobError, RetryLaterError, type JobHandler, type JobRecord } from "./queue.js";

export const EMAIL_SEND = "email.send";
const TX_OPTIONS = { maxWait: 60_000, timeout: 60_000 };

export interface EmailSendPayload {
  customerId: number;
  levelId: string;
  asOf: CalendarDate;
  /** Who pressed send (null: the calendar). */
  personId: number | null;
  origin: HistoryOrigin;
  overrides?: EmailOverrides;
  /** A formal notice's e-mail (src/mail/noticeEmail.ts): the approved action whose issued letter is attached. */
  actionId?: number;
}

/** One e-mail per formal notice, whoever asks for it and however often. */
export function noticeEmailKey(actionId: number): string {
  return `${EMAIL_SEND}:notice:${actionId}`;
}

/** One reminder e-mail a day per customer and level, whoever asks for it. */
export function emailSendKey(customerId: number, levelId: string, asOf: CalendarDate): string {
  return `${EMAIL_SEND}:reminder:${customerId}:${levelId}:${asOf}`;
}

export interface MailSendOptions {
  policy: Policy;
  config: MailConfig;
  /** The least wait after a 4xx (default 60 s; the queue adds exponential backoff). */
  retryFloorMs?: number;
  /** Tests: an SMTP timeout short enough to see. */
  timeoutMs?: number;
}

function payloadOf(job: JobRecord): EmailSendPayload {
  const p = job.payload;
  if (typeof p.customerId !== "number" || typeof p.levelId !== "string" || typeof p.asOf !== "string")
    throw new PermanentJobError(`${EMAIL_SEND} job ${job.key} has no customerId, levelId or asOf`);
  return p as unknown as EmailSendPayload;
}

async function waitForRateSlot(db: Database, emailId: number, perMinute: number, now: () => Date): Promise<void> {
  for (;;) {
    const waitMs = await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext('ccbot-mail-rate'))`);
      const since = new Date(now().getTime() - 60_000);
      const recent = await tx.emailMessage.findMany({
        where: { attemptedAt: { gt: since }, id: { not: emailId } },
        orderBy: { attemptedAt: "asc" },
        select: { attemptedAt: true },
      });
      if (recent.length < perMinute) {
        await tx.emailMessage.update({ where: { id: emailId }, data: { attemptedAt: now() } });
        return 0;
      }
      const oldest = recent[recent.length - perMinute]?.attemptedAt as Date;
      return Math.max(250, oldest.getTime() + 60_000 - now().getTime());
    }, TX_OPTIONS);
    if (waitMs === 0) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, 60_000)));
  }
}

export function mailSendHandler(options: MailSendOptions): { handler: JobHandler; close(): void } {
  let transport: SmtpTransport | null = null;
  const smtp = () => (transport ??= createSmtpTransport(options.config.smtp, { timeoutMs: options.timeoutMs }));
  const handler: JobHandler = async (job, { db, logger, now }) => {
    const payload = payloadOf(job);
    const settings = await db.withConnection(loadSettings);
    const mail = await loadMailSettings(db);
    let row = await db.prisma.emailMessage.findUnique({ where: { key: job.key } });
    if (row && row.status !== "RENDERED") {
      logger.info({ emailId: row.id, status: row.status }, "e-mail already handled");
      return;
    }
    const opening = nextWindowOpening(now(), { start: mail.windowStart, end: mail.windowEnd }, settings.timeZone);
    if (opening) throw new RetryLaterError("outside the sending window", opening.getTime() - now().getTime());

    if (!row) {
      let rendered;
      try {
        rendered =
          payload.actionId === undefined
            ? await renderReminder(db, options.policy, { ...payload, now: now() })
            : await renderNoticeEmail(db, options.policy, { actionId: payload.actionId, asOf: payload.asOf, now: now() });
      } catch (error) {
        if (error instanceof AppError && error.code === "conflict" && /nothing to remind/.test(error.message)) {
          logger.info({ customerId: payload.customerId }, "nothing left to remind: e-mail not sent");
          return;
        }
        if (error instanceof AppError) throw new PermanentJobError(error.message, { cause: error });
        throw error;
      }
      const messageId = newMessageId(mail.fromAddress);
      const eml = await buildEml(mail, rendered, { messageId, date: now() });
      // Raw SQL: the PGlite driver adapter cannot bind bytea through Prisma's createMany.
      await db.withConnection((sql) =>
        sql.query(
          `INSERT INTO email_message (key, "customerId", "levelId", "toAddress", "ccAddresses", "messageId", subject, eml, sha256, "invoiceIds", "renderedAt")
           VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $8::bytea, $9, $10::int[], $11) ON CONFLICT (key) DO NOTHING`,
          [job.key, rendered.customerId, rendered.levelId, rendered.to, rendered.cc, messageId, rendered.subject, eml, sha256(eml), rendered.invoices.map((i) => i.id), now().toISOString()],
        ),
      );
      row = await db.prisma.emailMessage.findUniqueOrThrow({ where: { key: job.key } });
      logger.info({ emailId: row.id, customerId: row.customerId, invoices: row.invoiceIds.length }, "reminder e-mail rendered and stored");
    } else if (payload.actionId !== undefined) {
      // A retry of a formal notice stored earlier: not sent if the customer paid, disputed or was put on hold since.
      const why = await noticeNoLongerDue(db, payload.actionId, payload.asOf);
      if (why) {
        await db.prisma.emailMessage.update({ where: { id: row.id }, data: { status: "FAILED", smtpResponse: `not sent: ${why}`.slice(0, 300) } });
        logger.info({ emailId: row.id, actionId: payload.actionId }, "formal notice no longer due: stored e-mail not sent");
        return;
      }
    }
    const suppressed = await db.prisma.emailSuppression.findUnique({ where: { address: row.toAddress } });
    if (suppressed) {
      await db.prisma.emailMessage.update({ where: { id: row.id }, data: { status: "SUPPRESSED", smtpResponse: "not sent: the address bounced earlier" } });
      logger.warn({ emailId: row.id }, "recipient bounced earlier: e-mail not sent");
      return;
    }
    await waitForRateSlot(db, row.id, mail.ratePerMinute, now);
    const recipients = [row.toAddress, ...row.ccAddresses];
    let response: string;
    try {
      const info = await smtp().sendMail({
        envelope: { from: mail.replyTo || mail.fromAddress, to: recipients },
        raw: Buffer.from(row.eml),
      });
      const rejected = ((info.rejected ?? []) as unknown[]).map((r) => String(typeof r === "string" ? r : (r as { address?: string }).address).toLowerCase());
      if (rejected.includes(row.toAddress)) {
        const detail = (info as { rejectedErrors?: Array<{ response?: string }> }).rejectedErrors?.[0]?.response ?? "recipient refused";
        await recordBounce(db, { emailMessageId: row.id, address: row.toAddress, response: String(detail), source: "smtp", now: now() });
        logger.warn({ emailId: row.id }, "recipient refused at RCPT: bounce recorded");
        return;
      }
      response = String(info.response ?? "").slice(0, 300);
    } catch (error) {
      const outcome = smtpOutcome(error, row.toAddress);
      if (outcome.kind === "bounce") {
        await recordBounce(db, { emailMessageId: row.id, address: outcome.address, response: outcome.response, source: "smtp", now: now() });
        logger.warn({ emailId: row.id }, "recipient refused at RCPT: bounce recorded");
        return;
      }
      await db.prisma.emailMessage.update({ where: { id: row.id }, data: { smtpResponse: outcome.response } });
      if (outcome.kind === "refused") {
        await db.prisma.emailMessage.update({ where: { id: row.id }, data: { status: "FAILED" } });
        throw new PermanentJobError(`the mail server refused the message: ${outcome.response}`, { cause: error });
      }
      throw new RetryLaterError(`the mail server said to try later: ${outcome.response}`, options.retryFloorMs ?? 60_000, { cause: error });
    }
    await recordSent(db, row.id, response, payload, now(), settings);
    logger.info({ emailId: row.id, customerId: row.customerId }, "reminder e-mail sent");
  };
  return { handler, close: () => transport?.close() };
}

async function recordSent(
  db: Database,
  emailId: number,
  response: string,
  payload: EmailSendPayload,
  at: Date,
  settings: { currency: string; locale: string },
): Promise<void> {
  await db.prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRawUnsafe<Array<{ status: string }>>(`SELECT status FROM email_message WHERE id = $1 FOR UPDATE`, emailId);
    if (row?.status !== "RENDERED") return;
    const m = await tx.emailMessage.findUniqueOrThrow({
      where: { id: emailId },
      select: { customerId: true, levelId: true, toAddress: true, ccAddresses: true, messageId: true, sha256: true, invoiceIds: true },
    });
    const invoices = await tx.invoice.findMany({ where: { id: { in: m.invoiceIds } }, select: { openAmount: true, currency: true } });
    const total = invoices.reduce((s, i) => s + i.openAmount, 0n);
    const entryId = payload.actionId !== undefined
      ? await appendHistory(tx, {
          occurredAt: at,
          customerId: m.customerId,
          actorId: payload.personId,
          actorLabel: payload.personId === null ? "system" : null,
          origin: payload.origin ?? "JOB",
          channel: "EMAIL",
          kind: NOTICE_EMAILED,
          text: `Formal notice #${payload.actionId} sent by e-mail to ${m.toAddress}${m.ccAddresses.length ? ` (cc ${m.ccAddresses.join(", ")})` : ""}, the issued letter attached; Message-ID ${m.messageId}, SHA-256 ${m.sha256}; server: ${response}`,
          actionId: payload.actionId,
          invoiceIds: m.invoiceIds,
          data: { emailMessageId: emailId, messageId: m.messageId, sha256: m.sha256, smtpResponse: response, to: m.toAddress, cc: m.ccAddresses },
        })
      : await appendHistory(tx, {
      occurredAt: at,
      customerId: m.customerId,
      actorId: payload.personId,
      actorLabel: payload.personId === null ? "system" : null,
      origin: payload.origin ?? "JOB",
      channel: "EMAIL",
      kind: "reminder.step",
      text: `${m.levelId}: e-mail sent to ${m.toAddress}${m.ccAddresses.length ? ` (cc ${m.ccAddresses.join(", ")})` : ""}, ${m.invoiceIds.length} invoice(s), ${formatMoney(total, invoices[0]?.currency ?? settings.currency, settings.locale)}; Message-ID ${m.messageId}, SHA-256 ${m.sha256}; server: ${response}`,
      invoiceIds: m.invoiceIds,
      data: {
        levelId: m.levelId,
        outcome: "sent",
        emailMessageId: emailId,
        messageId: m.messageId,
        sha256: m.sha256,
        smtpResponse: response,
        to: m.toAddress,
        cc: m.ccAddresses,
        sentBy: payload.personId === null ? "calendar" : "person",
      },
    });
    await tx.emailMessage.update({ where: { id: emailId }, data: { status: "SENT", sentAt: at, smtpResponse: response, historyEntryId: entryId } });
  }, TX_OPTIONS);
}
