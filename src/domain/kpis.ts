// Credit-management figures: DSO (simple and countback), overdue rate, recovery rates, payer profile,
// exposure and the cost of an unpaid invoice. Formulas are documented in docs/kpis.md.
import { t } from "../i18n/index.js";
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
  /**
   * Days of the month the figures cover, when it is not over yet (the as-of date's day of the month):
   * 20 days of sales count against 20 days, not a whole month. Absent for a whole month.
   */
  daysElapsed?: number;
}

/** The month's days for DSO: calendar days (or 30 under the 360-day convention), only those elapsed in the current month. */
function monthDays(m: MonthFigures, convention: DsoConvention): number {
  const whole = convention.yearDays === 360 ? 30 : daysInMonth(Number(m.month.slice(0, 4)), Number(m.month.slice(5, 7)));
  return m.daysElapsed === undefined ? whole : Math.min(whole, m.daysElapsed);
}

/** The month of a date, marked partial unless the date is its last day (for the current month of a DSO series). */
export function monthSoFar(asOf: CalendarDate): { month: string; daysElapsed?: number } {
  const day = Number(asOf.slice(8, 10));
  const whole = daysInMonth(Number(asOf.slice(0, 4)), Number(asOf.slice(5, 7)));
  return day >= whole ? { month: asOf.slice(0, 7) } : { month: asOf.slice(0, 7), daysElapsed: day };
}

function salesForDso(sales: bigint, convention: DsoConvention): number {
  const amount = Number(sales);
  return convention.salesIncludeVat ? amount : amount / (1 + convention.vatRatePercent / 100);
}

/**
 * Simple DSO at the end of `months[i]`: receivables / sales of the last 3 months x the days of those
 * 3 months (calendar days, or 90 under the 360-day convention; a month not over yet counts its days
 * elapsed). Null while 3 months of sales are not known.
 */
export function simpleDso(months: readonly MonthFigures[], i: number, convention: DsoConvention): number | null {
  if (i < 2) return null;
  const window = months.slice(i - 2, i + 1);
  const sales = window.reduce((sum, m) => sum + salesForDso(m.sales, convention), 0);
  if (sales <= 0) return null;
  const days = window.reduce((sum, m) => sum + monthDays(m, convention), 0);
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
    const length = monthDays(month, convention);
    if (sales >= remaining) return days + (remaining / sales) * length;
    remaining -= sales;
    days += length;
  }
  return null;
}

/**
 * Receivables, one definition everywhere (docs/kpis.md): what customers owe on the date, net of their
 * credits = open invoices (disputed included) - open credit notes - unallocated payments, i.e. the aged
 * balance's total. The DSO's month-end receivables and the overdue rate both use it.
 */
export function receivablesOf(aging: { balance: bigint }): bigint {
  return aging.balance;
}

/** Overdue rate ("taux d'échu"): undisputed amounts past due / receivables (null when nothing is owed). */
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

/** What a customer's payment history and open items say about them, as of a date. */
export interface PayerHistory {
  /** Invoices settled in the last 12 months: amount and days late when paid (negative = early). */
  paid: Array<{ amount: bigint; daysLate: number }>;
  /** Invoices still open and past due on the date: amount and days late so far; disputed ones apart. */
  open?: Array<{ amount: bigint; daysLate: number; disputed?: boolean }>;
  promisesKept: number;
  promisesBroken: number;
  /** Disputes still open on the date. */
  openDisputes?: number;
}

export interface PayerProfile {
  /** Average days late, weighted by amount, of what was paid and of what is still open past due (null without history). */
  averageDaysLate: number | null;
  /** Share of that amount paid, or still open, within 5 days of the due date. */
  onTimeShare: number | null;
  promisesBroken: number;
  openDisputes: number;
  /** Open amount (disputed or not) more than 90 days past due. */
  over90Days: bigint;
  /** Days past due of the oldest open item (0 when nothing is past due). */
  oldestDaysLate: number;
  /** 0 (worst) to 100 (best); null without history. */
  score: number | null;
  grade: "A" | "B" | "C" | "D" | null;
  /** Why the grade is lower than the score alone gives (an item long past due), or null: in words by describeGradeCap. */
  gradeCap: GradeCap | null;
}

/** An item long past due that keeps the grade at `grade` or below. */
export interface GradeCap {
  daysLate: number;
  grade: "B" | "C";
}

/** "an invoice 45 days past due keeps the grade at B or below", in the language of `locale`. */
export function describeGradeCap(cap: GradeCap, locale = "en-GB"): string {
  return t(locale, "domain.payer.gradeCap", { days: cap.daysLate, grade: cap.grade });
}

export const ON_TIME_GRACE_DAYS = 5;
/** An open item more than 90 days past due keeps the grade at C or below; more than 30 days, at B or below. */
export const GRADE_CAPS = [
  { daysLate: 90, grade: "C" },
  { daysLate: 30, grade: "B" },
] as const;

/** Sums of a payer's history, as SQL returns them (amounts in minor units as numbers). */
export interface PayerTotals {
  /** Amount settled in the last 12 months, amount x days late, and the part settled within the grace. */
  paid: number;
  weightedDaysLate: number;
  onTime: number;
  /** Undisputed open amount past due, amount x days late so far, and the part within the grace. */
  openLate: number;
  openWeightedDaysLate: number;
  openWithinGrace: number;
  /** Open amount (disputed or not) more than 90 days past due, and the oldest item's days past due. */
  over90Days: bigint;
  oldestDaysLate: number;
  promisesKept: number;
  promisesBroken: number;
  openDisputes: number;
}

/**
 * The payer profile (seed 001, "profil payeur"): punctuality and lateness over what was paid in the last
 * 12 months *and* what is still open past due (counted at its age so far), broken promises, open disputes.
 *
 * score = 100 x (0.40 x on-time share
 *              + 0.30 x max(0, 1 - average days late / 60)
 *              + 0.15 x max(0, 1 - broken promises / 3)
 *              + 0.15 x max(0, 1 - open disputes / 3))
 * grade A >= 80, B >= 60, C >= 40, else D; then an open item (disputed or not) more than 90 days past due
 * caps the grade at C, more than 30 days at B. Worked examples in docs/kpis.md.
 */
export function payerProfile(history: PayerHistory): PayerProfile {
  const t: PayerTotals = {
    paid: 0,
    weightedDaysLate: 0,
    onTime: 0,
    openLate: 0,
    openWeightedDaysLate: 0,
    openWithinGrace: 0,
    over90Days: 0n,
    oldestDaysLate: 0,
    promisesKept: history.promisesKept,
    promisesBroken: history.promisesBroken,
    openDisputes: history.openDisputes ?? 0,
  };
  for (const p of history.paid) {
    const amount = Number(p.amount);
    t.paid += amount;
    t.weightedDaysLate += amount * Math.max(0, p.daysLate);
    if (p.daysLate <= ON_TIME_GRACE_DAYS) t.onTime += amount;
  }
  for (const o of history.open ?? []) {
    if (o.amount <= 0n || o.daysLate <= 0) continue;
    t.oldestDaysLate = Math.max(t.oldestDaysLate, o.daysLate);
    if (o.daysLate > 90) t.over90Days += o.amount;
    if (o.disputed) continue;
    const amount = Number(o.amount);
    t.openLate += amount;
    t.openWeightedDaysLate += amount * o.daysLate;
    if (o.daysLate <= ON_TIME_GRACE_DAYS) t.openWithinGrace += amount;
  }
  return payerProfileFromTotals(t);
}

/** The same from sums (as SQL returns them). */
export function payerProfileFromTotals(t: PayerTotals): PayerProfile {
  // Written out, not spread from a common part: called once per account of the portfolio (tens of thousands).
  const weight = t.paid + t.openLate;
  if (weight <= 0 && t.promisesBroken === 0 && t.promisesKept === 0 && t.openDisputes === 0 && t.oldestDaysLate <= 0) {
    return {
      promisesBroken: t.promisesBroken,
      openDisputes: t.openDisputes,
      over90Days: t.over90Days,
      oldestDaysLate: t.oldestDaysLate,
      averageDaysLate: null,
      onTimeShare: null,
      score: null,
      grade: null,
      gradeCap: null,
    };
  }
  const averageDaysLate = weight > 0 ? (t.weightedDaysLate + t.openWeightedDaysLate) / weight : 0;
  const onTimeShare = weight > 0 ? (t.onTime + t.openWithinGrace) / weight : 1;
  const score = Math.round(
    100 *
      (0.4 * onTimeShare +
        0.3 * Math.max(0, 1 - averageDaysLate / 60) +
        0.15 * Math.max(0, 1 - t.promisesBroken / 3) +
        0.15 * Math.max(0, 1 - t.openDisputes / 3)),
  );
  let grade: NonNullable<PayerProfile["grade"]> = score >= 80 ? "A" : score >= 60 ? "B" : score >= 40 ? "C" : "D";
  let gradeCap: GradeCap | null = null;
  for (const cap of GRADE_CAPS) {
    if (t.oldestDaysLate > cap.daysLate) {
      if (grade < cap.grade) {
        grade = cap.grade;
        gradeCap = { daysLate: t.oldestDaysLate, grade: cap.grade };
      }
      break;
    }
  }
  return {
    promisesBroken: t.promisesBroken,
    openDisputes: t.openDisputes,
    over90Days: t.over90Days,
    oldestDaysLate: t.oldestDaysLate,
    averageDaysLate: weight > 0 ? Math.round(averageDaysLate * 10) / 10 : null,
    onTimeShare: weight > 0 ? onTimeShare : null,
    score,
    grade,
    gradeCap,
  };
}

/**
 * Why a payer is graded as it is, in words a committee member reads: "pays 38 days late on average;
 * 2 promises broken; 12 400,00 € over 90 days late (oldest 324 days)".
 */
export function describePayer(profile: PayerProfile, money: (minor: bigint) => string, locale = "en-GB"): string {
  if (profile.grade === null) return t(locale, "payer.noHistory");
  const parts: string[] = [];
  const late = profile.averageDaysLate;
  if (late === null) parts.push(t(locale, "payer.nothingRecent"));
  else if (late < 1) parts.push(t(locale, "payer.onTime"));
  else parts.push(t(locale, "payer.late", { days: Math.round(late) }));
  if (profile.onTimeShare !== null && profile.onTimeShare < 1 && late !== null && late >= 1)
    parts.push(t(locale, "payer.onTimeShare", { percent: Math.round(profile.onTimeShare * 100) }));
  if (profile.promisesBroken > 0) parts.push(t(locale, "payer.promisesBroken", { count: profile.promisesBroken }));
  if (profile.openDisputes > 0) parts.push(t(locale, "payer.openDisputes", { count: profile.openDisputes }));
  if (profile.over90Days > 0n) parts.push(t(locale, "payer.over90", { amount: money(profile.over90Days), days: profile.oldestDaysLate }));
  else if (profile.oldestDaysLate > 30) parts.push(t(locale, "payer.oldest", { days: profile.oldestDaysLate }));
  return parts.join("; ");
}

/** The extra revenue needed to make up for an unpaid amount: amount / gross margin rate. */
export function revenueToCoverLoss(unpaid: bigint, grossMarginPercent: number): bigint {
  return (unpaid * 10_000n + BigInt(Math.round(grossMarginPercent * 100)) - 1n) / BigInt(Math.round(grossMarginPercent * 100));
}

/** What an unpaid amount costs if it is lost: the sales needed to make it up at the gross margin rate. */
export interface LossCover {
  unpaid: bigint;
  marginPercent: number;
  salesNeeded: bigint;
}

export function lossCoverOf(unpaid: bigint, grossMarginPercent: number): LossCover | null {
  return unpaid > 0n ? { unpaid, marginPercent: grossMarginPercent, salesNeeded: revenueToCoverLoss(unpaid, grossMarginPercent) } : null;
}

/** "sales of 3333.34 at a 30% gross margin would be needed to make up 1000.00 if it is never paid" */
export function describeLossCover(cover: LossCover, money: (minor: bigint) => string, locale = "en-GB"): string {
  return t(locale, "engine.lossCover", { sales: money(cover.salesNeeded), margin: cover.marginPercent, unpaid: money(cover.unpaid) });
}

/**
 * A review whose litigation proposal says what losing the overdue would cost in sales (seed "Piloter le
 * recouvrement": the sales needed to make up a loss = amount / margin rate). Other proposals are unchanged.
 */
export function withLossCover<R extends { figures: { overdue: bigint }; proposals: Array<{ kind: string; reason: string }> }>(
  review: R,
  grossMarginPercent: number,
  money: (minor: bigint) => string,
  locale = "en-GB",
): R {
  const cover = lossCoverOf(review.figures.overdue, grossMarginPercent);
  if (!cover || !review.proposals.some((x) => x.kind === "LITIGATION")) return review;
  return {
    ...review,
    proposals: review.proposals.map((x) => (x.kind === "LITIGATION" ? { ...x, reason: `${x.reason}; ${describeLossCover(cover, money, locale)}` } : x)),
  };
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
