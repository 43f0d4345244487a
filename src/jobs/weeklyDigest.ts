// The weekly committee digest: claim the week, prepare the committee (promises, proposals, snapshot), build
// the digest, and post it: a summary message, then in its thread the two charts (aged balance, DSO) and the
// actions awaiting decision, a few per message. Each posted part is recorded, so a restart after a crash posts only what is missing.
import type { Database } from "../db/database.js";
import type { CalendarDate } from "../domain/calendarDate.js";
import type { ActionView, Digest, PendingAction } from "../domain/digest.js";
import type { Policy } from "../domain/policy.js";
import type { Logger } from "../log.js";
import { digestCharts } from "../documents/digestCharts.js";
import { actionViews, buildDigest, pendingActions } from "../services/committeeViews.js";
import { agendaOf } from "../domain/digest.js";
import { prepareCommittee } from "../usecases/committee.js";
import { claimSlot, finishSlot, renewSlot } from "./claims.js";
import { anchorText, createAnchor, recordAnchorPublication } from "../db/historyAnchor.js";
import { t } from "../i18n/index.js";

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
  postActions(actions: PendingAction[], thread: PostedRef, part: number, parts: number): Promise<PostedRef>;
  /** Posts one chart (PNG) in the digest's thread. */
  postChart(chart: DigestChart, thread: PostedRef): Promise<PostedRef>;
  /** Posts a line of the bot's own (no user text) in the digest's thread: the history anchor. */
  postNote(text: string, thread: PostedRef): Promise<PostedRef>;
  /** Posts "12 more, smaller: show" in the thread, its button asking for the proposals left off the agenda. */
  postMore(digest: Digest, thread: PostedRef): Promise<PostedRef>;
}

/** What the person who clicked "show" is told (Slack and Teams), in the company's language. */
export function showMoreText(shown: { status: "posted"; count: number } | { status: "already" | "none" }, locale: string): string {
  return shown.status === "posted" ? t(locale, "usecase.showMore.posted", { count: shown.count }) : t(locale, `usecase.showMore.${shown.status}`);
}

/** The thread part that says how many proposals are left off the agenda, with the button to show them. */
export const MORE_PART = "more";
/** Recorded once the proposals left off the agenda were posted (the button clicked): a second click posts nothing. */
export const MORE_SHOWN_PART = "more-shown";

/**
 * "12 more, smaller: show": posts, in the digest's thread, the undecided proposals left off the agenda (by
 * stakes), as further action parts that votes refresh like the others. Once per digest: a second click (or
 * another person's) is told they are already in the thread.
 */
export async function showMoreActions(
  deps: { db: Database; policy: Policy; publisher: DigestPublisher },
  period: string,
): Promise<{ status: "posted"; count: number } | { status: "already" | "none" }> {
  const { db, policy, publisher } = deps;
  const where = { platform: publisher.platform, job: WEEKLY_DIGEST, slot: period };
  const rows = await db.prisma.postedMessage.findMany({ where });
  const summary = rows.find((r) => r.part === "summary" && r.ts !== NOT_POSTED);
  if (!summary) return { status: "none" };
  if (rows.some((r) => r.part === MORE_SHOWN_PART)) return { status: "already" };
  const shown = new Set(rows.flatMap((r) => r.actionIds));
  const rest = agendaOf(
    (await pendingActions(db, policy)).filter((a) => !shown.has(a.actionId)),
    Number.MAX_SAFE_INTEGER,
  ).shown;
  if (rest.length === 0) return { status: "none" };
  // Claim the click: the unique (platform, job, slot, part) lets one of two simultaneous clicks through.
  const claimed = await db.prisma.postedMessage.createMany({
    data: [{ ...where, part: MORE_SHOWN_PART, channel: summary.channel, ts: NOT_POSTED, actionIds: [] }],
    skipDuplicates: true,
  });
  if (claimed.count === 0) return { status: "already" };
  const chunks = publisher.split(rest);
  const first = rows.filter((r) => r.part.startsWith("actions-")).length + 1;
  const parts = first - 1 + chunks.length;
  for (const [i, chunk] of chunks.entries()) {
    const ref = await publisher.postActions(chunk, { channel: summary.channel, ts: summary.ts }, first + i, parts);
    await db.prisma.postedMessage.create({
      data: { ...where, part: `actions-${first + i}`, channel: ref.channel, ts: ref.ts, actionIds: chunk.map((a) => a.actionId) },
    });
  }
  return { status: "posted", count: rest.length };
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

/** A posted-message row whose part is planned but not posted yet (ts and channel still empty). */
export const NOT_POSTED = "";

/** How long a digest claim stays ours without a heartbeat: a crashed process's digest resumes after this. */
export const DIGEST_LEASE_MS = 60_000;

/**
 * Posts the week's digest, resumably. The actions are split into parts ONCE, when the digest is first prepared,
 * and the plan is stored (one posted_message row per part, empty until posted): a resume after a crash or a
 * failure posts exactly the parts still empty, with the actions they were given, so no action is ever left
 * out of a tracked message and no part is re-cut. The claim on the week has a one-minute lease kept alive by a
 * heartbeat while posting, so another process resumes within about a minute of a crash.
 */
export async function runWeeklyDigest(
  deps: { db: Database; policy: Policy; publisher: DigestPublisher; logger: Logger },
  asOf: CalendarDate,
  now = new Date(),
): Promise<DigestRun> {
  const { db, policy, publisher } = deps;
  const preparation = await prepareCommittee(db, policy, asOf, now);
  const period = preparation.period;
  const slot = `${publisher.platform}:${period}`;
  if (!(await claimSlot(db, WEEKLY_DIGEST, slot, { leaseMs: DIGEST_LEASE_MS }))) {
    return { status: "skipped", period, reason: "another process posted (or is posting) this week's digest" };
  }
  const heartbeat = setInterval(() => void renewSlot(db, WEEKLY_DIGEST, slot).catch(() => undefined), DIGEST_LEASE_MS / 3);
  try {
    return await postDigest(deps, asOf, period);
  } finally {
    clearInterval(heartbeat);
  }
}

async function postDigest(
  deps: { db: Database; policy: Policy; publisher: DigestPublisher; logger: Logger },
  asOf: CalendarDate,
  period: string,
): Promise<DigestRun> {
  const { db, policy, publisher, logger } = deps;
  const log = logger.child({ job: WEEKLY_DIGEST, period, platform: publisher.platform });
  const digest = await buildDigest(db, policy, asOf);
  const where = { platform: publisher.platform, job: WEEKLY_DIGEST, slot: period };

  // The plan, frozen at the first preparation: which actions go in which part.
  if ((await db.prisma.postedMessage.count({ where: { ...where, part: { startsWith: "actions-" } } })) === 0) {
    const chunks = publisher.split(digest.actions);
    await db.prisma.postedMessage.createMany({
      data: chunks.map((chunk, i) => ({
        ...where,
        part: `actions-${i + 1}`,
        channel: NOT_POSTED,
        ts: NOT_POSTED,
        actionIds: chunk.map((a) => a.actionId),
      })),
      skipDuplicates: true,
    });
  }
  const rows = await db.prisma.postedMessage.findMany({ where });
  const posted = new Map(rows.filter((m) => m.ts !== NOT_POSTED).map((m) => [m.part, m]));
  const planned = rows.filter((m) => m.part.startsWith("actions-")).sort((a, b) => Number(a.part.slice(8)) - Number(b.part.slice(8)));
  const record = async (part: string, ref: PostedRef, actionIds: number[]) => {
    await db.prisma.postedMessage.upsert({
      where: { platform_job_slot_part: { ...where, part } },
      create: { ...where, part, channel: ref.channel, ts: ref.ts, actionIds },
      update: { channel: ref.channel, ts: ref.ts },
    });
  };

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
  // Each planned part with the actions it was given; an action decided since the plan is shown as it stands
  // in the digest (pending ones) — those decided meanwhile were announced in the thread already.
  const pending = new Map(digest.actions.map((a) => [a.actionId, a]));
  for (const row of planned) {
    if (posted.has(row.part)) continue;
    const chunk = row.actionIds.map((id) => pending.get(id)).filter((a): a is PendingAction => a !== undefined);
    const ref = await publisher.postActions(chunk, summary, Number(row.part.slice(8)), planned.length);
    await record(row.part, ref, row.actionIds);
  }
  // The proposals left off the agenda, one click away.
  if (digest.moreActions.length > 0 && !posted.has(MORE_PART)) {
    const ref = await publisher.postMore(digest, summary);
    await record(MORE_PART, ref, []);
  }
  // The history anchor, published outside the database (docs/evidence.md): the committee channel keeps the
  // digest of every chain head, so a cut tail or a removed chain shows at the next `ccbot history verify`.
  if (!posted.has("anchor")) {
    const anchor = await createAnchor(db, new Date());
    const ref = await publisher.postNote(anchorText(anchor), summary);
    await record("anchor", ref, []);
    await recordAnchorPublication(db, anchor.id, `${publisher.platform.toLowerCase()}:${ref.channel}`, ref.ts);
  }
  await finishSlot(db, WEEKLY_DIGEST, `${publisher.platform}:${period}`);
  log.info({ actions: digest.actions.length, parts: planned.length + 3 }, "weekly digest posted");
  return { status: "posted", period, parts: planned.length + 3 };
}
