// The weekly committee digest: claim the week, prepare the committee (promises, proposals, snapshot), build
// the digest, and post it: a summary message, then the actions awaiting decision in its thread, a few per
// message. Each posted part is recorded, so a restart after a crash posts only what is missing.
import type { Database } from "../db/database.js";
import type { CalendarDate } from "../domain/calendarDate.js";
import type { Digest, PendingAction } from "../domain/digest.js";
import type { Policy } from "../domain/policy.js";
import type { Logger } from "../log.js";
import { buildDigest } from "../services/committeeViews.js";
import { prepareCommittee } from "../usecases/committee.js";
import { claimSlot, finishSlot } from "./claims.js";

export const WEEKLY_DIGEST = "weekly-digest";

export interface PostedRef {
  channel: string;
  ts: string;
}

/** A chat platform able to post the digest (Slack: Block Kit; Teams: Adaptive Cards). */
export interface DigestPublisher {
  platform: "SLACK" | "TEAMS";
  /** Splits the actions into thread messages that fit the platform's size limits. */
  split(actions: PendingAction[]): PendingAction[][];
  postSummary(digest: Digest): Promise<PostedRef>;
  postActions(digest: Digest, actions: PendingAction[], thread: PostedRef, part: number, parts: number): Promise<PostedRef>;
}

export type DigestRun = { status: "posted"; period: string; parts: number } | { status: "skipped"; period: string; reason: string };

export async function runWeeklyDigest(
  deps: { db: Database; policy: Policy; publisher: DigestPublisher; logger: Logger },
  asOf: CalendarDate,
  now = new Date(),
): Promise<DigestRun> {
  const { db, policy, publisher, logger } = deps;
  const preparation = await prepareCommittee(db, policy, asOf, now);
  const period = preparation.period;
  if (!(await claimSlot(db, WEEKLY_DIGEST, `${publisher.platform}:${period}`))) {
    return { status: "skipped", period, reason: "another process posted (or is posting) this week's digest" };
  }
  const log = logger.child({ job: WEEKLY_DIGEST, period, platform: publisher.platform });
  const digest = await buildDigest(db, policy, asOf);
  const posted = new Map(
    (await db.prisma.postedMessage.findMany({ where: { platform: publisher.platform, job: WEEKLY_DIGEST, slot: period } })).map((m) => [
      m.part,
      m,
    ]),
  );
  const record = (part: string, ref: PostedRef, actionIds: number[]) =>
    db.prisma.postedMessage.create({
      data: { platform: publisher.platform, job: WEEKLY_DIGEST, slot: period, part, channel: ref.channel, ts: ref.ts, actionIds },
    });

  let summary: PostedRef | undefined = posted.get("summary");
  if (!summary) {
    summary = await publisher.postSummary(digest);
    await record("summary", summary, []);
  }
  const chunks = publisher.split(digest.actions);
  for (const [i, chunk] of chunks.entries()) {
    const part = `actions-${i + 1}`;
    if (posted.has(part)) continue;
    const ref = await publisher.postActions(digest, chunk, summary, i + 1, chunks.length);
    await record(
      part,
      ref,
      chunk.map((a) => a.actionId),
    );
  }
  await finishSlot(db, WEEKLY_DIGEST, `${publisher.platform}:${period}`);
  log.info({ actions: digest.actions.length, parts: chunks.length + 1 }, "weekly digest posted");
  return { status: "posted", period, parts: chunks.length + 1 };
}
