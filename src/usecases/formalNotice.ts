// Issuing the formal notice the committee approved: the letter (text and PDF) is written, and the history
// records it with the PDF's SHA-256, so the evidence file can prove which letter was sent. Issuing twice
// for the same decision returns the first letter.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Database } from "../db/database.js";
import { appendHistory } from "../db/history.js";
import { loadSettings } from "../db/settings.js";
import { splitDisputed } from "../domain/aging.js";
import { calendarDateFromDb, type CalendarDate } from "../domain/calendarDate.js";
import { composeFormalNotice, type FormalNotice } from "../domain/formalNotice.js";
import { formatMoney } from "../domain/money.js";
import { letterPdf } from "../documents/pdf.js";
import { languageOf, render } from "../documents/templates.js";
import { AppError } from "../errors.js";
import { formatDate, phrase, t } from "../i18n/index.js";
import { MissingReferenceRateError } from "../domain/latePenalties.js";
import type { Policy } from "../domain/policy.js";
import type { Actor } from "./actor.js";

export interface IssuedNotice {
  pdfFile: string;
  textFile: string;
  sha256: string;
  total: bigint;
  deadline: CalendarDate;
  alreadyIssued: boolean;
}

export async function issueFormalNotice(
  db: Database,
  policy: Policy,
  actor: Actor,
  input: { actionId: number; letterDate: CalendarDate; outDir: string },
  now = new Date(),
): Promise<IssuedNotice> {
  const action = await db.prisma.proposedAction.findUnique({
    where: { id: input.actionId },
    include: {
      customer: true,
      invoices: { include: { invoice: { include: { disputes: { where: { status: "OPEN" }, select: { amountDisputed: true } } } } } },
    },
  });
  if (!action || action.kind !== "FORMAL_NOTICE") throw new AppError("not_found", phrase("usecase.notice.notANotice", { actionId: input.actionId }));
  if (action.status !== "APPLIED")
    throw new AppError("conflict", phrase("usecase.notice.notApproved", { actionId: action.id, status: action.status.toLowerCase() }));
  const previous = await db.prisma.historyEntry.findFirst({ where: { actionId: action.id, kind: "document.formal_notice" } });
  if (previous) {
    const data = previous.data as { pdfFile: string; textFile: string; sha256: string; total: string; deadline: CalendarDate };
    return { ...data, total: BigInt(data.total), alreadyIssued: true };
  }
  const settings = await db.withConnection(loadSettings);
  const params = (action.params ?? {}) as Record<string, string>;
  const customer = action.customer;
  const noticeInput = {
    letterDate: input.letterDate,
    deadlineDays: Number(params.deadlineDays ?? 8),
    creditor: {
      name: settings.companyName,
      address: settings.companyAddress.split("\n").filter(Boolean),
      registration: settings.companyRegistration || null,
    },
    debtor: {
      name: customer.name,
      address: (customer.address ?? "").split("\n").filter(Boolean),
      registration: customer.registrationNumber,
      reference: customer.externalId,
    },
    rates: policy.legal.referenceRates,
    // The customer's segment decides the law the letter cites (docs/legal.md).
    regime: policy.segments[customer.segment].regime,
    invoices: action.invoices.map(({ invoice }) => {
      // Only what is not disputed is claimed: a partial dispute leaves the rest of the invoice owed.
      const { disputed, undisputed } = splitDisputed(
        invoice.openAmount,
        invoice.disputes.reduce((sum, d) => sum + (d.amountDisputed ?? invoice.openAmount), 0n),
      );
      return {
        number: invoice.number,
        issueDate: calendarDateFromDb(invoice.issueDate),
        dueDate: calendarDateFromDb(invoice.dueDate),
        amount: invoice.amount,
        openAmount: undisputed,
        disputedAmount: disputed,
      };
    }),
  };
  let notice: FormalNotice;
  try {
    notice = composeFormalNotice(noticeInput);
  } catch (error) {
    if (error instanceof MissingReferenceRateError) throw new AppError("config.policy", error.message);
    throw error;
  }
  if (notice.lines.length === 0)
    throw new AppError("conflict", phrase("usecase.notice.nothingOwed", { actionId: action.id }));
  const language = languageOf(action.customer.locale ?? settings.locale);
  const text = render(notice.template, language, settings.currency, notice);
  const pdf = await letterPdf(text, {
    title: t(language === "fr" ? "fr-FR" : "en-GB", "usecase.notice.pdfTitle", { debtor: notice.debtor.name }),
    author: settings.companyName,
    createdAt: now,
  });
  const sha256 = createHash("sha256").update(pdf).digest("hex");
  mkdirSync(input.outDir, { recursive: true });
  const base = path.join(input.outDir, `formal-notice-${action.customer.externalId.replace(/[^\w.-]+/g, "_")}-${input.letterDate}`);
  writeFileSync(`${base}.pdf`, pdf);
  writeFileSync(`${base}.txt`, text);
  await db.prisma.$transaction((tx) =>
    appendHistory(tx, {
      occurredAt: now,
      customerId: action.customerId,
      actorId: actor.personId,
      actorLabel: actor.label ?? null,
      origin: actor.origin,
      channel: "LETTER",
      kind: "document.formal_notice",
      text: t(settings.locale, "usecase.notice.history", {
        publicBody: notice.regime === "public-procurement" ? t(settings.locale, "usecase.notice.publicBody") : "",
        total: formatMoney(notice.totals.total, settings.currency, settings.locale),
        count: notice.lines.length,
        deadline: formatDate(notice.deadline, settings.locale),
      }),
      actionId: action.id,
      invoiceIds: action.invoices.map((i) => i.invoiceId),
      data: { pdfFile: `${base}.pdf`, textFile: `${base}.txt`, sha256, total: notice.totals.total.toString(), deadline: notice.deadline },
    }),
  );
  return {
    pdfFile: `${base}.pdf`,
    textFile: `${base}.txt`,
    sha256,
    total: notice.totals.total,
    deadline: notice.deadline,
    alreadyIssued: false,
  };
}
