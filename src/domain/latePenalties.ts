// Late-payment penalties under French commercial law (article L441-10 of the Code de commerce):
// - interest at the ECB's main refinancing rate + 10 points, the ECB rate being the one in force on
//   1 January for days in the first half-year and on 1 July for days in the second;
// - simple interest, day by day: amount x rate x days / 365 (each day at its half-year's rate);
// - a fixed recovery indemnity of 40 EUR per invoice paid late (article D441-5).
// The reference rates are a dated table the company keeps up to date (REFERENCE_RATES below, overridable).
// Public bodies (Code de la commande publique R2192-31): ECB rate + 8 points, the ECB rate being the one in
// force on the first day of the half-year in which interest began to run, for the whole delay (see
// src/domain/legal.ts and docs/legal.md).
import { addDays, daysBetween, type CalendarDate } from "./calendarDate.js";
import { REGIMES, type LegalRegime } from "./legal.js";

/** ECB main refinancing rate in force on each 1 January / 1 July, in percent. */
export const REFERENCE_RATES: Readonly<Record<string, number>> = {
  "2023-01-01": 2.5,
  "2023-07-01": 4.0,
  "2024-01-01": 4.5,
  "2024-07-01": 4.25,
  "2025-01-01": 3.15,
  "2025-07-01": 2.15,
  "2026-01-01": 2.15,
};

/**
 * The legal interest rate (taux de l'intérêt légal) for creditors acting for professional needs ("tous les
 * autres cas", article L313-2 Code monétaire et financier), in force each half-year, in percent. A
 * contractual penalty rate may not be below three times this rate (L441-10 II Code de commerce). Sources in
 * docs/legal.md; the company adds each new half-year in legal.legalInterestRates of its policy file.
 */
export const LEGAL_INTEREST_RATES: Readonly<Record<string, number>> = {
  "2023-01-01": 2.06,
  "2023-07-01": 4.22,
  "2024-01-01": 5.07,
  "2024-07-01": 4.92,
  "2025-01-01": 3.71,
  "2025-07-01": 2.76,
  "2026-01-01": 2.62,
};

export const PENALTY_MARGIN_POINTS = REGIMES.commercial.marginPoints;
export const RECOVERY_INDEMNITY_MINOR = REGIMES.commercial.indemnityMinor; // 40.00 EUR

export class MissingReferenceRateError extends Error {
  override name = "MissingReferenceRateError";
}

export function halfYearStart(date: CalendarDate): CalendarDate {
  return `${date.slice(0, 4)}-${Number(date.slice(5, 7)) <= 6 ? "01" : "07"}-01` as CalendarDate;
}

function nextHalfYear(start: CalendarDate): CalendarDate {
  const year = Number(start.slice(0, 4));
  return (start.slice(5, 7) === "01" ? `${year}-07-01` : `${year + 1}-01-01`) as CalendarDate;
}

export interface PenaltyPeriod {
  from: CalendarDate;
  to: CalendarDate;
  days: number;
  ratePercent: number;
  /**
   * Where the rate comes from: "legal" (ECB + the regime's points), or "contract" (the rate of the terms of
   * sale, commercial regime only, when it is at least three times the legal interest rate of the half-year).
   */
  basis: "legal" | "contract";
  /** Interest of the period in minor units, unrounded (rounded once, on the total). */
  interest: number;
}

export interface Penalty {
  daysLate: number;
  periods: PenaltyPeriod[];
  /** Interest rounded half-up to the minor unit. */
  interest: bigint;
  indemnity: bigint;
}

/** A contractual penalty rate from the terms of sale, with the legal interest rates its floor is checked against. */
export interface ContractRate {
  ratePercent: number;
  legalInterestRates: Readonly<Record<string, number>>;
}

/** The floor of a contractual penalty rate for the half-year starting `start`: three times the legal interest rate. */
export function contractRateFloor(legalInterestRates: Readonly<Record<string, number>>, start: CalendarDate): number {
  const legal = legalInterestRates[start];
  if (legal === undefined) {
    throw new MissingReferenceRateError(
      `No legal interest rate for the half-year starting ${start}: add it to legal.legalInterestRates in the policy file (rate for professional creditors published in the Journal officiel).`,
    );
  }
  // Rounded to the hundredth: 3 x 2.62 = 7.86, not 7.859999...
  return Math.round(legal * 300) / 100;
}

function ecbRate(rates: Readonly<Record<string, number>>, start: CalendarDate): number {
  const ecb = rates[start];
  if (ecb === undefined) {
    throw new MissingReferenceRateError(
      `No ECB reference rate for the half-year starting ${start}: add it to legal.referenceRates in the policy file (rate published by the Banque de France).`,
    );
  }
  return ecb;
}

/**
 * Penalties on `amount` (minor units) due on `dueDate`, for the days from the day after the due date to
 * `until` included (the payment date, or the date of the letter), under the customer's legal regime:
 * commercial (default) takes each half-year's rate for its days; public procurement keeps the rate of the
 * half-year in which interest began to run. Periods are still cut at each half-year so a reader can follow.
 */
export function latePenalty(
  amount: bigint,
  dueDate: CalendarDate,
  until: CalendarDate,
  rates: Readonly<Record<string, number>> = REFERENCE_RATES,
  regime: LegalRegime = "commercial",
  contract: ContractRate | null = null,
): Penalty {
  const rules = REGIMES[regime];
  const daysLate = Math.max(0, daysBetween(dueDate, until));
  const periods: PenaltyPeriod[] = [];
  let day = addDays(dueDate, 1);
  const startRate = daysLate > 0 && rules.rateReference === "start-half-year" ? ecbRate(rates, halfYearStart(day)) : null;
  while (daysBetween(day, until) >= 0) {
    const start = halfYearStart(day);
    const ecb = startRate ?? ecbRate(rates, start);
    const end = addDays(nextHalfYear(start), -1);
    const to = daysBetween(end, until) > 0 ? end : until;
    const days = daysBetween(day, to) + 1;
    // A contractual rate below the floor of its half-year is void there (L441-10 II: "ne peut toutefois fixer
    // un taux inférieur"), and the legal rate applies; public bodies' interest is set by law, not contract.
    const contractual = contract !== null && regime === "commercial" && contract.ratePercent >= contractRateFloor(contract.legalInterestRates, start);
    const ratePercent = contractual ? contract.ratePercent : Math.round((ecb + rules.marginPoints) * 100) / 100;
    const basis = contractual ? "contract" : "legal";
    periods.push({ from: day, to, days, ratePercent, basis, interest: (Number(amount) * ratePercent * days) / (100 * 365) });
    day = addDays(to, 1);
  }
  const interest = BigInt(Math.round(periods.reduce((s, p) => s + p.interest, 0)));
  return { daysLate, periods, interest, indemnity: daysLate > 0 ? rules.indemnityMinor : 0n };
}

/** Money that settled part of an invoice: a payment on its date, or a credit note (never owed, no interest). */
export interface Settlement {
  on: CalendarDate;
  amount: bigint;
  kind: "payment" | "credit";
}

export interface LateSlice {
  amount: bigint;
  /** The day it was paid, or the as-of date for what is still open. */
  until: CalendarDate;
  paid: boolean;
  penalty: Penalty;
}

/** An invoice's coded penalty status (report penalties' JSON and CSV column), the same in every language. */
// i18n-exempt: coded values (ccbot report penalties --format json), not sentences
const [PAID_ON_TIME, STILL_OPEN, PAID_LATE] = ["paid on time", "still open", "paid late"] as const;
export { PAID_LATE };

export interface LateLife {
  /** Days from the due date to the last late payment, or to the as-of date while something is open. */
  daysLate: number;
  /** Open on the as-of date (the excluded part, e.g. under dispute, included). */
  open: bigint;
  status: "paid on time" | "paid late" | "still open";
  slices: LateSlice[];
  /** The rates applied, half-year by half-year, each once (from the longest slice's periods). */
  periods: Array<{ from: CalendarDate; ratePercent: number; basis: "legal" | "contract" }>;
  /** Interest of every slice, rounded half-up once, on the total. */
  interest: bigint;
  /** 40 EUR once per invoice paid late or still open past its due date. */
  indemnity: bigint;
}

/**
 * Penalties over an invoice's whole late life as of a date: each payment closes its share, which bears
 * interest from the day after the due date to the day it was paid; what is still open bears interest up to
 * the as-of date. Payments on or before the due date, credit notes and `excluded` (an amount under open
 * dispute) bear none. Settlements dated after `asOf` are not known yet and are left out.
 */
export function lateLife(input: {
  amount: bigint;
  dueDate: CalendarDate;
  settlements: Settlement[];
  asOf: CalendarDate;
  excluded?: bigint;
  rates?: Readonly<Record<string, number>>;
  regime?: LegalRegime;
  contract?: ContractRate | null;
}): LateLife {
  const { dueDate, asOf } = input;
  const penaltyOf = (amount: bigint, until: CalendarDate) =>
    latePenalty(amount, dueDate, until, input.rates ?? REFERENCE_RATES, input.regime ?? "commercial", input.contract ?? null);
  const known = input.settlements
    .filter((s) => daysBetween(s.on, asOf) >= 0 && s.amount > 0n)
    .sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
  let remaining = input.amount;
  const slices: LateSlice[] = [];
  for (const s of known) {
    const share = s.amount < remaining ? s.amount : remaining;
    if (share <= 0n) break;
    remaining -= share;
    if (s.kind === "payment" && daysBetween(dueDate, s.on) > 0) slices.push({ amount: share, until: s.on, paid: true, penalty: penaltyOf(share, s.on) });
  }
  const open = remaining;
  const excluded = input.excluded !== undefined && input.excluded > 0n ? (input.excluded < open ? input.excluded : open) : 0n;
  if (open - excluded > 0n && daysBetween(dueDate, asOf) > 0)
    slices.push({ amount: open - excluded, until: asOf, paid: false, penalty: penaltyOf(open - excluded, asOf) });
  const daysLate = slices.reduce((m, s) => Math.max(m, s.penalty.daysLate), 0);
  const longest = slices.reduce<LateSlice | null>((m, s) => (m === null || s.penalty.daysLate > m.penalty.daysLate ? s : m), null);
  const unrounded = slices.reduce((sum, s) => sum + s.penalty.periods.reduce((p, q) => p + q.interest, 0), 0);
  return {
    daysLate,
    open,
    status: daysLate === 0 ? PAID_ON_TIME : open > 0n && daysBetween(dueDate, asOf) > 0 ? STILL_OPEN : PAID_LATE,
    slices,
    periods: (longest?.penalty.periods ?? []).map((p) => ({ from: p.from, ratePercent: p.ratePercent, basis: p.basis })),
    interest: BigInt(Math.round(unrounded)),
    indemnity: daysLate > 0 ? REGIMES[input.regime ?? "commercial"].indemnityMinor : 0n,
  };
}
