// The evidence file of a customer: statement of account, the result of the seal verification, and the
// complete reminder history in order, each entry with its seal. What a court or a litigation lawyer asks for.
import type { Database } from "../db/database.js";
import { verifyHistory } from "../db/history.js";
import { loadSettings } from "../db/settings.js";
import { calendarDateAt, calendarDateFromDb } from "../domain/calendarDate.js";
import { formatMoney } from "../domain/money.js";
import { AppError } from "../errors.js";
import { emailEvidence } from "../mail/evidence.js";
import { letterPdf } from "./pdf.js";

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
  if (!customer) throw new AppError("not_found", `Customer #${customerId} is unknown.`);
  const report = await verifyHistory(db.prisma, customerId);
  const money = (minor: bigint) => formatMoney(minor, settings.currency, settings.locale).replace(/[\u00a0\u202f]/g, " ");
  const today = calendarDateAt(now, settings.timeZone);
  const time = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "short", timeZone: settings.timeZone });
  const invoices = customer.invoices.filter((i) => i.kind === "INVOICE");
  const credits =
    customer.invoices.filter((i) => i.kind === "CREDIT_NOTE").reduce((s, i) => s + i.openAmount, 0n) +
    customer.payments.reduce((s, p) => s + p.unallocatedAmount, 0n);
  const open = invoices.reduce((s, i) => s + i.openAmount, 0n);
  const lines: string[] = [
    `EVIDENCE FILE — ${customer.name.toUpperCase()}`,
    `Customer ${customer.externalId}${customer.registrationNumber ? `, registration ${customer.registrationNumber}` : ""}. Produced on ${today} by ${settings.companyName}.`,
    report.problems.length === 0
      ? `Seals verified: the ${customer.history.length} history entries are intact (SHA-256 chained, none edited, deleted or reordered).`
      : `WARNING: ${report.problems.length} seal problem(s): ${report.problems.map((p) => (p.entryId !== null ? `entry #${p.entryId} ${p.problem}` : p.detail)).join("; ")}.`,
    "",
    `STATEMENT OF ACCOUNT ON ${today}`,
    ...invoices.map(
      (i) =>
        `- ${i.number}: issued ${calendarDateFromDb(i.issueDate)}, due ${calendarDateFromDb(i.dueDate)}, amount ${money(i.amount)}, outstanding ${money(i.openAmount)}${i.disputes.length ? " (disputed)" : ""}${i.status === "LITIGATION" ? " (litigation)" : ""}`,
    ),
    `Outstanding invoices ${money(open)}; credits (credit notes, unallocated payments) ${money(credits)}; balance ${money(open - credits)}.`,
    "",
    "REMINDER HISTORY (oldest first)",
  ];
  for (const e of customer.history) {
    lines.push(`${time.format(e.occurredAt)} · ${e.actor?.name ?? e.actorLabel ?? "-"} · ${e.channel.toLowerCase()} · ${e.kind}`);
    lines.push(`- ${e.text}`);
    if (e.invoices.length) lines.push(`- invoices: ${e.invoices.map((i) => i.invoice.number).join(", ")}`);
    lines.push(`- entry #${e.id} seal ${e.hash ?? "none"}`);
    lines.push("");
  }
  // Every e-mail sent or attempted, with the SHA-256 of its exact bytes (ccbot history export --eml writes them).
  const emails = await emailEvidence(db, customerId);
  if (emails.length) {
    lines.push("E-MAILS (exact messages kept; SHA-256 of each .eml)");
    for (const m of emails)
      lines.push(`- #${m.id} ${m.levelId} to ${m.toAddress}, ${m.status.toLowerCase()}${m.sentAt ? ` ${time.format(m.sentAt)}` : ""}; Message-ID ${m.messageId}; SHA-256 ${m.sha256}${m.smtpResponse ? `; server: ${m.smtpResponse}` : ""}`);
    lines.push("");
  }
  const text = lines.join("\n");
  const pdf = await letterPdf(text, { title: `Evidence file ${customer.name}`, author: settings.companyName, createdAt: now });
  return { pdf, text, entries: customer.history.length, intact: report.problems.length === 0 };
}
