// Everything the Slack app does to Slack after a request, one small named function each (an answer, a
// message update, an announcement, a letter, a direct message, a file, App Home). Listeners decide; these
// send. Whatever a person typed reaches them already escaped (blocks.ts), fallback text included.
import type { RespondFn } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { Database } from "../../db/database.js";
import { loadSettings } from "../../db/settings.js";
import { may } from "../../domain/access.js";
import { calendarDateAt } from "../../domain/calendarDate.js";
import type { Policy } from "../../domain/policy.js";
import type { PostedRef } from "../../jobs/weeklyDigest.js";
import type { ActionView } from "../../domain/digest.js";
import { awaitingVoteOf, collectorTasks } from "../../services/committeeViews.js";
import { actionBlocks, homeView, plainText, type Block } from "./blocks.js";
import { uploadToThread } from "./publisher.js";
import type { SlackPerson } from "./trust.js";

/**
 * An ephemeral answer through response_url; once that URL is spent (5 uses, 30 minutes) or refused, the same
 * answer through chat.postEphemeral, so a late click still gets its explanation.
 */
export async function answerPrivately(
  respond: RespondFn,
  client: WebClient,
  body: unknown,
  message: { text: string; blocks?: Block[]; replace_original?: boolean },
): Promise<void> {
  try {
    await respond({ response_type: "ephemeral", ...message } as never);
  } catch (error) {
    const b = body as {
      channel_id?: string;
      user_id?: string;
      channel?: { id?: string };
      container?: { channel_id?: string };
      user?: { id?: string };
    };
    const channel = b.channel_id ?? b.channel?.id ?? b.container?.channel_id;
    const user = b.user_id ?? b.user?.id;
    if (!channel || !user) throw error;
    await client.chat.postEphemeral({
      channel,
      user,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks as never[] } : {}),
    });
  }
}

/** A direct message to a Slack user (a user id as channel opens the bot's DM). */
export async function sendDirectMessage(client: WebClient, userId: string, message: { text: string; blocks?: Block[] }): Promise<void> {
  await client.chat.postMessage({ channel: userId, text: message.text, ...(message.blocks ? { blocks: message.blocks as never[] } : {}) });
}

/** A plain message in a thread (a decision, a comment), escaped; where it landed. */
export async function announceInThread(client: WebClient, thread: PostedRef, text: string): Promise<PostedRef> {
  const result = await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text: plainText(text) });
  return { channel: result.channel ?? thread.channel, ts: result.ts ?? "" };
}

/** Re-renders a posted part of the digest as it stands now: decided actions lose their buttons. */
export async function updateDigestPart(
  client: WebClient,
  message: PostedRef,
  rendered: { views: ActionView[]; part: number; parts: number; locale: string },
): Promise<void> {
  await client.chat.update({ channel: message.channel, ts: message.ts, ...actionBlocks(rendered.views, rendered.part, rendered.parts, rendered.locale) });
}

/** Replaces a message's blocks (e.g. a task marked done in a collector's list). */
export async function updateMessageBlocks(client: WebClient, channel: string, ts: string, blocks: Block[], text: string): Promise<void> {
  // The message's own blocks, sent back with one block replaced: Slack's types, not ours.
  await client.chat.update({ channel, ts, blocks: blocks as never[], text });
}

/** A letter (PDF) uploaded into the digest's thread, with its summary as comment (escaped); its file id. */
export async function uploadLetter(
  client: WebClient,
  thread: PostedRef,
  letter: { filename: string; title: string; pdf: Buffer; summary: string },
): Promise<string> {
  return uploadToThread(client, thread, {
    filename: letter.filename,
    title: letter.title,
    data: letter.pdf,
    comment: plainText(letter.summary),
  });
}

/** A personal-data file (the evidence file) sent by direct message to who asked; false when no DM opened. */
export async function sendFilePrivately(
  client: WebClient,
  userId: string,
  file: { data: Buffer; filename: string; title: string; comment: string },
): Promise<boolean> {
  const dm = await client.conversations.open({ users: userId });
  const channel = dm.channel?.id;
  if (!channel) return false;
  await client.filesUploadV2({
    channel_id: channel,
    initial_comment: file.comment,
    file_uploads: [{ file: file.data, filename: file.filename, title: file.title }],
  });
  return true;
}

/** Opens a modal (a trigger_id lives 3 seconds). */
export async function openModal(client: WebClient, triggerId: string, view: Record<string, unknown>): Promise<void> {
  await client.views.open({ trigger_id: triggerId, view: view as never });
}

/**
 * (Re)publishes a person's App Home: what awaits their vote (committee members), their tasks for today
 * (collectors); an unregistered person sees only the refusal. `notice` answers what they just did there.
 */
export async function publishHome(
  deps: { db: Database; policy: Policy; now: () => Date },
  client: WebClient,
  userId: string,
  person: SlackPerson | null,
  notice?: string,
): Promise<void> {
  const { db, policy, now } = deps;
  const settings = await db.withConnection(loadSettings);
  const asOf = calendarDateAt(now(), settings.timeZone);
  const committee = person !== null && may(person.roles, "committee");
  const view = homeView({
    personName: person?.name ?? null,
    slackUserId: userId,
    approvals: person && committee ? await awaitingVoteOf(db, policy, person.id) : null,
    tasks: person?.roles.includes("COLLECTOR") ? await collectorTasks(db, policy, asOf, person.id) : null,
    currency: settings.currency,
    locale: settings.locale,
    ...(notice ? { notice } : {}),
  });
  await client.views.publish({ user_id: userId, view: view as never });
}
