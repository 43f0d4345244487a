// What it takes to lift a delivery block, in words, from the policy: for the people and systems that must
// enforce the block (`ccbot report blocked`).
import type { Policy } from "./policy.js";

const ROLE_WORDS: Record<string, string> = {
  SALES: "sales",
  FINANCE: "finance",
  BACK_OFFICE: "back office",
  COLLECTOR: "a collector",
  ADMIN: "an admin",
  VIEWER: "a viewer",
};

/**
 * "overdue paid (nothing over 15 days late, exposure within the credit limit) or committee decision; unblocking
 * is approved by finance (1 approver)": when the engine proposes unblocking, and who decides it.
 */
export function unblockConditions(policy: Policy): string {
  const days = policy.rules.blockDeliveries.overLimitDaysLate;
  const rule = policy.approvals.UNBLOCK_DELIVERIES;
  const who = [...rule.roles.map((r) => ROLE_WORDS[r] ?? r.toLowerCase()), ...(rule.salesOwner ? ["the sales owner"] : [])].join(" and ");
  return (
    `overdue paid (nothing over ${days} days late, exposure within the credit limit) or committee decision; ` +
    `unblocking is approved by ${who} (${rule.minApprovers} approver${rule.minApprovers === 1 ? "" : "s"})`
  );
}
