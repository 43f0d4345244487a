// Posts the weekly digest to a Slack channel: the summary, then the actions in its thread.
import type { WebClient } from "@slack/web-api";
import { batchesOf, type Digest, type PendingAction, type TaskList } from "../../domain/digest.js";
import type { TaskPublisher } from "../../jobs/dailyTasks.js";
import { splitWhileFits, type DigestChart, type DigestPublisher, type PostedRef } from "../../jobs/weeklyDigest.js";
import { actionBlocks, digestSummaryBlocks, moreBlocks, taskListBlocks, type Block } from "./blocks.js";

/** Slack refuses messages whose blocks add up to more than about 13k characters, or more than 50 blocks. */
export const MESSAGE_BUDGET = { characters: 11_000, blocks: 50 } as const;

/** As many actions per message as fit Slack's limits (each action is a section and its buttons). */
export function splitActions(actions: PendingAction[]): PendingAction[][] {
  return splitWhileFits(actions, (candidate) => {
    const { blocks } = actionBlocks(candidate, 99, 99);
    return (
      blocks.length === 1 + 2 * candidate.length + (batchesOf(candidate).length > 0 ? 1 : 0) &&
      blocks.length <= MESSAGE_BUDGET.blocks &&
      JSON.stringify(blocks).length <= MESSAGE_BUDGET.characters
    );
  });
}

export function slackDigestPublisher(client: WebClient, channel: string): DigestPublisher {
  return {
    platform: "SLACK",
    split: splitActions,
    async postSummary(digest: Digest): Promise<PostedRef> {
      const result = await client.chat.postMessage({ channel, ...digestSummaryBlocks(digest) });
      return { channel: result.channel ?? channel, ts: result.ts as string };
    },
    async postActions(actions: PendingAction[], thread: PostedRef, part: number, parts: number): Promise<PostedRef> {
      const result = await client.chat.postMessage({
        channel: thread.channel,
        thread_ts: thread.ts,
        ...actionBlocks(actions, part, parts),
      });
      return { channel: result.channel ?? thread.channel, ts: result.ts as string };
    },
    async postChart(chart: DigestChart, thread: PostedRef): Promise<PostedRef> {
      return {
        channel: thread.channel,
        ts: await uploadToThread(client, thread, { filename: chart.name, title: chart.title, data: chart.png }),
      };
    },
    async postNote(text: string, thread: PostedRef): Promise<PostedRef> {
      const result = await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text, unfurl_links: false });
      return { channel: result.channel ?? thread.channel, ts: result.ts as string };
    },
    async postMore(digest: Digest, thread: PostedRef): Promise<PostedRef> {
      const result = await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, ...moreBlocks(digest) });
      return { channel: result.channel ?? thread.channel, ts: result.ts as string };
    },
  };
}

/** Uploads a file into a thread (files.getUploadURLExternal, the upload, files.completeUploadExternal); its file id. */
export async function uploadToThread(
  client: WebClient,
  thread: PostedRef,
  file: { filename: string; title: string; data: Buffer; comment?: string },
): Promise<string> {
  const result = (await client.filesUploadV2({
    channel_id: thread.channel,
    thread_ts: thread.ts,
    ...(file.comment ? { initial_comment: file.comment } : {}),
    file_uploads: [{ file: file.data, filename: file.filename, title: file.title }],
  })) as { files?: Array<{ files?: Array<{ id?: string }> }> };
  return result.files?.[0]?.files?.[0]?.id ?? "";
}

/** Slack's answers to a direct message that mean the person cannot be reached there. */
const UNREACHABLE_USER = new Set(["channel_not_found", "user_not_found", "user_disabled", "cannot_dm_bot", "is_archived"]);

/** A collector's tasks in parts of as many as fit one message under Slack's limits, every task in exactly one. */
export function splitTaskList(list: TaskList, currency: string, locale: string, options: TaskListOptions = {}): TaskList["tasks"][] {
  if (list.tasks.length === 0) return [[]];
  return splitWhileFits(list.tasks, (candidate) => {
    const { blocks } = taskListBlocks(list, candidate, { part: 99, parts: 99 }, currency, locale, undefined, options);
    return blocks.length <= MESSAGE_BUDGET.blocks && JSON.stringify(blocks).length <= MESSAGE_BUDGET.characters;
  });
}

/** The collector's day as messages, each within Slack's limits. */
export function taskListMessages(list: TaskList, currency: string, locale: string, options: TaskListOptions = {}): Array<{ text: string; blocks: Block[] }> {
  const parts = splitTaskList(list, currency, locale, options);
  return parts.map((tasks, i) => taskListBlocks(list, tasks, { part: i + 1, parts: parts.length }, currency, locale, undefined, options));
}

/** mailReady: SMTP is configured, so e-mail steps the policy proposes get Send / Edit then send. */
export interface TaskListOptions {
  mailReady?: boolean;
}

/**
 * Sends each collector their day by direct message (a user id as channel opens the bot's DM), in as many
 * messages as it takes; the first one's reference is returned.
 */
export function slackTaskPublisher(client: WebClient, currency: string, locale: string, options: TaskListOptions = {}): TaskPublisher {
  return {
    platform: "SLACK",
    async send(userId: string, list: TaskList): Promise<PostedRef | null> {
      try {
        let first: PostedRef | null = null;
        for (const message of taskListMessages(list, currency, locale, options)) {
          const result = await client.chat.postMessage({ channel: userId, ...message });
          first ??= { channel: result.channel ?? userId, ts: result.ts as string };
        }
        return first;
      } catch (error) {
        // An unknown or deactivated user: reported by the job, not retried. Anything else (a message Slack
        // refuses, an outage) is an error of ours or Slack's, not an unreachable collector.
        if (UNREACHABLE_USER.has((error as { data?: { error?: string } }).data?.error ?? "")) return null;
        throw error;
      }
    },
  };
}
