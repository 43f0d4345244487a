// Which accounts the committee should look at first.
//
// priority = w_amount x ln(1 + overdue) / ln(1 + largest overdue in the portfolio)
//          + w_age    x min(1, oldest days late / 120)
//          + w_payer  x (100 - payer score) / 100          (unknown payer: 0.5)
//          + w_limit  x (over limit ? min(1, 0.5 + over-limit / limit) : 0)
//          + w_broken x min(1, broken promises / 2)
// with the weights of the policy (default 40, 25, 15, 10, 10: a score out of 100).
import type { CalendarDate } from "./calendarDate.js";
import type { ActionKind, Policy } from "./policy.js";
import { formatDate, t } from "../i18n/index.js";
import { formatMinor } from "./money.js";

export interface PriorityInput {
  customerId: number;
  overdue: bigint;
  maxDaysLate: number;
  payerScore: number | null;
  /**
   * The payer's grade and why, in words (describePayer): "payer C: pays 38 days late on average; ...". A function
   * is called only for the accounts whose reasons are written (the first `limit`), not for the whole portfolio.
   */
  payerWhy?: string | (() => string);
  overLimit: bigint;
  creditLimit: bigint | null;
  brokenPromises: number;
}

export interface Ranked<T> {
  account: T;
  rank: number;
  score: number;
  /** The main reasons, largest contribution first. */
  reasons: string[];
}

type Part = [contribution: number, reason: () => string];

function parts(a: PriorityInput, logLargest: number, policy: Policy, money: (minor: bigint) => string, locale: string): Part[] {
  const w = policy.priority;
  const out: Part[] = [
    [w.overdueAmount * (logLargest > 0 ? Math.log1p(Number(a.overdue)) / logLargest : 0), () => t(locale, "priority.overdue", { amount: money(a.overdue) })],
    [w.age * Math.min(1, a.maxDaysLate / 120), () => t(locale, "priority.oldest", { days: a.maxDaysLate })],
    [
      w.payerScore * (a.payerScore === null ? 0.5 : (100 - a.payerScore) / 100),
      () =>
        a.payerScore === null
          ? t(locale, "payer.noHistory")
          : ((typeof a.payerWhy === "function" ? a.payerWhy() : a.payerWhy) ?? t(locale, "priority.payerScore", { score: a.payerScore })),
    ],
  ];
  if (a.overLimit > 0n) {
    const limit = a.creditLimit ?? 0n;
    const share = limit > 0n ? Number(a.overLimit) / Number(limit) : 1;
    out.push([w.overLimit * Math.min(1, 0.5 + share), () => t(locale, "priority.overLimit", { amount: money(a.overLimit) })]);
  }
  if (a.brokenPromises > 0) out.push([w.brokenPromises * Math.min(1, a.brokenPromises / 2), () => t(locale, "priority.brokenPromises", { count: a.brokenPromises })]);
  return out;
}

/**
 * Ranks the accounts that have something overdue, over their limit or broken promises. Reasons are written
 * for the first `limit` accounts only (a portfolio may hold tens of thousands).
 */
export function rankAccounts<T>(
  accounts: readonly T[],
  input: (account: T) => PriorityInput,
  policy: Policy,
  limit = Infinity,
  money: (minor: bigint) => string = (m) => formatMinor(m),
  locale = "en-GB",
): Array<Ranked<T>> {
  let largest = 0n;
  const candidates: Array<{ account: T; input: PriorityInput; score: number }> = [];
  for (const account of accounts) {
    const i = input(account);
    if (i.overdue > largest) largest = i.overdue;
    if (i.overdue > 0n || i.overLimit > 0n || i.brokenPromises > 0) candidates.push({ account, input: i, score: 0 });
  }
  const logLargest = Math.log1p(Number(largest));
  for (const c of candidates) {
    c.score = Math.round(parts(c.input, logLargest, policy, money, locale).reduce((s, [v]) => s + v, 0) * 10) / 10;
  }
  candidates.sort(
    (a, b) =>
      b.score - a.score ||
      (b.input.overdue > a.input.overdue ? 1 : b.input.overdue < a.input.overdue ? -1 : 0) ||
      a.input.customerId - b.input.customerId,
  );
  return candidates.slice(0, limit).map((c, index) => ({
    account: c.account,
    rank: index + 1,
    score: c.score,
    reasons: parts(c.input, logLargest, policy, money, locale)
      .filter(([v]) => v > 0)
      .sort((x, y) => y[0] - x[0])
      .map(([, reason]) => reason()),
  }));
}

// ---------------------------------------------------------------------------------------------------------
// The committee's agenda: what a proposal puts at stake (docs/kpis.md, "Stakes of a proposal").
//
// stakes = amount at risk x likelihood of loss, where
//   likelihood = min(0.95, age rate x payer factor + 0.05 x broken promises (at most 3) + 0.05 if a dispute is open)
//   age rate   = 2% not yet 31 days late, 5% 31-60, 10% 61-90, 25% 91-180, 50% 181-365, 80% beyond
//   payer factor = grade A 0.5, B 0.75, C 1, D 1.5, no payment history 1
// ---------------------------------------------------------------------------------------------------------

export type PayerGrade = "A" | "B" | "C" | "D" | null;

export interface LossInput {
  maxDaysLate: number;
  grade: PayerGrade;
  brokenPromises: number;
  openDisputes: number;
}

/** Provision-like rates by the age of the oldest overdue item (days late, rate). */
export const AGE_RATES: ReadonlyArray<readonly [number, number]> = [
  [30, 0.02],
  [60, 0.05],
  [90, 0.1],
  [180, 0.25],
  [365, 0.5],
];
const BEYOND_RATE = 0.8;
const PAYER_FACTORS: Record<NonNullable<PayerGrade>, number> = { A: 0.5, B: 0.75, C: 1, D: 1.5 };

/** How likely the amount at risk is lost, between 0 and 0.95, from its age, the payer's grade, broken promises and disputes. */
export function lossLikelihood(input: LossInput): number {
  const age = AGE_RATES.find(([days]) => input.maxDaysLate <= days)?.[1] ?? BEYOND_RATE;
  const payer = input.grade === null ? 1 : PAYER_FACTORS[input.grade];
  const promises = 0.05 * Math.min(3, Math.max(0, input.brokenPromises));
  const disputes = input.openDisputes > 0 ? 0.05 : 0;
  return Math.min(0.95, Math.round((age * payer + promises + disputes) * 1000) / 1000);
}

/** The figures of an account a proposal is judged on. */
export interface ProposalFigures {
  overdue: bigint;
  disputedLate: bigint;
  exposure: bigint;
}

/**
 * The amount a proposal is about: what is overdue for an escalation (block, formal notice, litigation), the
 * disputed late amount for a hold, the exposure for a credit-limit change or for lifting a block.
 */
export function amountAtRisk(kind: ActionKind, f: ProposalFigures): bigint {
  const positive = (v: bigint) => (v > 0n ? v : 0n);
  switch (kind) {
    case "HOLD":
      return positive(f.disputedLate);
    case "CREDIT_LIMIT_CHANGE":
    case "UNBLOCK_DELIVERIES":
      return positive(f.exposure);
    default:
      return positive(f.overdue);
  }
}

/** Stakes in minor units: amount at risk x likelihood of loss, rounded to the unit. */
export function stakesOf(atRisk: bigint, likelihood: number): bigint {
  return BigInt(Math.round(Number(atRisk) * likelihood));
}

export interface MaterialityRule {
  minimumAtRisk: number;
  minimumDaysLate: number;
}

/**
 * Is a proposal worth the committee's time? Lifting a block always is (a customer kept blocked costs sales);
 * a credit-limit change is judged on its amount alone; everything else needs both the amount and the age.
 */
export function isMaterial(kind: ActionKind, atRisk: bigint, maxDaysLate: number, rule: MaterialityRule): boolean {
  if (kind === "UNBLOCK_DELIVERIES") return true;
  if (atRisk < BigInt(rule.minimumAtRisk)) return false;
  return kind === "CREDIT_LIMIT_CHANGE" || maxDaysLate >= rule.minimumDaysLate;
}

export interface RejectedBefore {
  decidedOn: string;
  /** Days since the rejection. */
  daysSince: number;
  atRisk: bigint;
}

/**
 * May a proposal rejected before come back? After the policy's cool-down, or when the amount at risk has grown
 * by at least worsenPercent. Returns why it is back (words for the digest), or null to keep it off the agenda.
 */
export function comesBack(
  rejected: RejectedBefore,
  atRisk: bigint,
  rule: { worsenPercent: number; coolDownDays: number },
  money: (minor: bigint) => string,
  locale = "en-GB",
): string | null {
  const date = formatDate(rejected.decidedOn as CalendarDate, locale);
  if (rejected.atRisk > 0n && atRisk * 100n >= rejected.atRisk * BigInt(100 + rule.worsenPercent)) {
    const growth = Math.round((Number(atRisk - rejected.atRisk) / Number(rejected.atRisk)) * 100);
    return t(locale, "priority.backWorse", { date, from: money(rejected.atRisk), to: money(atRisk), growth });
  }
  if (rejected.atRisk === 0n && atRisk > 0n) return t(locale, "priority.backAtRisk", { date, amount: money(atRisk) });
  if (rejected.daysSince >= rule.coolDownDays)
    return t(locale, "priority.backCoolDown", { date, days: rejected.daysSince, coolDown: rule.coolDownDays });
  return null;
}

/** "likely loss 25% (oldest 95 days late, payer C, 1 broken promise)": the likelihood in a credit manager's words. */
export function describeLikelihood(likelihood: number, input: LossInput, locale = "en-GB"): string {
  const why = [
    t(locale, "priority.oldest", { days: input.maxDaysLate }),
    input.grade === null ? t(locale, "payer.noHistory") : t(locale, "domain.payerGrade", { grade: input.grade }),
    ...(input.brokenPromises > 0 ? [t(locale, "priority.brokenPromises", { count: input.brokenPromises })] : []),
    ...(input.openDisputes > 0 ? [t(locale, "payer.openDisputes", { count: input.openDisputes })] : []),
  ];
  return t(locale, "domain.likelihood", { percent: Math.round(likelihood * 100), why: why.join(", ") });
}
