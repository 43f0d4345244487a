// The effects of a committee decision, written as jobs in the decision's own transaction (src/jobs/queue.ts):
// whichever door the vote came through (the digest's thread, App Home, a Teams card, an older client's
// Action.Submit, a replay), the same jobs follow, exactly once each thanks to their keys.
import type { Prisma } from "../generated/prisma/client.js";
import { enqueue, type JobRequest } from "../jobs/queue.js";

type Tx = Prisma.TransactionClient;

export type ChatPlatformName = "SLACK" | "TEAMS";

/** Job kinds. Platform kinds are prefixed by the platform in lower case: "slack.refresh-action". */
export const JOB_KINDS = {
  /** Issue the formal notice letter an approved action asks for (platform-independent). */
  formalNoticeLetter: "letter.formal-notice",
  /** Re-render every posted message showing the action (the vote is visible to everyone). */
  refreshAction: (p: ChatPlatformName) => `${p.toLowerCase()}.refresh-action`,
  /** Say in the digest's thread that the action was decided. */
  announceDecision: (p: ChatPlatformName) => `${p.toLowerCase()}.announce-decision`,
  /** Post the issued letter (PDF) in the digest's thread. */
  postLetter: (p: ChatPlatformName) => `${p.toLowerCase()}.post-letter`,
} as const;

/** The platforms whose posted digest messages show this action. */
export async function platformsShowing(tx: Tx, actionId: number): Promise<ChatPlatformName[]> {
  const rows = await tx.$queryRawUnsafe<Array<{ platform: ChatPlatformName }>>(
    `SELECT DISTINCT platform::text AS platform FROM posted_message WHERE $1 = ANY("actionIds")`,
    actionId,
  );
  return rows.map((r) => r.platform);
}

/**
 * Jobs for a recorded vote: refresh the action's messages on every platform showing it; when the vote decided
 * the action, the announcement in the thread and, for an approved formal notice, the letter.
 */
export async function enqueueVoteEffects(
  tx: Tx,
  input: {
    actionId: number;
    actionKind: string;
    /** The history entry of the vote: one refresh per recorded vote. */
    voteEntryId: bigint;
    status: "PROPOSED" | "APPLIED" | "REJECTED";
    /** The decision's line for the thread, when decided. */
    announcement: string | null;
    /** Who cast the deciding vote, and through which door: the letter is issued in their name. */
    decidedBy: { personId: number; origin: string };
  },
): Promise<void> {
  const platforms = await platformsShowing(tx, input.actionId);
  const jobs: JobRequest[] = [];
  for (const p of platforms) {
    jobs.push({
      kind: JOB_KINDS.refreshAction(p),
      key: `${JOB_KINDS.refreshAction(p)}:${input.actionId}:${input.voteEntryId}`,
      payload: { actionId: input.actionId },
    });
    if (input.status !== "PROPOSED" && input.announcement) {
      jobs.push({
        kind: JOB_KINDS.announceDecision(p),
        key: `${JOB_KINDS.announceDecision(p)}:${input.actionId}`,
        payload: { actionId: input.actionId, text: input.announcement },
      });
    }
  }
  if (input.status === "APPLIED" && input.actionKind === "FORMAL_NOTICE") {
    jobs.push({ kind: JOB_KINDS.formalNoticeLetter, key: `${JOB_KINDS.formalNoticeLetter}:${input.actionId}`, payload: { actionId: input.actionId, ...input.decidedBy } });
  }
  await enqueue(tx, jobs);
}

/** After the letter is issued: post it in the digest's thread on every platform showing the action. */
export async function enqueueLetterPosts(tx: Tx, actionId: number): Promise<void> {
  const platforms = await platformsShowing(tx, actionId);
  await enqueue(
    tx,
    platforms.map((p) => ({ kind: JOB_KINDS.postLetter(p), key: `${JOB_KINDS.postLetter(p)}:${actionId}`, payload: { actionId } })),
  );
}
