// The evidence file of a customer: statement of account, the result of the seal verification, and the
// complete reminder history in order, each entry with its seal. What a court or a litigation lawyer asks for.
// Its words are the company's language (src/i18n); the history entries are quoted as they were written.
import type { Database } from "../db/database.js";
import { verifyHistory } from "../db/history.js";
import { loadSettings } from "../db/settings.js";
import { calendarDateAt, calendarDateFromDb, type CalendarDate } from "../domain/calendarDate.js";
import { sealProblemText } from "../domain/evidence.js";
import { formatMoney } from "../domain/money.js";
import { AppError } from "../errors.js";
import { emailEvidence } from "../mail/evidence.js";
import { formatDate, phrase, t } from "../i18n/index.js";
import { letterPdf } from "./pdf.js";

/** An e-mail's state in the evidence file's words (prisma: EmailMessage.status). */
const EMAIL_STATUS: Record<string, "evidence.emailStatus.SENT" | "evidence.emailStatus.BOUNCED" | "evidence.emailStatus.FAILED" | "evidence.emailStatus.SUPPRESSED" | "evidence.emailStatus.RENDERED"> = {
  SENT: "evidence.emailStatus.SENT",
  BOUNCED: "evidence.emailStatus.BOUNCED",
  FAILED: "evidence.emailStatus.FAILED",
  SUPPRESSED: "evidence.emailStatus.SUPPRESSED",
  RENDERED: "evidence.emailStatus.RENDERED",
};

/** The evidence file's name: evidence-<customer id>[-<date>].pdf, safe on every file system. */
export function evidenceFileName(externalId: string, date?: string): string {
  return `evidence-${externalId.replace(/[^\w.-]+/g, "_")}${date ? `-${date}` : ""}.pdf`;
}

export async function evidenceFile(
  db: Database,
  customerId: number,
  now: Date,
): Promise<{ pdf: Buffer; text: string; entries: number; intact: boolean }> {
  const settings = await db.withConnection(loadSettings);
  const customer = await db.prisma.customer.findUnique({
    where: { id: customerId },
    include: {
      invoices: {
        where: { openAmount: { gt: 0n } },
        include: { disputes: { where: { status: "OPEN" } } },
        orderBy: [{ dueDate: "asc" }, { number: "asc" }],
      },
      payments: { where: { unallocatedAmount: { gt: 0n } } },
      history: { include: { actor: true, invoices: { include: { invoice: true } } }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }] },
    },
  });
  if (!customer) throw new AppError("not_found", phrase("evidence.unknownCustomer", { id: customerId }));
  const locale = settings.locale;
  const report = await verifyHistory(db.prisma, customerId, { locale });
  const money = (minor: bigint) => formatMoney(minor, settings.currency, settings.locale).replace(/[\u00a0\u202f]/g, " ");
  const today = calendarDateAt(now, settings.timeZone);
  const time = new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "short", timeZone: settings.timeZone });
  const date = (d: CalendarDate) => formatDate(d, locale);
  const invoices = customer.invoices.filter((i) => i.kind === "INVOICE");
  const credits =
    customer.invoices.filter((i) => i.kind === "CREDIT_NOTE").reduce((s, i) => s + i.openAmount, 0n) +
    customer.payments.reduce((s, p) => s + p.unallocatedAmount, 0n);
  const open = invoices.reduce((s, i) => s + i.openAmount, 0n);
  const lines: string[] = [
    t(locale, "evidence.heading", { customer: customer.name.toUpperCase() }),
    t(locale, "evidence.customer", {
      externalId: customer.externalId,
      registration: customer.registrationNumber ? t(locale, "evidence.registration", { number: customer.registrationNumber }) : "",
      date: date(today),
      company: settings.companyName,
    }),
    report.problems.length === 0
      ? t(locale, "evidence.sealsIntact", { count: customer.history.length })
      : t(locale, "evidence.sealsBroken", {
          count: report.problems.length,
          problems: report.problems
            .map((p) => (p.entryId !== null ? t(locale, "evidence.sealProblem", { id: String(p.entryId), problem: sealProblemText(p.problem, locale) }) : p.detail))
            .join("; "),
        }),
    "",
    t(locale, "evidence.statement", { date: date(today) }),
    ...invoices.map((i) =>
      t(locale, "evidence.invoice", {
        number: i.number,
        issued: date(calendarDateFromDb(i.issueDate)),
        due: date(calendarDateFromDb(i.dueDate)),
        amount: money(i.amount),
        open: money(i.openAmount),
        disputed: i.disputes.length ? t(locale, "evidence.disputed") : "",
        litigation: i.status === "LITIGATION" ? t(locale, "evidence.litigation") : "",
      }),
    ),
    t(locale, "evidence.totals", { open: money(open), credits: money(credits), balance: money(open - credits) }),
    "",
    t(locale, "evidence.history"),
  ];
  for (const e of customer.history) {
    lines.push(`${time.format(e.occurredAt)} · ${e.actor?.name ?? e.actorLabel ?? "-"} · ${e.channel.toLowerCase()} · ${e.kind}`);
    lines.push(`- ${e.text}`);
    if (e.invoices.length) lines.push(t(locale, "evidence.invoices", { numbers: e.invoices.map((i) => i.invoice.number).join(", ") }));
    lines.push(t(locale, "evidence.entrySeal", { id: String(e.id), hash: e.hash ?? t(locale, "evidence.noSeal") }));
    lines.push("");
  }
  // Every e-mail sent or attempted, with the SHA-256 of its exact bytes (ccbot history export --eml writes them).
  const emails = await emailEvidence(db, customerId);
  if (emails.length) {
    lines.push(t(locale, "evidence.emails"));
    for (const m of emails)
      lines.push(
        t(locale, "evidence.email", {
          id: String(m.id),
          level: m.levelId,
          to: m.toAddress,
          status: t(locale, EMAIL_STATUS[m.status] ?? "evidence.emailStatus.RENDERED"),
          sentAt: m.sentAt ? time.format(m.sentAt) : "",
          messageId: m.messageId,
          sha256: m.sha256,
          server: m.smtpResponse ?? "",
        }),
      );
    lines.push("");
  }
  const text = lines.join("\n");
  const pdf = await letterPdf(text, { title: t(locale, "evidence.fileTitle", { customer: customer.name }), author: settings.companyName, createdAt: now });
  return { pdf, text, entries: customer.history.length, intact: report.problems.length === 0 };
}
