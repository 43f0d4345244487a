// The Slack app: Bolt wired to the use cases. Handlers only translate (payload -> use case -> blocks);
// the rules live in src/domain and src/usecases. Every handler acknowledges first (Slack's 3-second rule).
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger, type RespondFn } from "@slack/bolt";
import type { SlackConfig } from "../../config/slack.js";
import type { Database } from "../../db/database.js";
import { loadSettings } from "../../db/settings.js";
import { bucketLabels } from "../../domain/aging.js";
import { calendarDateAt } from "../../domain/calendarDate.js";
import type { Policy } from "../../domain/policy.js";
import { AppError } from "../../errors.js";
import { STALE_ACTION_BUTTON, STALE_TASK_BUTTON } from "../messages.js";
import { Limiter } from "../limiter.js";
import { evidenceFile, evidenceFileName } from "../../documents/evidence.js";
import type { Logger } from "../../log.js";
import { accountView, awaitingVoteOf, collectorTasks } from "../../services/committeeViews.js";
import { findAccount } from "../../usecases/accounts.js";
import {
  DISPUTE_USAGE,
  disputeNoticeText,
  disputeRecordedText,
  disputeSettledText,
  flagDispute,
  parseResolveCommand,
  RESOLVE_USAGE,
  parseDisputeCommand,
  readDisputeForm,
  resolveDispute,
  type FlagDisputeInput,
} from "../../usecases/disputes.js";
import {
  ACTION_IDS,
  actionBlocks,
  customerFileBlocks,
  errorBlocks,
  escape,
  infoBlocks,
  COMMENT_MODAL,
  commentModal,
  DISPUTE_MODAL,
  disputeModal,
  EVIDENCE_BUTTON,
  homeView,
  PROMISE_BUTTON,
  PROMISE_MODAL,
  promiseModal,
  TASK_OUTCOME,
} from "./blocks.js";
import { readPromiseForm, recordPromiseFromCall, recordTaskOutcome } from "../../usecases/contacts.js";
import type { WebClient } from "@slack/web-api";
import { commentOnAction, decisionSummary, recordVote, type VoteResult } from "../../usecases/votes.js";
import { decisionDocuments } from "../../services/decisionDocuments.js";
import { recordDiscussion } from "../../usecases/discussion.js";
import { digestOfThread, digestPartView, type PostedRef } from "../../jobs/weeklyDigest.js";
import { uploadToThread } from "./publisher.js";

export interface SlackDeps {
  config: SlackConfig;
  db: Database;
  policy: Policy;
  logger: Logger;
  now?: () => Date;
  /** Where approved letters are written (default data/documents). */
  documentsDir?: string;
}

function boltLogger(logger: Logger): BoltLogger {
  return {
    debug: (...m: unknown[]) => logger.debug(m.map(String).join(" ")),
    info: (...m: unknown[]) => logger.info(m.map(String).join(" ")),
    warn: (...m: unknown[]) => logger.warn(m.map(String).join(" ")),
    error: (...m: unknown[]) => logger.error(m.map(String).join(" ")),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}

/** What a person sees when something goes wrong: the use case's own words, or a short apology. */
function userMessage(error: unknown, logger: Logger): string {
  if (error instanceof AppError) return error.message;
  logger.error({ err: error }, "unexpected error in a Slack handler");
  return "Something failed on our side; it has been logged. Try again in a minute.";
}

/**
 * An ephemeral answer through response_url; once that URL is spent (5 uses, 30 minutes) or refused, the same
 * answer through chat.postEphemeral, so a late click still gets its explanation.
 */
async function privately(respond: RespondFn, client: WebClient, body: unknown, message: Record<string, unknown>): Promise<void> {
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
    const { text, blocks } = message as { text?: string; blocks?: never[] };
    await client.chat.postEphemeral({ channel, user, text: text ?? "", ...(blocks ? { blocks } : {}) });
  }
}

export function createSlackApp(deps: SlackDeps): { app: App; receiver: HTTPReceiver | null } {
  const { config, db, policy, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const documentsDir = deps.documentsDir ?? "data/documents";
  // The work after each acknowledgement, a few at a time (see Limiter).
  const queue = new Limiter(2);
  const receiver =
    config.SLACK_MODE === "http"
      ? new HTTPReceiver({
          signingSecret: config.SLACK_SIGNING_SECRET as string,
          endpoints: "/slack/events",
          processBeforeResponse: false,
          logger: boltLogger(logger),
        })
      : null;
  const app = new App({
    token: config.SLACK_BOT_TOKEN,
    ...(receiver ? { receiver } : { socketMode: true, appToken: config.SLACK_APP_TOKEN }),
    logger: boltLogger(logger),
    clientOptions: config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {},
  });

  /** The committee member behind a Slack user, or null. */
  async function personOf(userId: string, teamId: string | undefined) {
    const identity = await db.prisma.chatIdentity.findFirst({
      where: { platform: "SLACK", externalId: userId, workspace: { in: [teamId ?? "", ""] } },
      include: { person: true },
    });
    return identity?.person.active ? identity.person : null;
  }

  // A message in the digest's thread is committee discussion: into the history (once per message).
  app.event("message", async ({ event }) => {
    const m = event as {
      subtype?: string;
      thread_ts?: string;
      ts: string;
      channel: string;
      user?: string;
      text?: string;
      team?: string;
      bot_id?: string;
    };
    if (m.subtype || m.bot_id || !m.thread_ts || m.thread_ts === m.ts || !m.user || !m.text?.trim()) return;
    const digest = await digestOfThread(db, "SLACK", m.channel, m.thread_ts);
    if (!digest) return;
    const person = await personOf(m.user, m.team);
    try {
      await recordDiscussion(
        db,
        person ? { personId: person.id, origin: "SLACK" } : { personId: null, label: `slack:${m.user}`, origin: "SLACK" },
        { messageId: `slack:${m.channel}:${m.ts}`, period: digest.period, text: m.text, actionIds: digest.actionIds },
        now(),
      );
    } catch (error) {
      logger.error({ err: error, code: error instanceof AppError ? error.code : "unexpected" }, "committee discussion not recorded");
    }
  });

  /** (Re)publishes a person's App Home: their pending approvals, their tasks for today if they collect. */
  async function publishHome(client: WebClient, userId: string, teamId: string | undefined): Promise<void> {
    const person = await personOf(userId, teamId);
    const settings = await db.withConnection(loadSettings);
    const asOf = calendarDateAt(now(), settings.timeZone);
    const view = homeView({
      personName: person?.name ?? null,
      slackUserId: userId,
      approvals: person ? await awaitingVoteOf(db, policy, person.id) : [],
      tasks: person?.roles.includes("COLLECTOR") ? await collectorTasks(db, policy, asOf, person.id) : null,
      currency: settings.currency,
      locale: settings.locale,
    });
    await client.views.publish({ user_id: userId, view: view as never });
  }

  app.event("app_home_opened", async ({ event, client, body }) => {
    const e = event as { user: string; tab?: string };
    if (e.tab && e.tab !== "home") return;
    try {
      await publishHome(client, e.user, (body as { team_id?: string }).team_id);
    } catch (error) {
      logger.error({ err: error }, "App Home not published");
    }
  });

  app.command("/credit", async ({ command, ack, respond, client, body }) => {
    await ack();
    await queue.run(async () => {
      try {
        const customer = await findAccount(db, command.text);
        const timeZone = (await db.withConnection(loadSettings)).timeZone;
        const { settings, account, file } = await accountView(db, policy, calendarDateAt(now(), timeZone), customer.id);
        const message = customerFileBlocks({
          account,
          file,
          bucketLabels: bucketLabels(policy.agingBuckets),
          currency: settings.currency,
          locale: settings.locale,
        });
        await privately(respond, client, body, { ...message });
      } catch (error) {
        await privately(respond, client, body, { ...errorBlocks(userMessage(error, logger)) });
      }
    });
  });

  app.command("/dispute", async ({ command, ack, respond, client, body }) => {
    await ack();
    try {
      const resolve = parseResolveCommand(command.text);
      if (resolve === "usage") throw new AppError("input.usage", RESOLVE_USAGE);
      if (resolve) {
        const person = await requirePerson(command.user_id, command.team_id);
        await resolveDispute(db, { personId: person.id, origin: "SLACK" }, resolve, now());
        await privately(respond, client, body, { ...infoBlocks(disputeSettledText(resolve.invoiceNumber, resolve.outcome)) });
        return;
      }
      const parsed = parseDisputeCommand(command.text);
      if (!parsed) {
        // Parts missing: the form, prefilled with what was typed. A trigger_id lives 3 seconds.
        const [invoiceNumber = "", ...rest] = command.text.trim().split(/\s+/);
        try {
          await client.views.open({
            trigger_id: command.trigger_id,
            view: disputeModal({ invoiceNumber, reason: rest.join(" "), channel: command.channel_id }) as never,
          });
        } catch (error) {
          if ((error as { data?: { error?: string } }).data?.error !== "expired_trigger_id") throw error;
          throw new AppError("input.usage", `The form took too long to open. ${DISPUTE_USAGE}`);
        }
        return;
      }
      const person = await requirePerson(command.user_id, command.team_id);
      const message = await flagAndTell(client, person, {
        invoiceNumber: parsed.invoiceNumber,
        category: parsed.category,
        reason: parsed.reason,
      });
      await privately(respond, client, body, { ...infoBlocks(message) });
    } catch (error) {
      await privately(respond, client, body, { ...errorBlocks(userMessage(error, logger)) });
    }
  });

  async function requirePerson(userId: string, teamId: string | undefined) {
    const person = await personOf(userId, teamId);
    if (!person)
      throw new AppError(
        "forbidden",
        `You are not registered in the credit committee yet: ask an admin to run ccbot people add --name "..." --roles sales --slack ${userId}.`,
      );
    return person;
  }

  /** Flags the dispute and tells the account's collector by direct message; the confirmation to show. */
  async function flagAndTell(client: WebClient, person: { id: number; name: string }, input: FlagDisputeInput): Promise<string> {
    const dispute = await flagDispute(db, { personId: person.id, origin: "SLACK" }, input, now());
    if (dispute.collectorId !== null) {
      const collector = await db.prisma.chatIdentity.findFirst({ where: { personId: dispute.collectorId, platform: "SLACK" } });
      if (collector) {
        const notice = disputeNoticeText(person.name, dispute, input.reason);
        await client.chat.postMessage({
          channel: collector.externalId,
          text: notice,
          blocks: [{ type: "section", text: { type: "mrkdwn", text: `:pause_button: ${escape(notice)}` } }],
        });
      }
    }
    return disputeRecordedText(dispute, input.category);
  }

  // The dispute form: field problems shown on the field; the use case's refusals (unknown invoice, paid,
  // already disputed) on the invoice field; the confirmation by direct message.
  app.view(DISPUTE_MODAL, async ({ ack, view, body, client }) => {
    const values = view.state.values as Record<string, { value?: { value?: string | null; selected_option?: { value: string } | null } }>;
    const form = readDisputeForm({
      invoice: values.invoice?.value?.value ?? "",
      category: values.category?.value?.selected_option?.value ?? "",
      reason: values.reason?.value?.value ?? "",
      amount: values.amount?.value?.value ?? "",
    });
    if (!form.ok) {
      await ack({ response_action: "errors", errors: form.errors });
      return;
    }
    const user = (body as { user: { id: string; team_id?: string } }).user;
    let message: string;
    try {
      const person = await requirePerson(user.id, user.team_id);
      message = await flagAndTell(client, person, form.dispute);
    } catch (error) {
      await ack({ response_action: "errors", errors: { invoice: userMessage(error, logger) } });
      return;
    }
    await ack();
    await client.chat.postMessage({ channel: user.id, text: message });
  });

  /** Re-renders a thread message of the digest after a vote: decided actions lose their buttons. */
  async function refreshDigestMessage(client: WebClient, channel: string, ts: string): Promise<void> {
    const message = await db.prisma.postedMessage.findFirst({ where: { platform: "SLACK", channel, ts } });
    if (!message || message.actionIds.length === 0) return;
    const { views, part, parts } = await digestPartView(db, policy, { ...message, platform: "SLACK" });
    await client.chat.update({ channel, ts, ...actionBlocks(views, part, parts) });
  }

  /** The letters a decision produces, uploaded into the digest's thread; a failure is said there too. */
  async function attachDocuments(client: WebClient, thread: PostedRef, personId: number, result: VoteResult): Promise<void> {
    try {
      for (const doc of await decisionDocuments(db, policy, { personId, origin: "SLACK" }, result, documentsDir, now())) {
        await uploadToThread(client, thread, { filename: doc.filename, title: doc.title, data: doc.pdf, comment: doc.summary });
      }
    } catch (error) {
      await client.chat.postMessage({
        channel: thread.channel,
        thread_ts: thread.ts,
        text: `The letter for #${result.actionId} could not be produced: ${userMessage(error, logger)}`,
      });
    }
  }

  for (const [actionIdName, decision] of [
    [ACTION_IDS.approve, "APPROVE"],
    [ACTION_IDS.reject, "REJECT"],
  ] as const) {
    app.action(actionIdName, async ({ ack, body, action, respond, client }) => {
      await ack();
      await queue.run(async () => {
        try {
          const actionId = Number((action as { value?: string }).value);
          if (!Number.isInteger(actionId)) throw new AppError("input.invalid", STALE_ACTION_BUTTON);
          const user = (body as { user: { id: string; team_id?: string } }).user;
          const person = await personOf(user.id, user.team_id ?? (body as { team?: { id?: string } }).team?.id);
          if (!person)
            throw new AppError(
              "forbidden",
              `You are not registered in the credit committee: ask an admin to run ccbot people add --slack ${user.id}.`,
            );
          const result = await recordVote(db, policy, { personId: person.id, origin: "SLACK" }, { actionId, decision }, now());
          const container = (
            body as { container?: { type?: string; channel_id?: string; message_ts?: string }; message?: { thread_ts?: string } }
          ).container;
          if (container?.type === "view") await publishHome(client, user.id, user.team_id);
          const threadTs = (body as { message?: { thread_ts?: string } }).message?.thread_ts;
          if (container?.channel_id && container.message_ts) {
            await refreshDigestMessage(client, container.channel_id, container.message_ts);
            const announcement = decisionSummary(result);
            if (announcement && threadTs) {
              await client.chat.postMessage({ channel: container.channel_id, thread_ts: threadTs, text: announcement });
              await attachDocuments(client, { channel: container.channel_id, ts: threadTs }, person.id, result);
            }
          }
        } catch (error) {
          await privately(respond, client, body, { replace_original: false, ...errorBlocks(userMessage(error, logger)) });
        }
      });
    });
  }

  app.action(new RegExp(`^${TASK_OUTCOME}:`), async ({ ack, body, action, respond, client }) => {
    await ack();
    await queue.run(async () => {
      try {
        const user = (body as { user: { id: string; team_id?: string } }).user;
        const person = await personOf(user.id, user.team_id);
        if (!person)
          throw new AppError(
            "forbidden",
            `You are not registered in the credit committee: ask an admin to run ccbot people add --slack ${user.id}.`,
          );
        const value = JSON.parse((action as { value?: string }).value ?? "{}") as { c?: number; l?: string; ch?: string; o?: string };
        if (!value.c || !value.l || !value.o) throw new AppError("input.invalid", STALE_TASK_BUTTON);
        const { label } = await recordTaskOutcome(
          db,
          { personId: person.id, origin: "SLACK" },
          { customerId: value.c, levelId: value.l, channel: value.ch, outcome: value.o },
          now(),
        );
        const message = body as { message?: { ts: string; blocks?: Array<Record<string, unknown>> }; container?: { channel_id?: string } };
        if (message.message?.blocks && message.container?.channel_id) {
          const key = `task-${value.c}:${value.l}`;
          const blocks = message.message.blocks.map((b) =>
            b.block_id === key
              ? {
                  type: "context",
                  block_id: key,
                  elements: [{ type: "mrkdwn", text: `:white_check_mark: ${escape(label)} — recorded` }],
                }
              : b,
          );
          // The message's own blocks, sent back with one block replaced: Slack's types, not ours.
          await client.chat.update({
            channel: message.container.channel_id,
            ts: message.message.ts,
            blocks: blocks as never[],
            text: "Your tasks",
          });
        }
        if (value.o === "dispute") {
          await privately(respond, client, body, {
            replace_original: false,
            ...infoBlocks("Recorded. Now say which invoice and why: /dispute INVOICE reason — dunning on it pauses."),
          });
        }
      } catch (error) {
        await privately(respond, client, body, { replace_original: false, ...errorBlocks(userMessage(error, logger)) });
      }
    });
  });

  // The evidence file of an account, by direct message to the person who asked (it is personal data).
  app.action(EVIDENCE_BUTTON, async ({ ack, body, action, respond, client }) => {
    await ack();
    await queue.run(async () => {
      try {
        const user = (body as { user: { id: string; team_id?: string } }).user;
        await requirePerson(user.id, user.team_id);
        const customerId = Number((action as { value?: string }).value);
        const customer = await db.prisma.customer.findUnique({ where: { id: customerId } });
        if (!customer) throw new AppError("not_found", "This customer is no longer known.");
        const { pdf, entries, intact } = await evidenceFile(db, customer.id, now());
        const dm = await client.conversations.open({ users: user.id });
        const channel = dm.channel?.id;
        if (!channel) throw new AppError("conflict", "Slack did not open a direct message with you.");
        await client.filesUploadV2({
          channel_id: channel,
          initial_comment: `Evidence file of ${customer.name}: statement of account and ${entries} history entries, ${intact ? "seals intact" : "SEALS BROKEN — run ccbot history verify"}.`,
          file_uploads: [
            {
              file: pdf,
              filename: evidenceFileName(customer.externalId),
              title: `Evidence file — ${customer.name}`,
            },
          ],
        });
      } catch (error) {
        await privately(respond, client, body, { ...errorBlocks(userMessage(error, logger)), replace_original: false });
      }
    });
  });

  app.action(ACTION_IDS.comment, async ({ ack, body, action, client, respond }) => {
    await ack();
    const b = body as { trigger_id?: string; container?: { channel_id?: string }; message?: { ts?: string; thread_ts?: string } };
    try {
      const actionId = Number((action as { value?: string }).value);
      if (!Number.isInteger(actionId) || !b.trigger_id) throw new AppError("input.invalid", STALE_ACTION_BUTTON);
      const view = commentModal({
        actionId,
        channel: b.container?.channel_id ?? "",
        threadTs: b.message?.thread_ts ?? b.message?.ts ?? "",
      });
      await client.views.open({ trigger_id: b.trigger_id, view: view as never });
    } catch (error) {
      const expired = (error as { data?: { error?: string } }).data?.error === "expired_trigger_id";
      await privately(respond, client, body, {
        replace_original: false,
        ...errorBlocks(expired ? "The form took too long to open: click Comment again." : userMessage(error, logger)),
      });
    }
  });

  app.view(COMMENT_MODAL, async ({ ack, view, body, client }) => {
    const text = (view.state.values as Record<string, { value?: { value?: string | null } }>).comment?.value?.value?.trim() ?? "";
    if (!text) {
      await ack({ response_action: "errors", errors: { comment: "Write a comment, or cancel." } });
      return;
    }
    await ack();
    const meta = JSON.parse(view.private_metadata || "{}") as { actionId?: number; channel?: string; threadTs?: string };
    const user = (body as { user: { id: string; team_id?: string } }).user;
    try {
      const person = await personOf(user.id, user.team_id);
      if (!person || !meta.actionId) throw new AppError("forbidden", "You are not registered in the credit committee.");
      const done = await commentOnAction(db, { personId: person.id, origin: "SLACK" }, { actionId: meta.actionId, text }, now());
      if (meta.channel && meta.threadTs) {
        await client.chat.postMessage({
          channel: meta.channel,
          thread_ts: meta.threadTs,
          text: `${done.personName} on #${meta.actionId} (${done.customerName}): ${text}`,
        });
      }
    } catch (error) {
      await client.chat.postMessage({ channel: user.id, text: `Your comment was not recorded: ${userMessage(error, logger)}` });
    }
  });

  app.action(PROMISE_BUTTON, async ({ ack, body, action, client, respond }) => {
    await ack();
    const value = JSON.parse((action as { value?: string }).value ?? "{}") as {
      c?: number;
      l?: string;
      ch?: string;
      n?: string;
      d?: string;
    };
    const trigger = (body as { trigger_id?: string }).trigger_id;
    try {
      if (!value.c || !value.l || !trigger) throw new AppError("input.invalid", STALE_TASK_BUTTON);
      await client.views.open({
        trigger_id: trigger,
        view: promiseModal({
          customerId: value.c,
          customerName: value.n ?? "",
          levelId: value.l,
          overdue: value.d ?? "",
          channel: value.ch ?? "PHONE",
        }) as never,
      });
    } catch (error) {
      // A trigger_id lives 3 seconds: when the form cannot open, say how to record the promise instead.
      const expired = (error as { data?: { error?: string } }).data?.error === "expired_trigger_id";
      await privately(respond, client, body, {
        replace_original: false,
        ...errorBlocks(expired ? "The form took too long to open: click the button again." : userMessage(error, logger)),
      });
    }
  });

  app.view(PROMISE_MODAL, async ({ ack, view, body }) => {
    const values = view.state.values as Record<string, { value?: { value?: string | null; selected_date?: string | null } }>;
    const amountText = values.amount?.value?.value ?? "";
    const date = values.date?.value?.selected_date ?? "";
    const note = values.note?.value?.value ?? undefined;
    const settings = await db.withConnection(loadSettings);
    const form = readPromiseForm({ amount: amountText, date }, calendarDateAt(now(), settings.timeZone));
    if (!form.ok) {
      await ack({ response_action: "errors", errors: form.errors });
      return;
    }
    await ack();
    const meta = JSON.parse(view.private_metadata || "{}") as { c?: number; l?: string; ch?: string };
    const user = (body as { user: { id: string; team_id?: string } }).user;
    try {
      const person = await personOf(user.id, user.team_id);
      if (!person || !meta.c || !meta.l) throw new AppError("forbidden", "You are not registered in the credit committee.");
      await recordPromiseFromCall(
        db,
        { personId: person.id, origin: "SLACK" },
        { customerId: meta.c, levelId: meta.l, amount: form.amount, promisedDate: form.date, note },
        now(),
      );
    } catch (error) {
      logger.warn({ code: error instanceof AppError ? error.code : "unexpected" }, "promise form not recorded");
      await app.client.chat.postMessage({
        channel: user.id,
        text: `Your promise-to-pay form was not recorded: ${userMessage(error, logger)}`,
      });
    }
  });

  return { app, receiver };
}
