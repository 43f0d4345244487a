// Credit-management figures: DSO (simple and countback), overdue rate, recovery rates, payer profile,
// exposure and the cost of an unpaid invoice. Formulas are documented in docs/kpis.md.
import { addDays, daysBetween, daysInMonth, type CalendarDate } from "./calendarDate.js";

export interface DsoConvention {
  yearDays: 365 | 360;
  salesIncludeVat: boolean;
  vatRatePercent: number;
}

/** One calendar month of activity: "2026-10", sales invoiced in the month (with VAT) and receivables at its end. */
export interface MonthFigures {
  month: string;
  sales: bigint;
  receivablesAtEnd: bigint;
}

function monthDays(month: string, convention: DsoConvention): number {
  return convention.yearDays === 360 ? 30 : daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
}

function salesForDso(sales: bigint, convention: DsoConvention): number {
  const amount = Number(sales);
  return convention.salesIncludeVat ? amount : amount / (1 + convention.vatRatePercent / 100);
}

/**
 * Simple DSO at the end of `months[i]`: receivables / sales of the last 3 months x the days of those
 * 3 months (calendar days, or 90 under the 360-day convention). Null while 3 months of sales are not known.
 */
export function simpleDso(months: readonly MonthFigures[], i: number, convention: DsoConvention): number | null {
  if (i < 2) return null;
  const window = months.slice(i - 2, i + 1);
  const sales = window.reduce((sum, m) => sum + salesForDso(m.sales, convention), 0);
  if (sales <= 0) return null;
  const days = window.reduce((sum, m) => sum + monthDays(m.month, convention), 0);
  return (Number((months[i] as MonthFigures).receivablesAtEnd) / sales) * days;
}

/**
 * Countback (exhaustion) DSO at the end of `months[i]`: take the receivables, subtract each month's sales
 * going back in time, counting that month's days, until the receivables are used up; the last month
 * counts in proportion. Null when older months are missing to exhaust the receivables.
 */
export function countbackDso(months: readonly MonthFigures[], i: number, convention: DsoConvention): number | null {
  let remaining = Number((months[i] as MonthFigures).receivablesAtEnd);
  if (remaining <= 0) return 0;
  let days = 0;
  for (let k = i; k >= 0; k--) {
    const month = months[k] as MonthFigures;
    const sales = salesForDso(month.sales, convention);
    const length = monthDays(month.month, convention);
    if (sales >= remaining) return days + (remaining / sales) * length;
    remaining -= sales;
    days += length;
  }
  return null;
}

export function overdueRate(overdue: bigint, receivables: bigint): number | null {
  return receivables > 0n ? Number(overdue) / Number(receivables) : null;
}

/** An invoice that fell due, and when each part of it was paid. */
export interface DueInvoice {
  dueDate: CalendarDate;
  amount: bigint;
  settlements: Array<{ on: CalendarDate; amount: bigint }>;
}

export interface RecoveryRate {
  month: string;
  due: bigint;
  /** Share of `due` collected within 30 days of the due date (null when the 30 days are not over yet). */
  within1Month: number | null;
  within3Months: number | null;
}

/** What fell due in a month and how much of it was collected within 30 and 90 days of the due dates. */
export interface RecoveryTotals {
  month: string;
  due: bigint;
  within30Days: bigint;
  within90Days: bigint;
}

/** Sums, per month of due date, the invoices and their settlements (for lists; SQL computes the same at scale). */
export function recoveryTotals(invoices: Iterable<DueInvoice>, months: readonly string[]): RecoveryTotals[] {
  const byMonth = new Map(months.map((m) => [m, { month: m, due: 0n, within30Days: 0n, within90Days: 0n }]));
  for (const invoice of invoices) {
    const totals = byMonth.get(invoice.dueDate.slice(0, 7));
    if (!totals) continue;
    totals.due += invoice.amount;
    const by30 = addDays(invoice.dueDate, 30);
    const by90 = addDays(invoice.dueDate, 90);
    for (const s of invoice.settlements) {
      if (s.on <= by30) totals.within30Days += s.amount;
      if (s.on <= by90) totals.within90Days += s.amount;
    }
  }
  return [...byMonth.values()];
}

/** Recovery rates: a month's rate is only given once its horizon (30 or 90 days after the month's end) is over. */
export function recoveryRates(totals: readonly RecoveryTotals[], asOf: CalendarDate): RecoveryRate[] {
  return totals.map((t) => {
    const lastDay =
      `${t.month}-${String(daysInMonth(Number(t.month.slice(0, 4)), Number(t.month.slice(5, 7)))).padStart(2, "0")}` as CalendarDate;
    const share = (part: bigint, horizon: number) =>
      t.due > 0n && daysBetween(lastDay, asOf) >= horizon ? Math.min(1, Number(part) / Number(t.due)) : null;
    return { month: t.month, due: t.due, within1Month: share(t.within30Days, 30), within3Months: share(t.within90Days, 90) };
  });
}

/** What a customer's payment history says about them. */
export interface PayerHistory {
  /** Settled invoices: amount and days late when paid (negative = early). */
  paid: Array<{ amount: bigint; daysLate: number }>;
  promisesKept: number;
  promisesBroken: number;
}

export interface PayerProfile {
  /** Average days late, weighted by amount (null without history). */
  averageDaysLate: number | null;
  /** Share of the amount paid by the due date (a grace of 5 days). */
  onTimeShare: number | null;
  promisesBroken: number;
  /** 0 (worst) to 100 (best); null without history. */
  score: number | null;
  grade: "A" | "B" | "C" | "D" | null;
}

export const ON_TIME_GRACE_DAYS = 5;

/**
 * score = 100 x (0.5 x on-time share + 0.3 x (1 - average days late / 60, floored at 0)
 *                + 0.2 x (1 - broken promises / 3, floored at 0)); grade A >= 80, B >= 60, C >= 40, else D.
 */
export function payerProfile(history: PayerHistory): PayerProfile {
  let paid = 0;
  let weightedDaysLate = 0;
  let onTime = 0;
  for (const p of history.paid) {
    const amount = Number(p.amount);
    paid += amount;
    weightedDaysLate += amount * Math.max(0, p.daysLate);
    if (p.daysLate <= ON_TIME_GRACE_DAYS) onTime += amount;
  }
  return payerProfileFromTotals({
    paid,
    weightedDaysLate,
    onTime,
    promisesKept: history.promisesKept,
    promisesBroken: history.promisesBroken,
  });
}

/** The same from sums (as SQL returns them): amounts paid, amount x days late, amount paid on time. */
export function payerProfileFromTotals(t: {
  paid: number;
  weightedDaysLate: number;
  onTime: number;
  promisesKept: number;
  promisesBroken: number;
}): PayerProfile {
  if (t.paid <= 0 && t.promisesBroken === 0 && t.promisesKept === 0) {
    return { averageDaysLate: null, onTimeShare: null, promisesBroken: 0, score: null, grade: null };
  }
  const averageDaysLate = t.paid > 0 ? t.weightedDaysLate / t.paid : 0;
  const onTimeShare = t.paid > 0 ? t.onTime / t.paid : 1;
  const score = Math.round(
    100 * (0.5 * onTimeShare + 0.3 * Math.max(0, 1 - averageDaysLate / 60) + 0.2 * Math.max(0, 1 - t.promisesBroken / 3)),
  );
  const grade = score >= 80 ? "A" : score >= 60 ? "B" : score >= 40 ? "C" : "D";
  return {
    averageDaysLate: t.paid > 0 ? Math.round(averageDaysLate * 10) / 10 : null,
    onTimeShare: t.paid > 0 ? onTimeShare : null,
    promisesBroken: t.promisesBroken,
    score,
    grade,
  };
}

/** The extra revenue needed to make up for an unpaid amount: amount / gross margin rate. */
export function revenueToCoverLoss(unpaid: bigint, grossMarginPercent: number): bigint {
  return (unpaid * 10_000n + BigInt(Math.round(grossMarginPercent * 100)) - 1n) / BigInt(Math.round(grossMarginPercent * 100));
}

export interface Exposure {
  exposure: bigint;
  creditLimit: bigint | null;
  /** Exposure above the limit (0 when within or no limit). */
  overLimit: bigint;
  /** Exposure as a share of the limit (null without a limit). */
  usage: number | null;
}

export function exposureOf(openInvoices: bigint, credits: bigint, creditLimit: bigint | null): Exposure {
  const exposure = openInvoices - credits;
  return {
    exposure,
    creditLimit,
    overLimit: creditLimit !== null && exposure > creditLimit ? exposure - creditLimit : 0n,
    usage: creditLimit !== null && creditLimit > 0n ? Number(exposure) / Number(creditLimit) : null,
  };
}
