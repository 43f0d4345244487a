// Payment plans (seed 002: "prendre le temps avant d'accepter un échéancier"; seed 001: "échéancier"): the
// amount owed split into instalments, each with its date and amount, agreed with the customer on a promise or
// a task. Pure: no I/O, the as-of date passed in.
//
// Following a plan: payments received since the plan was agreed settle its instalments in date order (the
// first payments pay the first instalment, the surplus goes to the next). Instalment k is paid once the
// payments reach the plan's amounts 1..k; it is *missed* once its date plus the policy's grace
// (rules.promises.toleranceDays) has passed without that. A missed instalment is escalated once (the next
// reminder step brought forward, or a formal notice proposed after the last reminder), and each instalment
// paid after its date, or missed, bears the flat recovery indemnity of the customer's legal regime (40 EUR,
// D441-5 Code de commerce; L2192-13 / D2192-35 Code de la commande publique for public bodies; the
// per-instalment reading is ours: docs/legal.md).
import { addDays, daysBetween, parseCalendarDate, type CalendarDate } from "./calendarDate.js";
import { regimeRules, type LegalRegime } from "./legal.js";
import { formatMinor, parseAmount } from "./money.js";
import { formatDate, t } from "../i18n/index.js";

export interface Instalment {
  /** 1, 2, 3… in date order. */
  no: number;
  dueDate: CalendarDate;
  amount: bigint;
}

/** At most this many instalments: longer than three years is a restructuring, not a payment plan. */
export const MAX_INSTALMENTS = 36;
/** The last instalment at most this many days after the agreement. */
export const MAX_PLAN_DAYS = 3 * 366;

export type PlanParse = { ok: true; instalments: Instalment[] } | { ok: false; errors: string[] };

/**
 * Reads instalments written "DATE:AMOUNT,DATE:AMOUNT" (the CLI's --instalments, the chat forms' lines), e.g.
 * "2026-12-15:1000.00,2027-01-15:1000.00". Separators: commas, semicolons or new lines. Each error names the
 * instalment by its position and what is wrong with it.
 */
export function parseInstalments(text: string, digits = 2, locale = "en-GB"): PlanParse {
  const parts = text
    .split(/[,;\n]+(?=\s*\d{4}-)/)
    .map((p) => p.trim())
    .filter((p) => p !== "");
  const errors: string[] = [];
  const instalments: Instalment[] = [];
  if (parts.length === 0) return { ok: false, errors: [t(locale, "domain.plan.none")] };
  parts.forEach((part, i) => {
    const at = part.indexOf(":");
    if (at < 0) {
      errors.push(t(locale, "domain.plan.shape", { no: i + 1, part }));
      return;
    }
    const dateText = part.slice(0, at).trim();
    const date = parseCalendarDate(dateText);
    const amount = parseAmount(part.slice(at + 1), digits, locale);
    if (!date) errors.push(t(locale, "domain.plan.notDate", { no: i + 1, text: dateText }));
    if (!amount.ok) errors.push(t(locale, "domain.plan.badAmount", { no: i + 1, reason: amount.reason }));
    if (date && amount.ok) instalments.push({ no: i + 1, dueDate: date, amount: amount.minor });
  });
  return errors.length ? { ok: false, errors } : { ok: true, instalments };
}

/**
 * What is wrong with a plan agreed on `agreedOn`, each problem in words naming the instalment: at least two
 * instalments (one is a promise to pay), amounts above zero, dates strictly after one another, none before
 * the agreement, the last within three years, and (when the plan is for a set amount, e.g. the promise it
 * replaces) instalments adding up to it exactly. Empty when the plan is sound.
 */
export function planProblems(input: {
  agreedOn: CalendarDate;
  instalments: Instalment[];
  total?: bigint | null;
  digits?: number;
  /** The language of the problems (the company's); English by default. */
  locale?: string;
}): string[] {
  const { agreedOn, instalments } = input;
  const locale = input.locale ?? "en-GB";
  const money = (minor: bigint) => formatMinor(minor, input.digits ?? 2);
  const date = (d: CalendarDate) => formatDate(d, locale);
  const problems: string[] = [];
  if (instalments.length < 2) problems.push(t(locale, "domain.plan.tooFew"));
  if (instalments.length > MAX_INSTALMENTS) problems.push(t(locale, "domain.plan.tooMany", { max: MAX_INSTALMENTS, count: instalments.length }));
  instalments.forEach((inst, i) => {
    if (inst.amount <= 0n) problems.push(t(locale, "domain.plan.notPositive", { no: inst.no }));
    if (inst.dueDate < agreedOn) problems.push(t(locale, "domain.plan.beforeAgreement", { no: inst.no, date: date(inst.dueDate), agreedOn: date(agreedOn) }));
    const previous = instalments[i - 1];
    if (previous && inst.dueDate <= previous.dueDate)
      problems.push(
        t(locale, "domain.plan.notAfter", { no: inst.no, date: date(inst.dueDate), previous: previous.no, previousDate: date(previous.dueDate) }),
      );
  });
  const last = instalments.at(-1);
  if (last && daysBetween(agreedOn, last.dueDate) > MAX_PLAN_DAYS) problems.push(t(locale, "domain.plan.tooLong", { no: last.no, date: date(last.dueDate) }));
  const sum = instalments.reduce((s, i) => s + i.amount, 0n);
  if (input.total !== undefined && input.total !== null && sum !== input.total)
    problems.push(t(locale, "domain.plan.sum", { sum: money(sum), total: money(input.total) }));
  return problems;
}

export type InstalmentState =
  /** Its date has not come. */
  | "upcoming"
  /** Its date has come (or is within the grace) and it is not paid yet. */
  | "due"
  | "paid"
  /** Paid, after its date. */
  | "paid late"
  /** Not paid by its date plus the grace. */
  | "missed";

/** The coded state of an instalment paid after its date (--json, the webhooks), the same in every language. */
// i18n-exempt: a coded value (--format json, ccbot plan list's JSON), not a sentence
const PAID_LATE = "paid late" satisfies InstalmentState;

export interface InstalmentStanding extends Instalment {
  state: InstalmentState;
  /** What the payments since the agreement put on this instalment, as of the date. */
  paid: bigint;
  /** The day the payments reached it, when they did. */
  paidOn: CalendarDate | null;
  /** Days after its date: to the payment that settled it, or to the as-of date while unpaid. */
  daysLate: number;
  /** The flat indemnity it bears (paid late or missed), minor units. */
  indemnity: bigint;
}

export interface PlanStanding {
  instalments: InstalmentStanding[];
  total: bigint;
  paid: bigint;
  remaining: bigint;
  /** completed: every instalment paid; broken: the last instalment missed; active otherwise. */
  state: "active" | "completed" | "broken";
  /** The first instalment not paid yet, if any. */
  next: InstalmentStanding | null;
  missed: number;
  paidLate: number;
  indemnity: bigint;
}

/**
 * Where a plan stands as of a date: each instalment paid, paid late, due, upcoming or missed, from the
 * payments received since the agreement (dated on or before asOf; later ones are not known yet).
 */
export function planStanding(input: {
  agreedOn: CalendarDate;
  instalments: Instalment[];
  payments: Array<{ on: CalendarDate; amount: bigint }>;
  asOf: CalendarDate;
  graceDays: number;
  regime: LegalRegime;
}): PlanStanding {
  const { asOf, graceDays } = input;
  const indemnityOf = regimeRules(input.regime).indemnityMinor;
  const payments = input.payments
    .filter((p) => p.on >= input.agreedOn && p.on <= asOf && p.amount > 0n)
    .sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
  let cursor = 0;
  let left = payments[0]?.amount ?? 0n;
  const instalments = input.instalments.map((inst): InstalmentStanding => {
    let paid = 0n;
    let paidOn: CalendarDate | null = null;
    while (paid < inst.amount && cursor < payments.length) {
      const take = left < inst.amount - paid ? left : inst.amount - paid;
      paid += take;
      left -= take;
      if (paid === inst.amount) paidOn = (payments[cursor] as { on: CalendarDate }).on;
      if (left === 0n) {
        cursor += 1;
        left = payments[cursor]?.amount ?? 0n;
      }
    }
    let state: InstalmentState;
    let daysLate: number;
    if (paidOn !== null) {
      daysLate = Math.max(0, daysBetween(inst.dueDate, paidOn));
      state = daysLate > 0 ? PAID_LATE : "paid";
    } else {
      daysLate = Math.max(0, daysBetween(inst.dueDate, asOf));
      state = asOf < inst.dueDate ? "upcoming" : asOf > addDays(inst.dueDate, graceDays) ? "missed" : "due";
    }
    const indemnity = state === PAID_LATE || state === "missed" ? indemnityOf : 0n;
    return { ...inst, state, paid, paidOn, daysLate, indemnity };
  });
  const total = instalments.reduce((s, i) => s + i.amount, 0n);
  const paid = instalments.reduce((s, i) => s + i.paid, 0n);
  const last = instalments.at(-1);
  const state = instalments.every((i) => i.paidOn !== null) ? "completed" : last?.state === "missed" ? "broken" : "active";
  return {
    instalments,
    total,
    paid,
    remaining: total - paid,
    state,
    next: instalments.find((i) => i.paidOn === null) ?? null,
    missed: instalments.filter((i) => i.state === "missed").length,
    paidLate: instalments.filter((i) => i.state === PAID_LATE).length,
    indemnity: instalments.reduce((s, i) => s + i.indemnity, 0n),
  };
}

/** The plan in one line for a person: "3 instalments totalling 3 000,00 €, 1 paid, next 1 000,00 € due 15/01/2027" (amounts formatted by the caller). */
export function describePlan(standing: PlanStanding, money: (minor: bigint) => string, locale = "en-GB"): string {
  const n = standing.instalments.length;
  const paid = standing.instalments.filter((i) => i.paidOn !== null).length;
  const next = standing.next;
  return t(locale, "domain.plan.summary", {
    count: n,
    total: money(standing.total),
    paid,
    missed: standing.missed ? t(locale, "domain.plan.summaryMissed", { count: standing.missed }) : "",
    paidLate: standing.paidLate ? t(locale, "domain.plan.summaryPaidLate", { count: standing.paidLate }) : "",
    next: next ? t(locale, "domain.plan.summaryNext", { amount: money(next.amount - next.paid), date: formatDate(next.dueDate, locale) }) : "",
    indemnity: standing.indemnity > 0n ? t(locale, "domain.plan.summaryIndemnity", { amount: money(standing.indemnity) }) : "",
  });
}
