// The penalty invoice: the late-payment interest and the 40 EUR indemnities owed on a customer's invoices
// paid late or still open past due, as of a date, under its legal regime (docs/legal.md, "Penalties").
// Pure: the figures come from lateLife (src/domain/latePenalties.ts), the words from
// templates/<language>/penalty-invoice.hbs, the PDF from src/documents.
import type { CalendarDate } from "./calendarDate.js";
import type { Party } from "./formalNotice.js";
import { PAID_LATE, type LateLife } from "./latePenalties.js";
import { REGIMES, type LegalRegime, type RegimeRules } from "./legal.js";
import { singleLine } from "./text.js";

export interface PenaltyInvoiceLine extends Pick<LateLife, "daysLate" | "status" | "periods" | "interest" | "indemnity" | "open"> {
  number: string;
  issueDate: CalendarDate;
  dueDate: CalendarDate;
  amount: bigint;
}

export interface PenaltyInvoiceInput {
  letterDate: CalendarDate;
  creditor: Party;
  debtor: Party & { reference: string };
  regime: LegalRegime;
  /** The contractual rate of the terms of sale, when one replaced the legal rate on some line. */
  contractRatePercent: number | null;
  lines: PenaltyInvoiceLine[];
}

export interface PenaltyInvoice extends PenaltyInvoiceInput {
  legal: RegimeRules;
  isPublic: boolean;
  /** Some line used the contractual rate (the letter then cites the terms of sale). */
  contractual: boolean;
  lines: Array<PenaltyInvoiceLine & { paidLate: boolean; ratePercents: number[] }>;
  totals: { interest: bigint; indemnities: bigint; total: bigint };
}

export class NothingToClaimError extends Error {
  override name = "NothingToClaimError";
}

/** The letter's figures, lines by due date; refuses a letter that would claim nothing. */
export function composePenaltyInvoice(input: PenaltyInvoiceInput): PenaltyInvoice {
  const lines = input.lines
    .filter((l) => l.daysLate > 0)
    .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.number.localeCompare(b.number)))
    .map((l) => ({
      ...l,
      number: singleLine(l.number),
      paidLate: l.status === PAID_LATE,
      ratePercents: [...new Set(l.periods.map((p) => p.ratePercent))],
    }));
  if (lines.length === 0) throw new NothingToClaimError(`No invoice of ${input.debtor.reference} was paid late or is open past due on ${input.letterDate}.`);
  const interest = lines.reduce((s, l) => s + l.interest, 0n);
  const indemnities = lines.reduce((s, l) => s + l.indemnity, 0n);
  return {
    ...input,
    creditor: { ...input.creditor, name: singleLine(input.creditor.name), address: input.creditor.address.map(singleLine).filter(Boolean) },
    debtor: {
      ...input.debtor,
      name: singleLine(input.debtor.name),
      address: input.debtor.address.map(singleLine).filter(Boolean),
      reference: singleLine(input.debtor.reference),
    },
    legal: REGIMES[input.regime],
    isPublic: input.regime === "public-procurement",
    contractual: lines.some((l) => l.periods.some((p) => p.basis === "contract")),
    lines,
    totals: { interest, indemnities, total: interest + indemnities },
  };
}
