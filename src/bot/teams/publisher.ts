// Posts the weekly digest to a Teams channel (the summary, then the actions as replies in its thread) and
// sends collectors their day in their personal chat with the bot, through the stored conversation references.
import type { Database } from "../../db/database.js";
import { loadLocale } from "../../db/settings.js";
import type { Digest, PendingAction, TaskList } from "../../domain/digest.js";
import { AppError } from "../../errors.js";
import type { TaskPublisher } from "../../jobs/dailyTasks.js";
import { splitWhileFits, type DigestChart, type DigestPublisher, type PostedRef } from "../../jobs/weeklyDigest.js";
import { failureOf } from "./delivery.js";
import type { TeamsMessenger } from "./messenger.js";
import { personalConversation, refreshUserIds, tenantVariants } from "./conversations.js";
import {
  actionsCard,
  CARD_BUDGET_BYTES,
  cardBytes,
  digestSummaryCard,
  moreCard,
  NOTICE_ALLOWANCE_BYTES,
  REFRESH_USERS_MAX,
  taskKey,
  taskListCard,
  type CardMessage,
} from "./cards.js";

/** At most this many actions in one card: a committee reads them one by one. */
export const ACTIONS_PER_CARD = 20;

/** As many actions per card as fit the 40 KB budget, counting a full refresh list. */
export function splitTeamsActions(actions: PendingAction[]): PendingAction[][] {
  const worstCaseUsers = Array.from({ length: REFRESH_USERS_MAX }, (_, i) => `29:${"x".repeat(60)}${i}`);
  return splitWhileFits(
    actions,
    (candidate) =>
      candidate.length <= ACTIONS_PER_CARD && cardBytes(actionsCard(candidate, 99, 99, worstCaseUsers).card) <= CARD_BUDGET_BYTES,
  );
}

/**
 * A collector's tasks in parts of as many as fit one card under the budget (with room for an outcome's notice),
 * every task in exactly one part. The split depends only on the list, so a card refreshed after an outcome
 * shows the same tasks it was posted with.
 */
/** mailReady: SMTP is configured, so e-mail steps the policy proposes get Send / Edit then send. */
export interface TaskListOptions {
  mailReady?: boolean;
}

export function splitTaskList(list: TaskList, currency: string, locale: string, options: TaskListOptions = {}): TaskList["tasks"][] {
  if (list.tasks.length === 0) return [[]];
  return splitWhileFits(
    list.tasks,
    (candidate) =>
      cardBytes(taskListCard(list, candidate, { part: 99, parts: 99 }, currency, locale, undefined, undefined, options).card) <=
      CARD_BUDGET_BYTES - NOTICE_ALLOWANCE_BYTES,
  );
}

/** The collector's day as cards, each under the budget. */
export function taskListCards(list: TaskList, currency: string, locale: string, options: TaskListOptions = {}): CardMessage[] {
  const parts = splitTaskList(list, currency, locale, options);
  return parts.map((tasks, i) => taskListCard(list, tasks, { part: i + 1, parts: parts.length }, currency, locale, undefined, undefined, options));
}

/**
 * The card holding the task `doneKey`, as the list stands now, the task marked done and `notice` at its top:
 * the tasks of the customers the clicked card held (`held`), else the part of today's split holding the task.
 */
export function taskListCardWith(
  list: TaskList,
  currency: string,
  locale: string,
  doneKey: string,
  notice: string,
  held?: readonly number[],
  options: TaskListOptions = {},
): CardMessage {
  const parts = splitTaskList(list, currency, locale, options);
  const index = Math.max(
    0,
    parts.findIndex((tasks) => tasks.some((t) => taskKey(t.customerId, t.levelId ?? t.kind) === doneKey)),
  );
  const ids = new Set(held);
  const tasks = held ? list.tasks.filter((t) => ids.has(t.customerId)) : (parts[index] ?? []);
  return taskListCard(list, tasks, { part: index + 1, parts: parts.length }, currency, locale, new Set([doneKey]), notice, options);
}

/**
 * The digest's channel: the configured one, else the channel where the app was last installed in a team of
 * one of `tenants` (the bot's own: a conversation stored from another tenant is never chosen).
 */
export async function digestConversation(db: Database, configured: string | undefined, tenants: readonly string[]): Promise<string> {
  if (configured) return configured;
  const ref = await db.prisma.conversationRef.findFirst({
    where: { platform: "TEAMS", scope: "channel", removedAt: null, tenantId: { in: tenantVariants(tenants) } },
    orderBy: { updatedAt: "desc" },
  });
  if (!ref)
    throw new AppError(
      "config.invalid",
      "No Teams channel to post the digest in: add the app to the committee's team (it then posts in the channel it was added to), or set TEAMS_DIGEST_CONVERSATION.",
    );
  return ref.conversationId;
}

export function teamsDigestPublisher(messenger: TeamsMessenger, db: Database, configured?: string): DigestPublisher {
  return {
    platform: "TEAMS",
    split: splitTeamsActions,
    async postSummary(digest: Digest): Promise<PostedRef> {
      const channel = await digestConversation(db, configured, messenger.tenants);
      return { channel, ts: await messenger.post(channel, digestSummaryCard(digest)) };
    },
    async postActions(actions: PendingAction[], thread: PostedRef, part: number, parts: number): Promise<PostedRef> {
      const sent = await messenger.reply(thread.channel, thread.ts, actionsCard(actions, part, parts, await refreshUserIds(db)));
      return { channel: sent.conversationId, ts: sent.id };
    },
    async postChart(chart: DigestChart, thread: PostedRef): Promise<PostedRef> {
      // Bots cannot put files in a channel without SharePoint; an inline image (base64) is what Teams shows.
      const locale = await db.withConnection(loadLocale);
      const sent = await messenger.replyWithImage(thread.channel, thread.ts, chart.title, chart.name, chart.png, locale);
      return { channel: sent.conversationId, ts: sent.id };
    },
    async postNote(text: string, thread: PostedRef): Promise<PostedRef> {
      const sent = await messenger.reply(thread.channel, thread.ts, text);
      return { channel: sent.conversationId, ts: sent.id };
    },
    async postMore(digest: Digest, thread: PostedRef): Promise<PostedRef> {
      const sent = await messenger.reply(thread.channel, thread.ts, moreCard(digest));
      return { channel: sent.conversationId, ts: sent.id };
    },
  };
}

/**
 * Sends each collector their day in their personal chat with the bot, in as many cards as it takes (the first
 * one's reference is returned); null when they have not installed it.
 */
export function teamsTaskPublisher(messenger: TeamsMessenger, db: Database, currency: string, locale: string, options: TaskListOptions = {}): TaskPublisher {
  return {
    platform: "TEAMS",
    async send(aadObjectId: string, list: TaskList): Promise<PostedRef | null> {
      const ref = await personalConversation(db, aadObjectId, messenger.tenants);
      if (!ref) return null;
      try {
        const ids: string[] = [];
        for (const message of taskListCards(list, currency, locale, options)) ids.push(await messenger.post(ref.conversationId, message));
        return { channel: ref.conversationId, ts: ids[0] ?? "" };
      } catch (error) {
        // 403: the user blocked or uninstalled the bot; 404: the conversation is gone. Reported, not retried.
        const { status } = failureOf(error);
        if (status === 403 || status === 404) {
          await db.prisma.conversationRef.update({ where: { id: ref.id }, data: { removedAt: new Date() } });
          return null;
        }
        throw error;
      }
    },
  };
}
