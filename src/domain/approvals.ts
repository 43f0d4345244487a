// Who may decide a proposed action, and when the decision is made. The rules come from the policy;
// every vote (Slack, Teams, CLI) goes through these functions before anything is recorded.
import { phrase, t, type Phrase } from "../i18n/index.js";
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

export type VoteCheck = { allowed: true; asRole: Role | "SALES_OWNER" } | { allowed: false; reason: Phrase };

/** "blocking deliveries" / "le blocage des livraisons": a kind of action inside a sentence, in the language of `locale`. */
export function describeKind(kind: ActionKind, locale = "en-GB"): string {
  return t(locale, `domain.kind.${kind}`);
}

/** Who decides an action of this kind: the rule's roles and, when it asks for one, the account's sales owner. */
function deciders(action: ActionUnderVote, policy: Policy): Phrase[] {
  const rule = policy.approvals[action.kind];
  const parts = rule.roles.map((r) => phrase(`domain.role.${r}`));
  if (rule.salesOwner) parts.push(phrase("domain.vote.salesOwner"));
  return parts;
}

/** May this person vote on this action? Voting is open to the roles the rule names and, when the rule asks for it, the sales owner. */
export function checkVoter(action: ActionUnderVote, voter: Voter, policy: Policy): VoteCheck {
  const rule = policy.approvals[action.kind];
  const role = rule.roles.find((r) => voter.roles.includes(r));
  if (role) return { allowed: true, asRole: role };
  if (rule.salesOwner && action.salesOwnerId === voter.personId) return { allowed: true, asRole: "SALES_OWNER" };
  return {
    allowed: false,
    reason: phrase("domain.vote.refused", { kind: phrase(`domain.vote.kind.${action.kind}`), who: deciders(action, policy), name: voter.name }),
  };
}

export interface VoteOutcome {
  status: "PENDING" | "APPROVED" | "REJECTED";
  approvers: Voter[];
  rejecters: Voter[];
  /** What is still needed, said in the company's language ("finance", "the sales owner (Claire Dumont)", "one more approver"). */
  missing: Phrase[];
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

  const missing: Phrase[] = [];
  for (const role of rule.roles) {
    if (!approvers.some((a) => a.roles.includes(role))) missing.push(phrase(`domain.role.${role}`));
  }
  if (rule.salesOwner && action.salesOwnerId !== null && !approvers.some((a) => a.personId === action.salesOwnerId)) {
    missing.push(action.salesOwnerName ? phrase("domain.vote.salesOwnerNamed", { name: action.salesOwnerName }) : phrase("domain.vote.salesOwner"));
  }
  const interested = new Set([action.proposedById, action.salesOwnerId].filter((id): id is number => id !== null));
  const independent = approvers.some((a) => !interested.has(a.personId));
  if (approvers.length > 0 && !independent && missing.length === 0) {
    missing.push(phrase("domain.vote.independent"));
  }
  const short = rule.minApprovers - approvers.length;
  if (short > 0 && missing.length < short) {
    const more = short - missing.length;
    missing.push(phrase("domain.vote.moreApprovers", { count: more }));
  }
  return { status: missing.length === 0 ? "APPROVED" : "PENDING", approvers, rejecters, missing };
}
