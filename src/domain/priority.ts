// Which accounts the committee should look at first.
//
// priority = w_amount x ln(1 + overdue) / ln(1 + largest overdue in the portfolio)
//          + w_age    x min(1, oldest days late / 120)
//          + w_payer  x (100 - payer score) / 100          (unknown payer: 0.5)
//          + w_limit  x (over limit ? min(1, 0.5 + over-limit / limit) : 0)
//          + w_broken x min(1, broken promises / 2)
// with the weights of the policy (default 40, 25, 15, 10, 10: a score out of 100).
import type { Policy } from "./policy.js";
import { formatMinor } from "./money.js";

export interface PriorityInput {
  customerId: number;
  overdue: bigint;
  maxDaysLate: number;
  payerScore: number | null;
  /** The payer's grade and why, in words (describePayer): "payer C: pays 38 days late on average; ...". */
  payerWhy?: string;
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

function parts(a: PriorityInput, logLargest: number, policy: Policy): Part[] {
  const w = policy.priority;
  const out: Part[] = [
    [w.overdueAmount * (logLargest > 0 ? Math.log1p(Number(a.overdue)) / logLargest : 0), () => `${formatMinor(a.overdue)} overdue`],
    [w.age * Math.min(1, a.maxDaysLate / 120), () => `oldest ${a.maxDaysLate} days late`],
    [
      w.payerScore * (a.payerScore === null ? 0.5 : (100 - a.payerScore) / 100),
      () => (a.payerScore === null ? "no payment history" : (a.payerWhy ?? `payer score ${a.payerScore} of 100`)),
    ],
  ];
  if (a.overLimit > 0n) {
    const limit = a.creditLimit ?? 0n;
    const share = limit > 0n ? Number(a.overLimit) / Number(limit) : 1;
    out.push([w.overLimit * Math.min(1, 0.5 + share), () => `${formatMinor(a.overLimit)} over the credit limit`]);
  }
  if (a.brokenPromises > 0) out.push([w.brokenPromises * Math.min(1, a.brokenPromises / 2), () => `${a.brokenPromises} broken promise(s)`]);
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
    c.score = Math.round(parts(c.input, logLargest, policy).reduce((s, [v]) => s + v, 0) * 10) / 10;
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
    reasons: parts(c.input, logLargest, policy)
      .filter(([v]) => v > 0)
      .sort((x, y) => y[0] - x[0])
      .map(([, reason]) => reason()),
  }));
}
