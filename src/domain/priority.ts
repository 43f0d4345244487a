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
  overLimit: bigint;
  creditLimit: bigint | null;
  brokenPromises: number;
}

export interface Ranked<T extends PriorityInput> {
  account: T;
  rank: number;
  score: number;
  /** The main reasons, largest contribution first. */
  reasons: string[];
}

export function rankAccounts<T extends PriorityInput>(accounts: readonly T[], policy: Policy): Array<Ranked<T>> {
  const w = policy.priority;
  const largest = accounts.reduce((m, a) => (a.overdue > m ? a.overdue : m), 0n);
  const logLargest = Math.log1p(Number(largest));
  const scored = accounts
    .filter((a) => a.overdue > 0n || a.overLimit > 0n || a.brokenPromises > 0)
    .map((account) => {
      const parts: Array<[number, string]> = [];
      const amount = logLargest > 0 ? Math.log1p(Number(account.overdue)) / logLargest : 0;
      parts.push([w.overdueAmount * amount, `${formatMinor(account.overdue)} overdue`]);
      parts.push([w.age * Math.min(1, account.maxDaysLate / 120), `oldest ${account.maxDaysLate} days late`]);
      const payer = account.payerScore === null ? 0.5 : (100 - account.payerScore) / 100;
      parts.push([w.payerScore * payer, account.payerScore === null ? "no payment history" : `payer score ${account.payerScore}`]);
      if (account.overLimit > 0n) {
        const limit = account.creditLimit ?? 0n;
        const share = limit > 0n ? Number(account.overLimit) / Number(limit) : 1;
        parts.push([w.overLimit * Math.min(1, 0.5 + share), `${formatMinor(account.overLimit)} over the credit limit`]);
      }
      if (account.brokenPromises > 0) {
        parts.push([w.brokenPromises * Math.min(1, account.brokenPromises / 2), `${account.brokenPromises} broken promise(s)`]);
      }
      const score = Math.round(parts.reduce((s, [v]) => s + v, 0) * 10) / 10;
      const reasons = parts
        .filter(([v]) => v > 0)
        .sort((a, b) => b[0] - a[0])
        .map(([, text]) => text);
      return { account, score, reasons };
    })
    .sort((a, b) => b.score - a.score || Number(b.account.overdue - a.account.overdue) || a.account.customerId - b.account.customerId);
  return scored.map((s, i) => ({ ...s, rank: i + 1 }));
}
