// A committee member approves or rejects a proposed action. The policy decides who may vote and when the
// decision is made; an approved action is applied at once. Vote, decision, application and history are
// written in one transaction, with the action row locked, so two simultaneous clicks cannot both apply it.
import type { Database } from "../db/database.js";
import { appendHistory } from "../db/history.js";
import { checkVoter, describeKind, tallyVotes, type Decision, type VoteOutcome, type Voter } from "../domain/approvals.js";
import { formatMoney } from "../domain/money.js";
import type { Role } from "../domain/parties.js";
import type { ActionKind, Policy } from "../domain/policy.js";
import type { Prisma } from "../generated/prisma/client.js";
import { AppError } from "../errors.js";
import type { Actor } from "./actor.js";
import { enqueueVoteEffects } from "./effects.js";
import { enqueueEvent } from "./events.js";

export interface VoteResult {
  actionId: number;
  /** False when this exact vote was already recorded (a repeated click): nothing new was written. */
  recorded: boolean;
  /** When not recorded: the person's vote already on file, for the private answer "you approved on …". */
  previousVote?: { decision: Decision; at: Date };
  outcome: VoteOutcome;
  status: "PROPOSED" | "APPROVED" | "APPLIED" | "REJECTED";
  applied: string | null;
}

/** The line announced in the digest's thread when a vote decides an action; null while still undecided. */
export function decisionSummary(result: VoteResult): string | null {
  if (!result.recorded || result.status === "PROPOSED" || result.status === "APPROVED") return null;
  const words =
    result.status === "APPLIED"
      ? `applied: ${result.applied} (approved by ${result.outcome.approvers.map((a) => a.name).join(", ")})`
      : `rejected by ${result.outcome.rejecters.map((r) => r.name).join(", ")}`;
  return `Decision on #${result.actionId}: ${words}.`;
}

/**
 * The private answer to a click that repeats a vote on file: "You already approved this on 30/11/2026." (the
 * day in the company's time zone and locale). One sentence for both chat platforms.
 */
export function alreadyVotedText(previous: NonNullable<VoteResult["previousVote"]>, locale: string, timeZone: string): string {
  const on = new Intl.DateTimeFormat(locale, { timeZone, day: "2-digit", month: "2-digit", year: "numeric" }).format(previous.at);
  return `You already ${previous.decision === "APPROVE" ? "approved" : "rejected"} this on ${on}.`;
}

type Tx = Prisma.TransactionClient;

/** How the history entry of an applied decision starts (a view showing it under "applied" drops it). */
export const APPLIED_PREFIX = "Committee decision applied: ";

/** The batch's own words, in one place (the i18n catalogues take them from here). */
export const batchTexts = {
  summary: (counts: { applied: number; rejected: number; awaiting: number; unchanged: number; refused: number; decidedBefore: number }) =>
    [
      counts.applied ? `${counts.applied} applied` : "",
      counts.rejected ? `${counts.rejected} rejected` : "",
      counts.awaiting ? `${counts.awaiting} recorded, awaiting other approvals` : "",
      counts.unchanged ? `${counts.unchanged} already voted the same` : "",
      counts.decidedBefore ? `${counts.decidedBefore} already decided` : "",
      counts.refused ? `${counts.refused} not yours to decide` : "",
    ]
      .filter(Boolean)
      .join(", ") + ".",
  empty: "No proposal in this batch.",
  tooMany: (max: number) => `A batch holds at most ${max} proposals.`,
} as const;

/** The most proposals one batch click decides (a digest message holds fewer). */
export const BATCH_MAX = 50;

export interface BatchVoteResult {
  results: Array<{ actionId: number; result: VoteResult } | { actionId: number; refused: string; code: string }>;
  /** One line for the person who clicked: "4 applied, 2 recorded, awaiting other approvals." */
  summary: string;
}

/**
 * "Approve the 6 delivery blocks above": each proposal goes through recordVote on its own, checked against the
 * policy and recorded in the history one by one, its effects enqueued as for a single click. A proposal this
 * person may not decide, or already decided, is refused on its own line; the others are still recorded.
 */
export async function recordVotes(
  db: Database,
  policy: Policy,
  actor: Actor & { personId: number },
  input: { actionIds: number[]; decision: Decision },
  now = new Date(),
): Promise<BatchVoteResult> {
  const ids = [...new Set(input.actionIds)];
  if (ids.length === 0) throw new AppError("input.invalid", batchTexts.empty);
  if (ids.length > BATCH_MAX) throw new AppError("input.invalid", batchTexts.tooMany(BATCH_MAX));
  const results: BatchVoteResult["results"] = [];
  const counts = { applied: 0, rejected: 0, awaiting: 0, unchanged: 0, refused: 0, decidedBefore: 0 };
  // One after the other: each vote is its own transaction with the action locked (never a burst of them).
  for (const actionId of ids) {
    try {
      const result = await recordVote(db, policy, actor, { actionId, decision: input.decision }, now);
      results.push({ actionId, result });
      if (!result.recorded) counts.unchanged += 1;
      else if (result.status === "APPLIED") counts.applied += 1;
      else if (result.status === "REJECTED") counts.rejected += 1;
      else counts.awaiting += 1;
    } catch (error) {
      if (!(error instanceof AppError) || !["forbidden", "conflict", "not_found"].includes(error.code)) throw error;
      results.push({ actionId, refused: error.message, code: error.code });
      if (error.code === "forbidden") counts.refused += 1;
      else counts.decidedBefore += 1;
    }
  }
  return { results, summary: batchTexts.summary(counts) };
}

export async function recordVote(
  db: Database,
  policy: Policy,
  actor: Actor & { personId: number },
  input: { actionId: number; decision: Decision; comment?: string },
  now = new Date(),
): Promise<VoteResult> {
  return db.prisma.$transaction(async (tx) => {
    // Lock the action: concurrent votes on it wait for each other.
    await tx.$queryRawUnsafe(`SELECT id FROM proposed_action WHERE id = $1 FOR UPDATE`, input.actionId);
    const action = await tx.proposedAction.findUnique({
      where: { id: input.actionId },
      include: { customer: { include: { salesOwner: true } }, votes: { include: { person: true } }, invoices: true },
    });
    if (!action) throw new AppError("not_found", `Proposed action #${input.actionId} does not exist.`);
    if (action.status !== "PROPOSED") {
      throw new AppError(
        "conflict",
        `This action was already ${action.status.toLowerCase()}${action.decidedAt ? ` on ${action.decidedAt.toISOString().slice(0, 10)}` : ""}.`,
      );
    }
    const person = await tx.person.findUnique({ where: { id: actor.personId } });
    if (!person || !person.active) throw new AppError("forbidden", "You are not registered as a committee member.");
    const voter: Voter = { personId: person.id, name: person.name, roles: person.roles as Role[] };
    const decidedBy = { personId: person.id, origin: actor.origin };
    const subject = {
      kind: action.kind as ActionKind,
      proposedById: action.proposedById,
      salesOwnerId: action.customer.salesOwnerId,
      salesOwnerName: action.customer.salesOwner?.name ?? null,
    };
    const check = checkVoter(subject, voter, policy);
    if (!check.allowed) throw new AppError("forbidden", check.reason);

    const previous = action.votes.find((v) => v.personId === person.id);
    const asRole: Role = check.asRole === "SALES_OWNER" ? "SALES" : check.asRole;
    let recorded = false;
    let voteEntryId: bigint | null = null;
    if (!previous || previous.decision !== input.decision || (input.comment && input.comment !== previous.comment)) {
      await tx.vote.upsert({
        where: { actionId_personId: { actionId: action.id, personId: person.id } },
        create: {
          actionId: action.id,
          personId: person.id,
          decision: input.decision,
          asRole,
          comment: input.comment ?? null,
          createdAt: now,
        },
        update: { decision: input.decision, asRole, comment: input.comment ?? null, createdAt: now },
      });
      voteEntryId = await appendHistory(tx, {
        occurredAt: now,
        customerId: action.customerId,
        actorId: person.id,
        origin: actor.origin,
        channel: "CHAT",
        kind: "action.vote",
        text: `${person.name} ${input.decision === "APPROVE" ? "approved" : "rejected"} ${describeKind(subject.kind)}${input.comment ? `: ${input.comment}` : ""}`,
        actionId: action.id,
        invoiceIds: action.invoices.map((i) => i.invoiceId),
        data: { decision: input.decision, asRole: check.asRole },
      });
      recorded = true;
    }

    // The votes as they stand now: those read under the row lock, with this person's replaced by this one.
    const votes = [
      ...action.votes
        .filter((v) => v.personId !== person.id)
        .map((v) => ({ voter: { personId: v.personId, name: v.person.name, roles: v.person.roles as Role[] }, decision: v.decision })),
      { voter, decision: recorded || !previous ? input.decision : previous.decision },
    ];
    const outcome = tallyVotes(subject, votes, policy);
    if (outcome.status === "REJECTED") {
      await tx.proposedAction.update({ where: { id: action.id }, data: { status: "REJECTED", decidedAt: now } });
      await appendHistory(tx, {
        occurredAt: now,
        customerId: action.customerId,
        actorId: person.id,
        origin: actor.origin,
        channel: "SYSTEM",
        kind: "action.rejected",
        text: `Committee rejected ${describeKind(subject.kind)} (rejected by ${outcome.rejecters.map((r) => r.name).join(", ")})`,
        actionId: action.id,
      });
      const result: VoteResult = { actionId: action.id, recorded, outcome, status: "REJECTED", applied: null };
      await effects(result);
      return result;
    }
    if (outcome.status === "APPROVED") {
      await tx.proposedAction.update({ where: { id: action.id }, data: { status: "APPROVED", decidedAt: now } });
      const applied = await applyAction(tx, action, now);
      await tx.proposedAction.update({ where: { id: action.id }, data: { status: "APPLIED", appliedAt: now } });
      await appendHistory(tx, {
        occurredAt: now,
        customerId: action.customerId,
        actorId: person.id,
        origin: actor.origin,
        channel: "SYSTEM",
        kind: "action.applied",
        text: `${APPLIED_PREFIX}${applied} (approved by ${outcome.approvers.map((a) => a.name).join(", ")})`,
        actionId: action.id,
        invoiceIds: action.invoices.map((i) => i.invoiceId),
      });
      await enqueueEvent(tx, { kind: "action.applied", actionId: action.id, at: now });
      const result: VoteResult = { actionId: action.id, recorded, outcome, status: "APPLIED", applied };
      await effects(result);
      return result;
    }
    const result: VoteResult = {
      actionId: action.id,
      recorded,
      outcome,
      status: "PROPOSED",
      applied: null,
      ...(!recorded && previous ? { previousVote: { decision: previous.decision, at: previous.createdAt } } : {}),
    };
    await effects(result);
    return result;

    // The effects of this vote, as jobs committed with it (nothing when the click repeated a recorded vote).
    async function effects(r: VoteResult): Promise<void> {
      if (voteEntryId === null) return;
      await enqueueVoteEffects(tx, {
        actionId: r.actionId,
        actionKind: subject.kind,
        voteEntryId,
        status: r.status === "APPROVED" ? "PROPOSED" : r.status,
        announcement: decisionSummary(r),
        decidedBy,
      });
    }
  });
}

async function applyAction(
  tx: Tx,
  action: {
    id: number;
    kind: string;
    customerId: number;
    reason: string;
    params: Prisma.JsonValue;
    invoices: Array<{ invoiceId: number }>;
  },
  now: Date,
): Promise<string> {
  const params = (action.params ?? {}) as Record<string, string>;
  switch (action.kind as ActionKind) {
    case "BLOCK_DELIVERIES":
      await tx.customer.update({ where: { id: action.customerId }, data: { blocked: true, blockedReason: action.reason, blockedAt: now } });
      return "deliveries blocked";
    case "UNBLOCK_DELIVERIES":
      await tx.customer.update({ where: { id: action.customerId }, data: { blocked: false, blockedReason: null, blockedAt: null } });
      return "deliveries unblocked";
    case "CREDIT_LIMIT_CHANGE": {
      if (!params.newCreditLimit) throw new AppError("conflict", `Action #${action.id} has no new credit limit.`);
      const limit = BigInt(params.newCreditLimit);
      const customer = await tx.customer.update({ where: { id: action.customerId }, data: { creditLimit: limit } });
      // An amount a person reads: with its currency, in the company's locale.
      const company = await tx.companySettings.findUnique({ where: { id: 1 }, select: { locale: true } });
      return `credit limit set to ${formatMoney(limit, customer.currency, company?.locale ?? "fr-FR")}`;
    }
    case "LITIGATION":
      await tx.invoice.updateMany({
        where: { id: { in: action.invoices.map((i) => i.invoiceId) }, openAmount: { gt: 0n } },
        data: { status: "LITIGATION" },
      });
      return `${action.invoices.length} invoice(s) passed to litigation`;
    case "FORMAL_NOTICE":
      return `formal notice to send (deadline ${params.deadlineDays ?? "8"} days)`;
    case "HOLD":
      await tx.customer.update({ where: { id: action.customerId }, data: { onHold: true, onHoldReason: action.reason } });
      return "dunning on hold until the disputes are settled";
  }
}

/** The longest comment kept on a proposed action (characters). */
export const COMMENT_MAX = 2000;

/** The refusal of a comment `length` characters long: the field and its limit. */
export function commentTooLong(length: number): string {
  return `The comment is too long: ${length.toLocaleString("en-GB")} characters, at most ${COMMENT_MAX.toLocaleString("en-GB")}.`;
}

/** A committee member's comment on a proposed action: written to the history (and shown by the adapter). */
export async function commentOnAction(
  db: Database,
  actor: Actor & { personId: number },
  input: { actionId: number; text: string },
  now = new Date(),
): Promise<{ customerName: string; personName: string }> {
  const text = input.text.trim();
  if (!text) throw new AppError("input.invalid", "The comment is empty.");
  if (text.length > COMMENT_MAX) throw new AppError("input.invalid", commentTooLong(text.length));
  return db.prisma.$transaction(async (tx) => {
    const action = await tx.proposedAction.findUnique({ where: { id: input.actionId }, include: { customer: true } });
    if (!action) throw new AppError("not_found", `Proposed action #${input.actionId} does not exist.`);
    const person = await tx.person.findUnique({ where: { id: actor.personId } });
    if (!person?.active) throw new AppError("forbidden", "You are not registered as a committee member.");
    await appendHistory(tx, {
      occurredAt: now,
      customerId: action.customerId,
      actorId: person.id,
      origin: actor.origin,
      channel: "CHAT",
      kind: "action.comment",
      text: `${person.name} on ${describeKind(action.kind as ActionKind)}: ${text}`,
      actionId: action.id,
    });
    return { customerName: action.customer.name, personName: person.name };
  });
}
