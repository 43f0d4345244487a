// What it takes to lift a delivery block, in words, from the policy: for the people and systems that must
// enforce the block (`ccbot report blocked`: its table in the company's language, its CSV and JSON for an ERP in
// stable English).
import { phrase, say, type Phrase } from "../i18n/index.js";
import type { Policy } from "./policy.js";

/**
 * "overdue paid (nothing over 15 days late, exposure within the credit limit) or committee decision; unblocking
 * is approved by finance (1 approver)": when the engine proposes unblocking, and who decides it, in the
 * language of `locale`.
 */
export function unblockConditions(policy: Policy, locale = "en-GB"): string {
  const rule = policy.approvals.UNBLOCK_DELIVERIES;
  const who: Phrase[] = [...rule.roles.map((r) => phrase(`domain.role.${r}`)), ...(rule.salesOwner ? [phrase("domain.unblock.salesOwner")] : [])];
  return say(
    locale,
    phrase("domain.unblock.conditions", { days: policy.rules.blockDeliveries.overLimitDaysLate, who, approvers: rule.minApprovers }),
  );
}
