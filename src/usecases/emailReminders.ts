// Who presses send on a reminder e-mail (the policy's level says: docs/email.md):
// - "auto": the daily job (scheduleReminderEmails) enqueues the e-mails of the steps due today;
// - "propose": the collector sees a preview in the task and presses Send, or Edit then send
//   (sendReminderFromTask), with the same access rule as a task's outcome;
// - "manual": the collector writes it elsewhere and records the step as before.
// The job (src/jobs/mailSend.ts) renders, stores and sends; both doors write the same job key, so a reminder
// asked twice the same day (two clicks, two processes, the calendar and a click) is one e-mail.
import type { Database } from "../db/database.js";
import { loadSettings } from "../db/settings.js";
import { calendarDateAt, type CalendarDate } from "../domain/calendarDate.js";
import type { Level, Policy } from "../domain/policy.js";
import { mayWorkTask } from "../domain/taskWork.js";
import { NOT_REGISTERED } from "../domain/access.js";
import { AppError } from "../errors.js";
import { phrase, t, type Phrase } from "../i18n/index.js";
import { EMAIL_SEND, emailSendKey, type EmailSendPayload } from "../jobs/mailSend.js";
import { enqueue } from "../jobs/queue.js";
import { nextWindowOpening } from "../mail/window.js";
import { loadMailSettings } from "../mail/settings.js";
import { recipientsOf, renderReminder, type EmailOverrides } from "../mail/render.js";
import { reviewPortfolio } from "../services/committeeViews.js";
import type { Actor } from "./actor.js";
import { FormError } from "./contacts.js";

/** The attempts an e-mail job gets (windows and 4xx included) before it is FAILED and shown to the admins. */
const EMAIL_MAX_ATTEMPTS = 20;
export const SUBJECT_MAX = 200;
export const MESSAGE_MAX = 5_000;

export interface ScheduleReport {
  queued: number;
  alreadyQueued: number;
  /** Accounts whose e-mail step is due but cannot go: no address, or every address bounced. */
  noAddress: number[];
}

async function queuedForLevel(db: Database, customerId: number, levelId: string): Promise<boolean> {
  const n = await db.prisma.job.count({
    where: { kind: EMAIL_SEND, state: { in: ["PENDING", "RUNNING"] }, key: { startsWith: `${EMAIL_SEND}:reminder:${customerId}:${levelId}:` } },
  });
  return n > 0;
}

async function enqueueSend(db: Database, payload: EmailSendPayload, now: Date): Promise<boolean> {
  const settings = await db.withConnection(loadSettings);
  const mail = await loadMailSettings(db);
  const runAt = nextWindowOpening(now, { start: mail.windowStart, end: mail.windowEnd }, settings.timeZone) ?? undefined;
  const key = emailSendKey(payload.customerId, payload.levelId, payload.asOf);
  const added = await db.prisma.$transaction((tx) =>
    enqueue(tx, { kind: EMAIL_SEND, key, payload: payload as unknown as Record<string, unknown>, runAt, maxAttempts: EMAIL_MAX_ATTEMPTS }),
  );
  return added > 0;
}

/** The e-mail steps due today whose level is sent automatically: one job each (the daily job calls this). */
export async function scheduleReminderEmails(db: Database, policy: Policy, asOf: CalendarDate, now = new Date()): Promise<ScheduleReport> {
  const { accounts } = await reviewPortfolio(db, policy, asOf);
  const report: ScheduleReport = { queued: 0, alreadyQueued: 0, noAddress: [] };
  for (const a of accounts) {
    const step = a.review.step;
    if (!step || step.channel !== "EMAIL" || step.level.send !== "auto") continue;
    if (await queuedForLevel(db, a.customerId, step.level.id)) {
      report.alreadyQueued += 1;
      continue;
    }
    const recipients = await recipientsOf(db, a.customerId, step.level);
    if ("problem" in recipients) {
      report.noAddress.push(a.customerId);
      continue;
    }
    const added = await enqueueSend(db, { customerId: a.customerId, levelId: step.level.id, asOf, personId: null, origin: "JOB" }, now);
    if (added) report.queued += 1;
    else report.alreadyQueued += 1;
  }
  return report;
}

/** The e-mail step due today for a customer, as the engine sees it; an AppError when there is none. */
async function dueEmailStep(
  db: Database,
  policy: Policy,
  customerId: number,
  levelId: string,
  asOf: CalendarDate,
  locale: string,
): Promise<Level> {
  const { accounts } = await reviewPortfolio(db, policy, asOf, { customerIds: [customerId] });
  const account = accounts[0];
  if (!account) throw new AppError("not_found", phrase("usecase.customerUnknown", { customerId }));
  const step = account.review.step;
  if (account.review.suspended) throw new AppError("conflict", phrase("usecase.email.suspended", { customerId, reason: account.review.suspended }));
  if (!step || step.level.id !== levelId) {
    const due = step ? t(locale, "usecase.email.dueInstead", { levelId: step.level.id }) : "";
    throw new AppError("conflict", phrase("usecase.email.notDue", { levelId, customerId, due }));
  }
  if (step.channel !== "EMAIL")
    throw new AppError("input.invalid", phrase("usecase.email.notEmail", { levelId, channel: step.channel.toLowerCase() }));
  if (step.level.send === "manual") throw new AppError("conflict", phrase("usecase.email.manual", { levelId }));
  return step.level;
}

export interface ReminderPreview {
  to: string;
  cc: string[];
  subject: string;
  text: string;
  /** The paragraph "Edit then send" may change (the invoices, total and how to pay stay). */
  message: string;
  invoices: number;
}

/** What the e-mail of a due step would say, for the task's preview and the edit form. */
export async function previewReminder(db: Database, policy: Policy, input: { customerId: number; levelId: string }, now = new Date()): Promise<ReminderPreview> {
  const settings = await db.withConnection(loadSettings);
  const asOf = calendarDateAt(now, settings.timeZone);
  await dueEmailStep(db, policy, input.customerId, input.levelId, asOf, settings.locale);
  const r = await renderReminder(db, policy, { ...input, asOf, now });
  const message = r.text.split("\n\n")[1] ?? "";
  return { to: r.to, cc: r.cc, subject: r.subject, text: r.text, message, invoices: r.invoices.length };
}

/** Checks an edited subject and message; a FormError names the field. */
export function readEditedEmail(input: { subject?: unknown; message?: unknown }): EmailOverrides {
  const fields: Record<string, Phrase> = {};
  const subject = typeof input.subject === "string" ? input.subject.trim() : "";
  const message = typeof input.message === "string" ? input.message.trim() : "";
  if (!subject) fields.subject = phrase("usecase.email.subjectEmpty");
  else if (subject.length > SUBJECT_MAX || /[\r\n]/.test(subject)) fields.subject = phrase("usecase.email.subjectLine", { max: SUBJECT_MAX });
  if (!message) fields.message = phrase("usecase.email.messageEmpty");
  else if (message.length > MESSAGE_MAX) fields.message = phrase("usecase.email.messageLong", { max: MESSAGE_MAX, length: message.length });
  if (Object.keys(fields).length) throw new FormError(fields);
  return { subject, message };
}

export interface SendResult {
  status: "queued" | "already_queued";
  message: string;
}

/** Send (or Edit then send) from a collector's task: the account's collector, or back office / finance for them. */
export async function sendReminderFromTask(
  db: Database,
  policy: Policy,
  actor: Actor,
  input: { customerId: number; levelId: string; overrides?: EmailOverrides },
  now = new Date(),
): Promise<SendResult> {
  const customer = await db.prisma.customer.findUnique({ where: { id: input.customerId }, include: { collector: { select: { id: true, name: true } } } });
  if (!customer) throw new AppError("not_found", phrase("usecase.customerUnknown", { customerId: input.customerId }));
  const person = actor.personId === null ? null : await db.prisma.person.findUnique({ where: { id: actor.personId }, select: { id: true, name: true, roles: true, active: true } });
  const access = mayWorkTask(person, { name: customer.name, collector: customer.collector });
  if (!access.ok) throw new AppError("forbidden", access.reason || NOT_REGISTERED);
  const settings = await db.withConnection(loadSettings);
  const asOf = calendarDateAt(now, settings.timeZone);
  const level = await dueEmailStep(db, policy, customer.id, input.levelId, asOf, settings.locale);
  const overrides = input.overrides ? readEditedEmail(input.overrides) : undefined;
  const recipients = await recipientsOf(db, customer.id, level);
  if ("problem" in recipients) throw new AppError("conflict", phrase("usecase.email.cannotSend", { problem: recipients.problem }));
  const added = await enqueueSend(db, { customerId: customer.id, levelId: level.id, asOf, personId: actor.personId, origin: actor.origin, overrides }, now);
  return added
    ? { status: "queued", message: t(settings.locale, "usecase.email.queued", { levelId: level.id, customer: customer.name }) }
    : { status: "already_queued", message: t(settings.locale, "usecase.email.alreadyQueued", { levelId: level.id, customer: customer.name }) };
}
