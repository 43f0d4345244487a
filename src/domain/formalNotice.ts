// The formal notice (mise en demeure): what is owed, the late-payment penalties and indemnities to the
// letter's date, and the deadline, under the customer's legal regime (docs/legal.md). Pure: the letter's
// words are in templates/ (formal-notice for companies, formal-notice-public for public bodies: addressed to
// the authorising officer, copy to the public accountant), the PDF in src/documents.
import { addDays, type CalendarDate } from "./calendarDate.js";
import { latePenalty, REFERENCE_RATES } from "./latePenalties.js";
import { PUBLIC_PAYMENT_PERIOD_DAYS, REGIMES, type LegalRegime, type RegimeRules } from "./legal.js";
import { singleLine } from "./text.js";

export interface Party {
  name: string;
  address: string[];
  registration: string | null;
}

export interface NoticeInvoice {
  number: string;
  issueDate: CalendarDate;
  dueDate: CalendarDate;
  amount: bigint;
  /** What is claimed: the open amount less any part under an open dispute. */
  openAmount: bigint;
  /** The part of the open amount under an open dispute, left out of the claim (0 when none). */
  disputedAmount?: bigint;
}

export interface FormalNoticeInput {
  letterDate: CalendarDate;
  deadlineDays: number;
  creditor: Party;
  debtor: Party & { reference: string };
  invoices: NoticeInvoice[];
  rates?: Readonly<Record<string, number>>;
  /** The debtor's legal regime (its segment's, in the policy); commercial when not given. */
  regime?: LegalRegime;
}

export interface FormalNotice extends FormalNoticeInput {
  regime: LegalRegime;
  /** The regime's rules, for the letter's wording (margin, articles). */
  legal: RegimeRules;
  /** Public bodies: the legal payment periods by kind of body, as the letter recalls them. */
  paymentPeriods: Array<{ kind: string; days: number; article: string }>;
  /** Name of the letter's template (templates/<language>/<name>.hbs). */
  template: "formal-notice" | "formal-notice-public";
  deadline: CalendarDate;
  lines: Array<NoticeInvoice & { daysLate: number; interest: bigint; indemnity: bigint; ratePercents: number[] }>;
  totals: { open: bigint; interest: bigint; indemnities: bigint; total: bigint };
}

/** A party as the letter prints it: name, reference and registration on one line each, address lines too. */
function printable<P extends Party>(party: P): P {
  return {
    ...party,
    name: singleLine(party.name),
    address: party.address.map(singleLine).filter(Boolean),
    registration: party.registration === null ? null : singleLine(party.registration),
  };
}

/**
 * The letter's figures. Imports refuse line breaks in names and references; a value stored before that
 * check (or written another way) is still put on one line here, so it cannot print as a line of its own
 * ("Total réclamé : 0,00 €").
 */
export function composeFormalNotice(raw: FormalNoticeInput): FormalNotice {
  const input: FormalNoticeInput = {
    ...raw,
    creditor: printable(raw.creditor),
    debtor: { ...printable(raw.debtor), reference: singleLine(raw.debtor.reference) },
    invoices: raw.invoices.map((i) => ({ ...i, number: singleLine(i.number) })),
  };
  const regime = raw.regime ?? "commercial";
  const lines = input.invoices
    .filter((i) => i.openAmount > 0n)
    .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.number.localeCompare(b.number)))
    .map((invoice) => {
      const penalty = latePenalty(invoice.openAmount, invoice.dueDate, input.letterDate, input.rates ?? REFERENCE_RATES, regime);
      return {
        ...invoice,
        disputedAmount: invoice.disputedAmount ?? 0n,
        daysLate: penalty.daysLate,
        interest: penalty.interest,
        indemnity: penalty.indemnity,
        ratePercents: [...new Set(penalty.periods.map((p) => p.ratePercent))],
      };
    });
  const open = lines.reduce((s, l) => s + l.openAmount, 0n);
  const interest = lines.reduce((s, l) => s + l.interest, 0n);
  const indemnities = lines.reduce((s, l) => s + l.indemnity, 0n);
  return {
    ...input,
    regime,
    legal: REGIMES[regime],
    paymentPeriods:
      regime === "public-procurement"
        ? Object.entries(PUBLIC_PAYMENT_PERIOD_DAYS).map(([kind, p]) => ({ kind, days: p.days, article: p.article }))
        : [],
    template: regime === "public-procurement" ? "formal-notice-public" : "formal-notice",
    deadline: addDays(input.letterDate, input.deadlineDays),
    lines,
    totals: { open, interest, indemnities, total: open + interest + indemnities },
  };
}
