// Who may decide a proposed action, and when the decision is made. The rules come from the policy;
// every vote (Slack, Teams, CLI) goes through these functions before anything is recorded.
import type { Role } from "./parties.js";
import type { ActionKind, Policy } from "./policy.js";

export type Decision = "APPROVE" | "REJECT";

export interface Voter {
  personId: number;
  name: string;
  roles: readonly Role[];
}

export interface ActionUnderVote {
  kind: ActionKind;
  /** Who proposed it (null: proposed by the engine). */
  proposedById: number | null;
  /** The account's sales owner. */
  salesOwnerId: number | null;
  salesOwnerName?: string | null;
}

export interface CastVote {
  voter: Voter;
  decision: Decision;
}

export type VoteCheck = { allowed: true; asRole: Role | "SALES_OWNER" } | { allowed: false; reason: string };

const ROLE_WORDS: Record<Role, string> = {
  SALES: "sales",
  FINANCE: "finance",
  BACK_OFFICE: "back office",
  COLLECTOR: "a collector",
  ADMIN: "an admin",
  VIEWER: "a viewer",
};

const KIND_WORDS: Record<ActionKind, string> = {
  BLOCK_DELIVERIES: "blocking deliveries",
  UNBLOCK_DELIVERIES: "unblocking deliveries",
  FORMAL_NOTICE: "a formal notice",
  LITIGATION: "passing to litigation",
  CREDIT_LIMIT_CHANGE: "a credit-limit change",
  HOLD: "putting the account on hold",
};

export function describeKind(kind: ActionKind): string {
  return KIND_WORDS[kind];
}

function requirementText(action: ActionUnderVote, policy: Policy): string {
  const rule = policy.approvals[action.kind];
  const parts = rule.roles.map((r) => ROLE_WORDS[r]);
  if (rule.salesOwner) parts.push("the account's sales owner");
  return parts.join(" and ");
}

/** May this person vote on this action? Voting is open to the roles the rule names and, when the rule asks for it, the sales owner. */
export function checkVoter(action: ActionUnderVote, voter: Voter, policy: Policy): VoteCheck {
  const rule = policy.approvals[action.kind];
  const role = rule.roles.find((r) => voter.roles.includes(r));
  if (role) return { allowed: true, asRole: role };
  if (rule.salesOwner && action.salesOwnerId === voter.personId) return { allowed: true, asRole: "SALES_OWNER" };
  return {
    allowed: false,
    reason: `${describeKind(action.kind)[0]?.toUpperCase()}${describeKind(action.kind).slice(1)} is decided by ${requirementText(action, policy)}; ${voter.name} is not one of them.`,
  };
}

export interface VoteOutcome {
  status: "PENDING" | "APPROVED" | "REJECTED";
  approvers: Voter[];
  rejecters: Voter[];
  /** What is still needed, in words ("finance", "the sales owner (Claire Dumont)", "one more approver"). */
  missing: string[];
}

/**
 * Tallies the votes (the latest vote of each person counts). Any eligible rejection rejects. Approval needs:
 * every role of the rule among the approvers, the sales owner if the rule says so, at least minApprovers
 * people, and at least one approver who neither proposed the action nor owns the account (segregation of
 * duties: the proposer or the owner is never the only one to decide).
 */
export function tallyVotes(action: ActionUnderVote, votes: readonly CastVote[], policy: Policy): VoteOutcome {
  const rule = policy.approvals[action.kind];
  const latest = new Map<number, CastVote>();
  for (const vote of votes) if (checkVoter(action, vote.voter, policy).allowed) latest.set(vote.voter.personId, vote);
  const approvers = [...latest.values()].filter((v) => v.decision === "APPROVE").map((v) => v.voter);
  const rejecters = [...latest.values()].filter((v) => v.decision === "REJECT").map((v) => v.voter);
  if (rejecters.length > 0) return { status: "REJECTED", approvers, rejecters, missing: [] };

  const missing: string[] = [];
  for (const role of rule.roles) {
    if (!approvers.some((a) => a.roles.includes(role))) missing.push(ROLE_WORDS[role]);
  }
  if (rule.salesOwner && action.salesOwnerId !== null && !approvers.some((a) => a.personId === action.salesOwnerId)) {
    missing.push(action.salesOwnerName ? `the sales owner (${action.salesOwnerName})` : "the account's sales owner");
  }
  const interested = new Set([action.proposedById, action.salesOwnerId].filter((id): id is number => id !== null));
  const independent = approvers.some((a) => !interested.has(a.personId));
  if (approvers.length > 0 && !independent && missing.length === 0) {
    missing.push("an approver who neither proposed the action nor owns the account");
  }
  const short = rule.minApprovers - approvers.length;
  if (short > 0 && missing.length < short) {
    const more = short - missing.length;
    missing.push(more === 1 ? "one more approver" : `${more} more approvers`);
  }
  return { status: missing.length === 0 ? "APPROVED" : "PENDING", approvers, rejecters, missing };
}
