// The formal notice by e-mail (docs/email.md): once the committee approved it and its letter job issued the
// PDF, the policy's `segments.<SEGMENT>.formalNoticeEmail` ("also" | "instead") sends it by e-mail through the
// same `email.send` job as the reminders, the letter's PDF attached, checked against the SHA-256 recorded when it
// was issued (a letter changed on disk is never sent). Public bodies are written to as the letter is: the
// authorising officer (a contact whose job title says so, else the billing contact), copy to the public
// accountant (a contact whose job title says so).
import { createHash } from "node:crypto";
import type { Database } from "../db/database.js";
import { loadSettings } from "../db/settings.js";
import { splitDisputed } from "../domain/aging.js";
import { calendarDateAt, calendarDateFromDb, daysBetween, type CalendarDate } from "../domain/calendarDate.js";
import type { Policy } from "../domain/policy.js";
import { languageOf, type Language } from "../documents/templates.js";
import { AppError } from "../errors.js";
import { issuedLetter } from "../services/issuedLetter.js";
import { GREETING, helpers, recipientsOf, template, type ReminderInvoice, type RenderedReminder } from "./render.js";

/** The level id a formal notice e-mail is stored and recorded under (email_message.levelId). */
export const NOTICE_LEVEL_ID = "formal-notice";
/** History kind of a formal notice the mail server accepted. */
export const NOTICE_EMAILED = "notice.emailed";

const AUTHORISING_OFFICER = /ordonnateur|authori[sz]ing officer/i;
const PUBLIC_ACCOUNTANT = /comptable|accountant/i;

const PUBLIC_GREETING: Record<Language, string> = {
  fr: "Madame, Monsieur l'ordonnateur,",
  en: "Dear Authorising Officer,",
};

async function noticeRecipients(db: Database, customerId: number, isPublic: boolean): Promise<{ to: string; toName: string | null; cc: string[] }> {
  const billing = await recipientsOf(db, customerId, { copySalesOwner: false });
  if ("problem" in billing) throw new AppError("conflict", `No e-mail for customer #${customerId}: ${billing.problem}.`);
  if (!isPublic) return billing;
  const suppressed = new Set((await db.prisma.emailSuppression.findMany({ select: { address: true } })).map((s) => s.address));
  const contacts = (await db.prisma.contact.findMany({ where: { customerId }, orderBy: [{ isPrimary: "desc" }, { id: "asc" }] }))
    .filter((c) => c.email && c.email.includes("@") && !suppressed.has(c.email.toLowerCase()))
    .map((c) => ({ ...c, email: (c.email as string).toLowerCase() }));
  const officer = contacts.find((c) => AUTHORISING_OFFICER.test(c.jobTitle ?? ""));
  const to = officer ? officer.email : billing.to;
  const cc = [...new Set(contacts.filter((c) => PUBLIC_ACCOUNTANT.test(c.jobTitle ?? "") && c.email !== to).map((c) => c.email))];
  return { to, toName: officer ? officer.name || null : billing.toName, cc };
}

type NoticeInvoice = {
  invoice: { id: number; number: string; dueDate: Date; openAmount: bigint; status: string; disputes: Array<{ amountDisputed: bigint | null }> };
};

/** The notice's invoices still owed: open, not in litigation or written off, their undisputed part. */
function owedInvoices(rows: NoticeInvoice[], asOf: CalendarDate): ReminderInvoice[] {
  return rows.flatMap(({ invoice }) => {
    if (invoice.openAmount <= 0n || invoice.status === "LITIGATION" || invoice.status === "WRITTEN_OFF") return [];
    const { undisputed } = splitDisputed(invoice.openAmount, invoice.disputes.reduce((s, d) => s + (d.amountDisputed ?? invoice.openAmount), 0n));
    if (undisputed <= 0n) return [];
    const due = calendarDateFromDb(invoice.dueDate);
    return [{ id: invoice.id, number: invoice.number, dueDate: due, openAmount: undisputed, daysLate: daysBetween(due, asOf) }];
  });
}

// The e-mail may go days after the approval (sending window, 4xx retries): a customer who paid, disputed every
// invoice, or was put on hold meanwhile gets no formal notice by e-mail ("nothing to remind": the job ends).
function whyNotOwed(actionId: number, onHold: boolean, owed: ReminderInvoice[]): string | null {
  if (onHold) return `No e-mail for formal notice #${actionId}: nothing to remind (dunning of the customer is on hold since the approval).`;
  if (owed.length === 0) return `No e-mail for formal notice #${actionId}: nothing to remind (paid, disputed or in litigation since the approval).`;
  return null;
}

/** Before a retry sends the stored e-mail of formal notice `actionId`: why it must not go any more, or null. */
export async function noticeNoLongerDue(db: Database, actionId: number, asOf: CalendarDate): Promise<string | null> {
  const action = await db.prisma.proposedAction.findUnique({
    where: { id: actionId },
    include: { customer: { select: { onHold: true } }, invoices: { include: { invoice: { include: { disputes: { where: { status: "OPEN" } } } } } } },
  });
  if (!action) return `Action #${actionId} is unknown.`;
  return whyNotOwed(actionId, action.customer.onHold, owedInvoices(action.invoices, asOf));
}

/** The e-mail carrying formal notice `actionId`'s issued letter; an AppError says why it cannot be sent. */
export async function renderNoticeEmail(
  db: Database,
  policy: Policy,
  input: { actionId: number; asOf: CalendarDate; now: Date },
): Promise<RenderedReminder & { letterSha256: string; actionId: number }> {
  const action = await db.prisma.proposedAction.findUnique({
    where: { id: input.actionId },
    include: { customer: { include: { collector: true } }, invoices: { include: { invoice: { include: { disputes: { where: { status: "OPEN" } } } } } } },
  });
  if (!action || action.kind !== "FORMAL_NOTICE" || action.status !== "APPLIED")
    throw new AppError("conflict", `Action #${input.actionId} is not a formal notice approved by the committee.`);
  const letter = await issuedLetter(db, action.id);
  const onDisk = createHash("sha256").update(letter.pdf).digest("hex");
  if (onDisk !== letter.sha256)
    throw new AppError("conflict", `The letter of formal notice #${action.id} (${letter.filename}) is not the one issued: its SHA-256 differs from the history's; it is not sent.`);
  const entry = await db.prisma.historyEntry.findFirstOrThrow({ where: { actionId: action.id, kind: "document.formal_notice" }, orderBy: { id: "asc" } });
  const issued = entry.data as { total: string; deadline: CalendarDate };
  const customer = action.customer;
  const settings = await db.withConnection(loadSettings);
  const isPublic = policy.segments[customer.segment].regime === "public-procurement";
  const mode = policy.segments[customer.segment].formalNoticeEmail;
  const language = languageOf(customer.locale ?? settings.locale);
  const h = helpers(language, customer.currency || settings.currency);
  const invoices = owedInvoices(action.invoices, input.asOf);
  const notOwed = whyNotOwed(action.id, customer.onHold, invoices);
  if (notOwed) throw new AppError("conflict", notOwed);
  const recipients = await noticeRecipients(db, customer.id, isPublic);
  const context = {
    customer: { name: customer.name, reference: customer.externalId },
    company: { name: settings.companyName },
    sender: { name: customer.collector?.name ?? settings.companyName },
    greeting: isPublic ? PUBLIC_GREETING[language] : GREETING[language](recipients.toName),
    isPublic,
    alsoByPost: mode !== "instead",
    letterDate: calendarDateAt(entry.occurredAt, settings.timeZone),
    deadline: issued.deadline,
    total: BigInt(issued.total),
    invoices,
    filename: letter.filename,
    letterSha256: letter.sha256,
  };
  const subject = template(language, "notice-subject.txt", false)(context, { helpers: h }).trim().replace(/[\r\n]+/g, " ");
  const text = template(language, "notice.txt", false)({ ...context, subject }, { helpers: h }).replace(/\n{3,}/g, "\n\n").trim() + "\n";
  const html = template(language, "notice.html", true)({ ...context, subject }, { helpers: h });
  return {
    customerId: customer.id,
    levelId: NOTICE_LEVEL_ID,
    language,
    to: recipients.to,
    cc: recipients.cc,
    subject,
    text,
    html,
    invoices,
    total: context.total,
    statement: { filename: letter.filename, pdf: letter.pdf },
    letterSha256: letter.sha256,
    actionId: action.id,
  };
}
