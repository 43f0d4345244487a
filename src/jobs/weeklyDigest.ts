// The weekly committee digest: claim the week, prepare the committee (promises, proposals, snapshot), build
// the digest, and post it: a summary message, then in its thread the two charts (aged balance, DSO) and the
// actions awaiting decision, a few per message. Each posted part is recorded, so a restart after a crash posts only what is missing.
import type { Database } from "../db/database.js";
import type { CalendarDate } from "../domain/calendarDate.js";
import type { ActionView, Digest, PendingAction } from "../domain/digest.js";
import type { Policy } from "../domain/policy.js";
import type { Logger } from "../log.js";
import { digestCharts } from "../documents/digestCharts.js";
import { actionViews, buildDigest } from "../services/committeeViews.js";
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
  /** Posts one chart (PNG) in the digest's thread. */
  postChart(chart: DigestChart, thread: PostedRef): Promise<PostedRef>;
}

export interface DigestChart {
  /** File name, e.g. "aging-2026-W47.png". */
  name: string;
  title: string;
  png: Buffer;
}

/** A posted reply of actions, as it stands now: its actions (pending or decided), its number, how many parts. */
export async function digestPartView(
  db: Database,
  policy: Policy,
  message: { platform: "SLACK" | "TEAMS"; job: string; slot: string; part: string; actionIds: number[] },
): Promise<{ views: ActionView[]; part: number; parts: number }> {
  const parts = await db.prisma.postedMessage.count({
    where: { platform: message.platform, job: message.job, slot: message.slot, part: { startsWith: "actions-" } },
  });
  return { views: await actionViews(db, policy, message.actionIds), part: Number(message.part.replace("actions-", "")), parts };
}

/** The digest whose summary is `rootId` in `channel`: its period and every action it showed; null otherwise. */
export async function digestOfThread(
  db: Database,
  platform: "SLACK" | "TEAMS",
  channel: string,
  rootId: string,
): Promise<{ period: string; actionIds: number[] } | null> {
  const summary = await db.prisma.postedMessage.findFirst({
    where: { platform, job: WEEKLY_DIGEST, part: "summary", channel, ts: rootId },
  });
  if (!summary) return null;
  const parts = await db.prisma.postedMessage.findMany({ where: { platform, job: WEEKLY_DIGEST, slot: summary.slot } });
  return { period: summary.slot, actionIds: parts.flatMap((p) => p.actionIds) };
}

/**
 * Greedy split for DigestPublisher.split: each message takes as many actions as `fits` accepts (a lone action
 * always gets its own message, whatever its size).
 */
export function splitWhileFits<T>(items: T[], fits: (candidate: T[]) => boolean): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  for (const item of items) {
    if (current.length > 0 && !fits([...current, item])) {
      chunks.push(current);
      current = [];
    }
    current.push(item);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
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
  // The charts, right under the summary: rendered only if one of them is still to be posted.
  if (!posted.has("chart-aging") || !posted.has("chart-dso")) {
    const charts = await digestCharts(db, policy, digest);
    const french = digest.locale.startsWith("fr");
    for (const [part, png, title] of [
      ["chart-aging", charts.aging, french ? "Balance âgée, cette semaine et la précédente" : "Aged balance, this week and last"],
      ["chart-dso", charts.dso, french ? "DSO sur 12 mois" : "DSO over 12 months"],
    ] as const) {
      if (posted.has(part)) continue;
      const ref = await publisher.postChart({ name: `${part.replace("chart-", "")}-${period}.png`, title, png }, summary);
      await record(part, ref, []);
    }
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
  log.info({ actions: digest.actions.length, parts: chunks.length + 3 }, "weekly digest posted");
  return { status: "posted", period, parts: chunks.length + 3 };
}
