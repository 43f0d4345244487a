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

export const PENALTY_MARGIN_POINTS = REGIMES.commercial.marginPoints;
export const RECOVERY_INDEMNITY_MINOR = REGIMES.commercial.indemnityMinor; // 40.00 EUR

export class MissingReferenceRateError extends Error {
  override name = "MissingReferenceRateError";
}

function halfYearStart(date: CalendarDate): CalendarDate {
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
    const ratePercent = ecb + rules.marginPoints;
    periods.push({ from: day, to, days, ratePercent, interest: (Number(amount) * ratePercent * days) / (100 * 365) });
    day = addDays(to, 1);
  }
  const interest = BigInt(Math.round(periods.reduce((s, p) => s + p.interest, 0)));
  return { daysLate, periods, interest, indemnity: daysLate > 0 ? rules.indemnityMinor : 0n };
}
