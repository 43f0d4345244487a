// A reminder e-mail, rendered from the level's template (templates/email/<fr|en>/, by the customer's locale):
// subject, text and HTML bodies with the open invoices (amounts, due dates, days late) and how to pay, the
// statement of account as a PDF attachment, to the billing contact (Cc the sales owner when the policy's
// level says so). Then the exact .eml bytes, built once, with a Message-ID fixed here (docs/email.md).
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import nodemailer from "nodemailer";
import type { Database } from "../db/database.js";
import { loadSettings, type CompanySettings } from "../db/settings.js";
import { addDays, calendarDateFromDb, daysBetween, type CalendarDate } from "../domain/calendarDate.js";
import { formatMoney } from "../domain/money.js";
import type { Level, Policy } from "../domain/policy.js";
import { letterPdf } from "../documents/pdf.js";
import { languageOf, TEMPLATES_DIR, type Language } from "../documents/templates.js";
import { AppError } from "../errors.js";
import { loadMailSettings, mailSettingsProblem, type MailSettings } from "./settings.js";

export const EMAIL_TONES = ["courtesy", "first", "second", "last"] as const;
export type EmailTone = (typeof EMAIL_TONES)[number];

/** The tone of a level's e-mail, from its template name (reminder-first → first); other templates read as "first". */
export function toneOf(level: Level): EmailTone {
  const t = level.template.replace(/^reminder-/, "");
  return (EMAIL_TONES as readonly string[]).includes(t) ? (t as EmailTone) : level.day < 0 ? "courtesy" : "first";
}

export interface EmailOverrides {
  /** Edit then send: the subject and the message paragraph (the invoices, totals and how to pay stay). */
  subject?: string;
  message?: string;
}

export interface ReminderInvoice {
  id: number;
  number: string;
  dueDate: CalendarDate;
  /** The undisputed part still owed. */
  openAmount: bigint;
  /** Days past due (negative: due in that many days). */
  daysLate: number;
}

export interface RenderedReminder {
  customerId: number;
  levelId: string;
  language: Language;
  to: string;
  cc: string[];
  subject: string;
  text: string;
  html: string;
  invoices: ReminderInvoice[];
  total: bigint;
  statement: { filename: string; pdf: Buffer };
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();
export function template(language: Language, name: string, html: boolean): HandlebarsTemplateDelegate {
  const key = `${language}/${name}`;
  let t = compiled.get(key);
  if (!t) {
    const source = readFileSync(path.join(TEMPLATES_DIR, "email", language, `${name}.hbs`), "utf8");
    // The text parts are plain text; the HTML part escapes whatever comes from the data (names, edited text).
    t = Handlebars.compile(source, { noEscape: !html, strict: true });
    compiled.set(key, t);
  }
  return t;
}

export function helpers(language: Language, currency: string) {
  const locale = language === "fr" ? "fr-FR" : "en-GB";
  return {
    money: (minor: bigint) => formatMoney(minor, currency, locale).replace(/[\u202f]/g, "\u00a0"),
    date: (date: CalendarDate) =>
      new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`)),
    eq: (a: unknown, b: unknown) => a === b,
    lateBy: (days: number) => days > 0,
  };
}

export const GREETING: Record<Language, (name: string | null) => string> = {
  fr: (name) => (name ? `Bonjour ${name},` : "Madame, Monsieur,"),
  en: (name) => (name ? `Dear ${name},` : "Dear Sir or Madam,"),
};
const DEFAULT_PAYMENT: Record<Language, string> = {
  fr: "Par virement aux coordonnées bancaires figurant sur nos factures, en rappelant leurs numéros.",
  en: "By bank transfer to the account shown on our invoices, quoting their numbers.",
};

/** The addresses a reminder goes to, and why none when it cannot go. */
export async function recipientsOf(
  db: Database,
  customerId: number,
  level: Pick<Level, "copySalesOwner">,
): Promise<{ to: string; toName: string | null; cc: string[] } | { problem: string }> {
  const customer = await db.prisma.customer.findUnique({
    where: { id: customerId },
    include: { contacts: { orderBy: [{ isPrimary: "desc" }, { id: "asc" }] }, salesOwner: true },
  });
  if (!customer) return { problem: `customer #${customerId} is unknown` };
  const suppressed = new Set((await db.prisma.emailSuppression.findMany({ select: { address: true } })).map((s) => s.address));
  const withEmail = customer.contacts.filter((c) => c.email && c.email.includes("@"));
  // The billing contact: the primary contact with an address, else the first contact with one.
  const billing = withEmail.find((c) => !suppressed.has((c.email as string).toLowerCase()));
  if (!billing) {
    return {
      problem: withEmail.length
        ? "every e-mail address of the customer bounced: correct the billing contact (ccbot import customers)"
        : "the customer has no contact with an e-mail address",
    };
  }
  const cc =
    level.copySalesOwner && customer.salesOwner?.email && !suppressed.has(customer.salesOwner.email.toLowerCase())
      ? [customer.salesOwner.email.toLowerCase()]
      : [];
  return { to: (billing.email as string).toLowerCase(), toName: billing.name || null, cc };
}

/** The invoices a level's reminder is about: overdue and undisputed (or, before the due date, falling due soon). */
async function reminderInvoices(db: Database, customerId: number, level: Level, policy: Policy, segment: keyof Policy["segments"], asOf: CalendarDate): Promise<ReminderInvoice[]> {
  const invoices = await db.prisma.invoice.findMany({
    where: { customerId, kind: "INVOICE", openAmount: { gt: 0n }, status: { notIn: ["LITIGATION", "WRITTEN_OFF"] } },
    include: { disputes: { where: { status: "OPEN" } } },
    orderBy: [{ dueDate: "asc" }, { number: "asc" }],
  });
  const minimum = BigInt(policy.segments[segment].preDueMinimum);
  const out: ReminderInvoice[] = [];
  for (const i of invoices) {
    const disputed = i.disputes.reduce((s, d) => s + (d.amountDisputed ?? i.openAmount), 0n);
    const undisputed = disputed >= i.openAmount ? 0n : i.openAmount - disputed;
    if (undisputed <= 0n) continue;
    const due = calendarDateFromDb(i.dueDate);
    const daysLate = daysBetween(due, asOf);
    const wanted = level.day < 0 ? daysLate <= 0 && due <= addDays(asOf, -level.day) && i.openAmount >= minimum : daysLate > 0;
    if (wanted) out.push({ id: i.id, number: i.number, dueDate: due, openAmount: undisputed, daysLate });
  }
  return out;
}

function statementText(language: Language, settings: CompanySettings, customerName: string, asOf: CalendarDate, invoices: ReminderInvoice[], all: Array<{ number: string; dueDate: CalendarDate; amount: bigint; openAmount: bigint }>): string {
  const h = helpers(language, settings.currency);
  const money = (m: bigint) => h.money(m).replace(/\u00a0/g, " ");
  const total = all.reduce((s, i) => s + i.openAmount, 0n);
  const lines =
    language === "fr"
      ? [
          `RELEVÉ DE COMPTE AU ${h.date(asOf).toUpperCase()}`,
          `${settings.companyName}`,
          `Client : ${customerName}`,
          "",
          ...all.map((i) => `- ${i.number} : échéance ${h.date(i.dueDate)}, montant ${money(i.amount)}, reste dû ${money(i.openAmount)}`),
          "",
          `Total restant dû : ${money(total)}. Objet de la présente relance : ${invoices.map((i) => i.number).join(", ")}.`,
        ]
      : [
          `STATEMENT OF ACCOUNT ON ${h.date(asOf).toUpperCase()}`,
          `${settings.companyName}`,
          `Customer: ${customerName}`,
          "",
          ...all.map((i) => `- ${i.number}: due ${h.date(i.dueDate)}, amount ${money(i.amount)}, outstanding ${money(i.openAmount)}`),
          "",
          `Total outstanding: ${money(total)}. This reminder is about: ${invoices.map((i) => i.number).join(", ")}.`,
        ];
  return lines.join("\n");
}

/** Renders the reminder of a level for a customer as of a date; an AppError says why it cannot be sent. */
export async function renderReminder(
  db: Database,
  policy: Policy,
  input: { customerId: number; levelId: string; asOf: CalendarDate; overrides?: EmailOverrides; now: Date },
): Promise<RenderedReminder> {
  const customer = await db.prisma.customer.findUnique({ where: { id: input.customerId }, include: { collector: true } });
  if (!customer) throw new AppError("not_found", `Customer #${input.customerId} is unknown.`);
  const level = policy.segments[customer.segment].levels.find((l) => l.id === input.levelId);
  if (!level) throw new AppError("input.invalid", `levelId: the ${customer.segment} policy has no level "${input.levelId}".`);
  if (level.channel !== "EMAIL") throw new AppError("input.invalid", `levelId: the level "${level.id}" is a ${level.channel.toLowerCase()} step, not an e-mail.`);
  const settings = await db.withConnection(loadSettings);
  const recipients = await recipientsOf(db, customer.id, level);
  if ("problem" in recipients) throw new AppError("conflict", `No e-mail for customer #${customer.id}: ${recipients.problem}.`);
  const invoices = await reminderInvoices(db, customer.id, level, policy, customer.segment, input.asOf);
  if (invoices.length === 0)
    throw new AppError("conflict", `No e-mail for customer #${customer.id}: nothing to remind (paid, disputed, in litigation or not due).`);
  const language = languageOf(customer.locale);
  const h = helpers(language, customer.currency || settings.currency);
  const tone = toneOf(level);
  const mail = await loadMailSettings(db);
  const base = {
    tone,
    customer: { name: customer.name },
    company: { name: settings.companyName },
    sender: { name: customer.collector?.name ?? settings.companyName },
    invoices,
    total: invoices.reduce((s, i) => s + i.openAmount, 0n),
    greeting: GREETING[language](recipients.toName),
    paymentLines: (mail.paymentInstructions || DEFAULT_PAYMENT[language]).split("\n"),
  };
  const message = (input.overrides?.message?.trim() || template(language, "intro.txt", false)(base, { helpers: h }).trim()).replace(/\r\n?/g, "\n");
  const subject = (input.overrides?.subject?.trim() || template(language, "subject.txt", false)(base, { helpers: h }).trim()).replace(/[\r\n]+/g, " ");
  const context = { ...base, message, subject, paragraphs: message.split(/\n{2,}/) };
  const text = template(language, "reminder.txt", false)(context, { helpers: h }).replace(/\n{3,}/g, "\n\n").trim() + "\n";
  const html = template(language, "reminder.html", true)(context, { helpers: h });
  const all = (
    await db.prisma.invoice.findMany({ where: { customerId: customer.id, kind: "INVOICE", openAmount: { gt: 0n } }, orderBy: [{ dueDate: "asc" }, { number: "asc" }] })
  ).map((i) => ({ number: i.number, dueDate: calendarDateFromDb(i.dueDate), amount: i.amount, openAmount: i.openAmount }));
  const pdf = await letterPdf(statementText(language, { ...settings, currency: customer.currency || settings.currency }, customer.name, input.asOf, invoices, all), {
    title: language === "fr" ? `Relevé de compte ${customer.name}` : `Statement of account ${customer.name}`,
    author: settings.companyName,
    createdAt: input.now,
  });
  return {
    customerId: customer.id,
    levelId: level.id,
    language,
    to: recipients.to,
    cc: recipients.cc,
    subject,
    text,
    html,
    invoices,
    total: base.total,
    statement: { filename: `${language === "fr" ? "releve-de-compte" : "statement-of-account"}-${customer.externalId.replace(/[^\w.-]+/g, "_")}-${input.asOf}.pdf`, pdf },
  };
}

/** A Message-ID of our own domain (the sender's), unique, fixed at render time. */
export function newMessageId(fromAddress: string): string {
  const domain = fromAddress.split("@")[1] ?? "localhost";
  return `<ccbot.${Date.now().toString(36)}.${randomBytes(9).toString("hex")}@${domain}>`;
}

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The exact bytes of the message (RFC 5322, MIME), built once by nodemailer's composer. */
export async function buildEml(
  mail: MailSettings,
  rendered: Pick<RenderedReminder, "to" | "cc" | "subject" | "text" | "html" | "statement">,
  meta: { messageId: string; date: Date },
): Promise<Buffer> {
  const problem = mailSettingsProblem(mail);
  if (problem) throw new AppError("config.invalid", `E-mail cannot be sent: ${problem}.`);
  // streamTransport with buffer: nodemailer's own way to get a message's bytes without sending it.
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "windows" });
  const info = await composer.sendMail({
    from: mail.fromName ? { name: mail.fromName, address: mail.fromAddress } : mail.fromAddress,
    replyTo: mail.replyTo || undefined,
    to: rendered.to,
    cc: rendered.cc.length ? rendered.cc : undefined,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    messageId: meta.messageId,
    date: meta.date,
    headers: { "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "OOF" },
    attachments: [{ filename: rendered.statement.filename, content: rendered.statement.pdf, contentType: "application/pdf" }],
  });
  return info.message as Buffer;
}
