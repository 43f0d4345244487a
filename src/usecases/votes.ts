// A committee member approves or rejects a proposed action. The policy decides who may vote and when the
// decision is made; an approved action is applied at once. Vote, decision, application and history are
// written in one transaction, with the action row locked, so two simultaneous clicks cannot both apply it.
import type { Database } from "../db/database.js";
import { appendHistory } from "../db/history.js";
import { checkVoter, tallyVotes, type Decision, type VoteOutcome, type Voter } from "../domain/approvals.js";
import { formatMoney } from "../domain/money.js";
import type { Role } from "../domain/parties.js";
import type { ActionKind, Policy } from "../domain/policy.js";
import type { Prisma } from "../generated/prisma/client.js";
import { loadLocale } from "../db/settings.js";
import { AppError, errorText } from "../errors.js";
import { CATALOGUES, formatDate, phrase, t } from "../i18n/index.js";
import { calendarDateAt } from "../domain/calendarDate.js";
import type { Actor } from "./actor.js";
import { enqueueVoteEffects } from "./effects.js";
import { enqueueEvent } from "./events.js";
import { companyLocale } from "./locale.js";

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
export function decisionSummary(result: VoteResult, locale: string): string | null {
  if (!result.recorded || result.status === "PROPOSED" || result.status === "APPROVED") return null;
  return result.status === "APPLIED"
    ? t(locale, "usecase.vote.decisionApplied", {
        actionId: result.actionId,
        applied: result.applied ?? "",
        approvers: result.outcome.approvers.map((a) => a.name).join(", "),
      })
    : t(locale, "usecase.vote.decisionRejected", {
        actionId: result.actionId,
        rejecters: result.outcome.rejecters.map((r) => r.name).join(", "),
      });
}

/**
 * The private answer to a click that repeats a vote on file: "You already approved this on 30/11/2026." (the
 * day in the company's time zone and locale). One sentence for both chat platforms.
 */
export function alreadyVotedText(previous: NonNullable<VoteResult["previousVote"]>, locale: string, timeZone: string): string {
  return t(locale, "usecase.vote.alreadyVoted", {
    decision: previous.decision,
    on: formatDate(calendarDateAt(previous.at, timeZone), locale),
  });
}

type Tx = Prisma.TransactionClient;

/**
 * How the history entry of an applied decision starts, in either language (a view showing it under "applied"
 * drops it): the text of the catalogues' message up to its first parameter.
 */
export const APPLIED_PREFIX = new RegExp(
  `^(?:${Object.values(CATALOGUES)
    .map((c) => (c["usecase.vote.historyApplied"].split("{")[0] ?? "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("|")})`,
);

type BatchCounts = { applied: number; rejected: number; awaiting: number; unchanged: number; refused: number; decidedBefore: number };

/** "4 appliquées, 2 enregistrées, en attente d’autres approbations." in the company's language. */
function batchSummary(counts: BatchCounts, locale: string): string {
  const parts = (["applied", "rejected", "awaiting", "unchanged", "decidedBefore", "refused"] as const)
    .filter((k) => counts[k] > 0)
    .map((k) => t(locale, `usecase.vote.batch.${k}`, { count: counts[k] }));
  return t(locale, "usecase.vote.batch.sentence", { parts: parts.join(", ") });
}

/** The most proposals one batch click decides (a digest message holds fewer). */
export const BATCH_MAX = 50;

export interface BatchVoteResult {
  /** `refused`: why, in the company's language ("n° 12 : …" is `refusedLine`). */
  results: Array<{ actionId: number; result: VoteResult } | { actionId: number; refused: string; code: string }>;
  /** One line for the person who clicked: "4 applied, 2 recorded, awaiting other approvals." (company's language) */
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
  if (ids.length === 0) throw new AppError("input.invalid", phrase("usecase.vote.batch.empty"));
  if (ids.length > BATCH_MAX) throw new AppError("input.invalid", phrase("usecase.vote.batch.tooMany", { max: BATCH_MAX }));
  const locale = await db.withConnection(loadLocale);
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
      results.push({ actionId, refused: errorText(error, locale), code: error.code });
      if (error.code === "forbidden") counts.refused += 1;
      else counts.decidedBefore += 1;
    }
  }
  return { results, summary: batchSummary(counts, locale) };
}

/** One refused proposal of a batch, for the person who clicked: "n° 12 : …" / "#12: …". */
export function refusedLine(actionId: number, reason: string, locale: string): string {
  return t(locale, "usecase.vote.batch.refusedLine", { actionId, reason });
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
    if (!action) throw new AppError("not_found", phrase("usecase.vote.notFound", { actionId: input.actionId }));
    const locale = await companyLocale(tx);
    if (action.status !== "PROPOSED") {
      const on = action.decidedAt
        ? t(locale, "usecase.vote.decidedOn", { date: formatDate(calendarDateAt(action.decidedAt, "UTC"), locale) })
        : "";
      throw new AppError("conflict", phrase("usecase.vote.alreadyDecided", { status: action.status, on }));
    }
    const person = await tx.person.findUnique({ where: { id: actor.personId } });
    if (!person || !person.active) throw new AppError("forbidden", phrase("usecase.notMember"));
    const kindWords = t(locale, `cli.kind.${action.kind as ActionKind}`);
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
        text: t(locale, input.decision === "APPROVE" ? "usecase.vote.historyApproved" : "usecase.vote.historyRejected", {
          person: person.name,
          kind: kindWords,
          comment: input.comment ? t(locale, "usecase.vote.historyComment", { comment: input.comment }) : "",
        }),
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
        text: t(locale, "usecase.vote.historyCommitteeRejected", {
          kind: kindWords,
          rejecters: outcome.rejecters.map((r) => r.name).join(", "),
        }),
        actionId: action.id,
      });
      const result: VoteResult = { actionId: action.id, recorded, outcome, status: "REJECTED", applied: null };
      await effects(result);
      return result;
    }
    if (outcome.status === "APPROVED") {
      await tx.proposedAction.update({ where: { id: action.id }, data: { status: "APPROVED", decidedAt: now } });
      const applied = await applyAction(tx, action, now, locale);
      await tx.proposedAction.update({ where: { id: action.id }, data: { status: "APPLIED", appliedAt: now } });
      await appendHistory(tx, {
        occurredAt: now,
        customerId: action.customerId,
        actorId: person.id,
        origin: actor.origin,
        channel: "SYSTEM",
        kind: "action.applied",
        text: t(locale, "usecase.vote.historyApplied", { applied, approvers: outcome.approvers.map((a) => a.name).join(", ") }),
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
        announcement: decisionSummary(r, locale),
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
  locale: string,
): Promise<string> {
  const params = (action.params ?? {}) as Record<string, string>;
  switch (action.kind as ActionKind) {
    case "BLOCK_DELIVERIES":
      await tx.customer.update({ where: { id: action.customerId }, data: { blocked: true, blockedReason: action.reason, blockedAt: now } });
      return t(locale, "usecase.vote.applied.BLOCK_DELIVERIES");
    case "UNBLOCK_DELIVERIES":
      await tx.customer.update({ where: { id: action.customerId }, data: { blocked: false, blockedReason: null, blockedAt: null } });
      return t(locale, "usecase.vote.applied.UNBLOCK_DELIVERIES");
    case "CREDIT_LIMIT_CHANGE": {
      if (!params.newCreditLimit) throw new AppError("conflict", phrase("usecase.vote.noLimit", { actionId: action.id }));
      const limit = BigInt(params.newCreditLimit);
      const customer = await tx.customer.update({ where: { id: action.customerId }, data: { creditLimit: limit } });
      // An amount a person reads: with its currency, in the company's locale.
      return t(locale, "usecase.vote.applied.CREDIT_LIMIT_CHANGE", { amount: formatMoney(limit, customer.currency, locale) });
    }
    case "LITIGATION":
      await tx.invoice.updateMany({
        where: { id: { in: action.invoices.map((i) => i.invoiceId) }, openAmount: { gt: 0n } },
        data: { status: "LITIGATION" },
      });
      return t(locale, "usecase.vote.applied.LITIGATION", { count: action.invoices.length });
    case "FORMAL_NOTICE":
      return t(locale, "usecase.vote.applied.FORMAL_NOTICE", { days: params.deadlineDays ?? "8" });
    case "HOLD":
      await tx.customer.update({ where: { id: action.customerId }, data: { onHold: true, onHoldReason: action.reason } });
      return t(locale, "usecase.vote.applied.HOLD");
  }
}

/** The longest comment kept on a proposed action (characters). */
export const COMMENT_MAX = 2000;

/** The refusal of a comment `length` characters long: the field and its limit. */
export function commentTooLong(length: number, locale: string): string {
  return t(locale, "usecase.vote.commentTooLong", { length, max: COMMENT_MAX });
}

/** A committee member's comment on a proposed action: written to the history (and shown by the adapter). */
export async function commentOnAction(
  db: Database,
  actor: Actor & { personId: number },
  input: { actionId: number; text: string },
  now = new Date(),
): Promise<{ customerName: string; personName: string }> {
  const text = input.text.trim();
  if (!text) throw new AppError("input.invalid", phrase("usecase.vote.commentEmpty"));
  if (text.length > COMMENT_MAX)
    throw new AppError("input.invalid", phrase("usecase.vote.commentTooLong", { length: text.length, max: COMMENT_MAX }));
  return db.prisma.$transaction(async (tx) => {
    const action = await tx.proposedAction.findUnique({ where: { id: input.actionId }, include: { customer: true } });
    if (!action) throw new AppError("not_found", phrase("usecase.vote.notFound", { actionId: input.actionId }));
    const person = await tx.person.findUnique({ where: { id: actor.personId } });
    if (!person?.active) throw new AppError("forbidden", phrase("usecase.notMember"));
    const locale = await companyLocale(tx);
    await appendHistory(tx, {
      occurredAt: now,
      customerId: action.customerId,
      actorId: person.id,
      origin: actor.origin,
      channel: "CHAT",
      kind: "action.comment",
      text: t(locale, "usecase.vote.historyOnAction", {
        person: person.name,
        kind: t(locale, `cli.kind.${action.kind as ActionKind}`),
        text,
      }),
      actionId: action.id,
    });
    return { customerName: action.customer.name, personName: person.name };
  });
}
