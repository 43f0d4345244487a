// The Teams app: the Teams SDK's App wired to the use cases. Handlers only translate (activity -> use case ->
// card); the rules live in src/domain and src/usecases, the cards in cards.ts. Universal Actions answer with
// the refreshed card, so the person who clicked sees the result at once; everyone else's copy is updated too.
import { App, toThreadedConversationId } from "@microsoft/teams.apps";
import type { ILogger } from "@microsoft/teams.common";
import type { TeamsConfig } from "../../config/teams.js";
import type { Database } from "../../db/database.js";
import { loadSettings } from "../../db/settings.js";
import { bucketLabels } from "../../domain/aging.js";
import { calendarDateAt } from "../../domain/calendarDate.js";
import type { Policy } from "../../domain/policy.js";
import { AppError } from "../../errors.js";
import { STALE_ACTION_BUTTON, STALE_TASK_BUTTON, UNKNOWN_BUTTON } from "../messages.js";
import type { Logger } from "../../log.js";
import { accountView, collectorTasks } from "../../services/committeeViews.js";
import { findAccount } from "../../usecases/accounts.js";
import { readPromiseForm, recordPromiseFromCall, recordTaskOutcome } from "../../usecases/contacts.js";
import {
  DISPUTE_USAGE,
  disputeNoticeText,
  disputeRecordedText,
  disputeSettledText,
  flagDispute,
  parseDisputeCommand,
  parseResolveCommand,
  readDisputeForm,
  resolveDispute,
  RESOLVE_USAGE,
} from "../../usecases/disputes.js";
import { commentOnAction, decisionSummary, recordVote, type VoteResult } from "../../usecases/votes.js";
import { decisionDocuments } from "../../services/decisionDocuments.js";
import { recordDiscussion } from "../../usecases/discussion.js";
import { digestOfThread, digestPartView } from "../../jobs/weeklyDigest.js";
import {
  CARD_CONTENT_TYPE,
  actionsCard,
  customerFileCard,
  disputeFormCard,
  errorCard,
  fileConsentAttachment,
  fileInfoAttachment,
  infoCard,
  letterCard,
  taskKey,
  taskListCard,
  VERBS,
  type AdaptiveCard,
  type CardMessage,
} from "./cards.js";
import { personalConversation, refreshUserIds } from "./conversations.js";
import { Delivery } from "./delivery.js";
import { evidenceFile, evidenceFileName } from "../../documents/evidence.js";

export interface TeamsDeps {
  config: TeamsConfig;
  db: Database;
  policy: Policy;
  logger: Logger;
  now?: () => Date;
  /** Where approved letters are written (default data/documents). */
  documentsDir?: string;
  /** Tests only: a token factory instead of Entra ID, and (never in production) no inbound token check. */
  testing?: { token: () => string; dangerouslyAllowUnauthenticatedRequests: boolean; delivery?: Delivery };
}

/** A minimal view of the inbound activity: what the handlers read. */
interface Inbound {
  type: string;
  name?: string;
  id?: string;
  text?: string;
  replyToId?: string;
  serviceUrl?: string;
  value?: unknown;
  from: { id: string; aadObjectId?: string; name?: string };
  conversation: { id: string; conversationType?: string; tenantId?: string };
  channelData?: { tenant?: { id?: string }; team?: { id?: string; name?: string }; eventType?: string };
  action?: string;
  recipient?: { id: string };
  entities?: Array<{ type: string; mentioned?: { id: string } }>;
}

/** The conversation id of a channel message's thread; chats have no threads: the conversation itself. */
function threadOf(conversationId: string, rootId: string): string {
  return /^\d+$/.test(rootId) && rootId !== "0" ? toThreadedConversationId(conversationId, rootId) : conversationId;
}

/** A message carrying other attachments than one Adaptive Card (file consent, file info). */
interface FileMessage {
  text: string;
  attachments: Array<Record<string, unknown>>;
}

/** Sends, replies and updates through the SDK, paced and retried by Delivery. */
export class TeamsMessenger {
  constructor(
    private readonly app: App,
    readonly delivery: Delivery,
  ) {}

  private activity(message: CardMessage | FileMessage | string): Record<string, unknown> {
    if (typeof message === "string") return { type: "message", text: message };
    if ("attachments" in message) return { type: "message", summary: message.text, attachments: message.attachments };
    return { type: "message", summary: message.text, attachments: [{ contentType: CARD_CONTENT_TYPE, content: message.card }] };
  }

  async post(conversationId: string, message: CardMessage | FileMessage | string): Promise<string> {
    const sent = await this.delivery.run(conversationId, () => this.app.send(conversationId, this.activity(message) as never));
    return sent.id;
  }

  /** Posts in the thread of a channel message (in chats, where there are no threads, in the conversation). */
  async reply(conversationId: string, rootId: string, message: CardMessage | string): Promise<{ conversationId: string; id: string }> {
    const threaded = threadOf(conversationId, rootId);
    return { conversationId: threaded, id: await this.post(threaded, message) };
  }

  /** An image (PNG) with a caption, inline: what Teams displays in channels and chats alike. */
  async replyWithImage(
    conversationId: string,
    rootId: string,
    caption: string,
    name: string,
    png: Buffer,
  ): Promise<{ conversationId: string; id: string }> {
    const threaded = threadOf(conversationId, rootId);
    const activity = {
      type: "message",
      text: caption,
      attachments: [{ contentType: "image/png", contentUrl: `data:image/png;base64,${png.toString("base64")}`, name }],
    };
    const sent = await this.delivery.run(threaded, () => this.app.send(threaded, activity as never));
    return { conversationId: threaded, id: sent.id };
  }

  async update(conversationId: string, activityId: string, message: CardMessage): Promise<void> {
    await this.delivery.run(conversationId, () => this.app.send(conversationId, { ...this.activity(message), id: activityId } as never));
  }
}

function sdkLogger(logger: Logger): ILogger {
  const write =
    (level: "debug" | "info" | "warn" | "error") =>
    (...msg: unknown[]) =>
      logger[level](
        { source: "teams-sdk" },
        msg.map((m) => (m instanceof Error ? m.message : typeof m === "string" ? m : "[object]")).join(" "),
      );
  const self: ILogger = {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    trace: write("debug"),
    log: (level, ...msg) => write(level === "error" || level === "warn" || level === "info" ? level : "debug")(...msg),
    child: () => self,
  };
  return self;
}

/** What a person sees when something goes wrong: the use case's own words, or a short apology. */
function userMessage(error: unknown, logger: Logger): string {
  if (error instanceof AppError) return error.message;
  logger.error({ err: error }, "unexpected error in a Teams handler");
  return "Something failed on our side; it has been logged. Try again in a minute.";
}

/** An Action.Execute answer: the card that replaces the clicked one, or a message shown to the clicker only. */
const cardResponse = (card: AdaptiveCard) => ({ statusCode: 200, type: CARD_CONTENT_TYPE, value: card });
const messageResponse = (text: string) => ({ statusCode: 200, type: "application/vnd.microsoft.activity.message", value: text });

export const TEAMS_HELP = [
  "**credit ACME** — the customer file (name, customer id or invoice number)",
  "**dispute INVOICE [price|quantity|quality|delivery|billing|other] reason** — flag a dispute; dunning on the invoice pauses",
  "**dispute** — the same, with a form",
  "**dispute resolve INVOICE how it was settled** — finance or back office",
].join("\n\n");

export function createTeamsApp(deps: TeamsDeps): { app: App; messenger: TeamsMessenger } {
  const { config, db, policy, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const documentsDir = deps.documentsDir ?? "data/documents";
  const app = new App({
    clientId: config.TEAMS_APP_ID,
    ...(deps.testing
      ? { token: deps.testing.token, dangerouslyAllowUnauthenticatedRequests: deps.testing.dangerouslyAllowUnauthenticatedRequests }
      : { clientSecret: config.TEAMS_APP_PASSWORD, tenantId: config.TEAMS_TENANT_ID, dangerouslyAllowUnauthenticatedRequests: false }),
    ...(config.TEAMS_SERVICE_URL ? { serviceUrl: config.TEAMS_SERVICE_URL } : {}),
    logger: sdkLogger(logger),
    activity: { mentions: { stripText: true } },
  });
  const messenger = new TeamsMessenger(app, deps.testing?.delivery ?? new Delivery({ logger }));
  const knownConversations = new Set<string>();
  const knownUsers = new Set<string>();

  const tenantOf = (a: Inbound) => a.conversation.tenantId ?? a.channelData?.tenant?.id ?? "";

  /** Keeps where the bot can speak again (conversation references) and learns each person's Teams user id. */
  async function remember(a: Inbound): Promise<void> {
    const conversationId = a.conversation.id.split(";")[0] ?? a.conversation.id;
    const removed = a.type === "installationUpdate" && a.action?.startsWith("remove");
    if (removed) {
      knownConversations.delete(conversationId);
      await db.prisma.conversationRef.updateMany({ where: { platform: "TEAMS", conversationId }, data: { removedAt: now() } });
      return;
    }
    const scope = a.conversation.conversationType ?? "personal";
    // Installs always write (a re-install clears removedAt); other activities only the first time seen.
    if ((a.type === "installationUpdate" || !knownConversations.has(conversationId)) && a.serviceUrl) {
      const fields = {
        scope,
        serviceUrl: a.serviceUrl,
        tenantId: tenantOf(a),
        userAadId: scope === "personal" ? (a.from.aadObjectId ?? null) : null,
        userId: scope === "personal" ? a.from.id : null,
        teamId: a.channelData?.team?.id ?? null,
        teamName: a.channelData?.team?.name ?? null,
      };
      await db.prisma.conversationRef.upsert({
        where: { platform_conversationId: { platform: "TEAMS", conversationId } },
        create: { platform: "TEAMS", conversationId, ...fields, installedAt: now(), updatedAt: now() },
        update: { ...fields, updatedAt: now(), removedAt: null },
      });
      knownConversations.add(conversationId);
    }
    if (a.from.aadObjectId && !knownUsers.has(a.from.aadObjectId)) {
      const { count } = await db.prisma.chatIdentity.updateMany({
        where: { platform: "TEAMS", externalId: a.from.aadObjectId },
        data: { botUserId: a.from.id },
      });
      // Someone not (yet) mapped to a person is looked at again next time: an admin may add them meanwhile.
      if (count > 0) knownUsers.add(a.from.aadObjectId);
    }
  }

  /** The committee member behind a Teams user (their AAD object id), or null. */
  async function personOf(a: Inbound) {
    if (!a.from.aadObjectId) return null;
    const identity = await db.prisma.chatIdentity.findFirst({
      where: { platform: "TEAMS", externalId: a.from.aadObjectId, workspace: { in: [tenantOf(a), ""] } },
      include: { person: true },
    });
    return identity?.person.active ? identity.person : null;
  }

  async function requirePerson(a: Inbound) {
    const person = await personOf(a);
    if (!person)
      throw new AppError(
        "forbidden",
        `You are not registered in the credit committee yet: ask an admin to run ccbot people add --name "..." --roles ... --teams ${a.from.aadObjectId ?? "<your AAD object id>"}.`,
      );
    return person;
  }

  async function today() {
    const settings = await db.withConnection(loadSettings);
    return { settings, asOf: calendarDateAt(now(), settings.timeZone) };
  }

  /** The current card of a digest reply, found by the message it is on. */
  async function digestPart(
    conversationId: string,
    activityId: string | undefined,
  ): Promise<{ channel: string; ts: string; card: CardMessage } | null> {
    if (!activityId) return null;
    const base = conversationId.split(";")[0] ?? conversationId;
    const message = (await db.prisma.postedMessage.findMany({ where: { platform: "TEAMS", ts: activityId } })).find(
      (m) => m.channel.split(";")[0] === base && m.actionIds.length > 0,
    );
    if (!message) return null;
    const { views, part, parts } = await digestPartView(db, policy, { ...message, platform: "TEAMS" });
    const card = actionsCard(views, part, parts, await refreshUserIds(db));
    return { channel: message.channel, ts: message.ts, card };
  }

  async function customerFile(query: string): Promise<CardMessage> {
    const customer = await findAccount(db, query);
    const { asOf } = await today();
    const { settings, account, file } = await accountView(db, policy, asOf, customer.id);
    return customerFileCard({
      account,
      file,
      bucketLabels: bucketLabels(policy.agingBuckets),
      currency: settings.currency,
      locale: settings.locale,
    });
  }

  /** Flags a dispute and tells the account's collector in their personal chat with the bot. */
  async function disputeFlagged(a: Inbound, input: Parameters<typeof flagDispute>[2]): Promise<string> {
    const person = await requirePerson(a);
    const dispute = await flagDispute(db, { personId: person.id, origin: "TEAMS" }, input, now());
    const collector =
      dispute.collectorId === null
        ? null
        : await db.prisma.chatIdentity.findFirst({ where: { personId: dispute.collectorId, platform: "TEAMS" } });
    const ref = collector ? await personalConversation(db, collector.externalId) : null;
    if (ref) await messenger.post(ref.conversationId, `⏸️ ${disputeNoticeText(person.name, dispute, input.reason)}`);
    return disputeRecordedText(dispute, input.category);
  }

  /** The collector's list as it stands now, with what was just recorded said at the top. */
  /**
   * The letters a decision produces. Bots cannot drop files into a channel (that needs SharePoint through
   * Graph), so the thread gets the letter itself in a card with its fingerprint; the PDF is in DOCUMENTS_DIR
   * and in the evidence file.
   */
  async function postDocuments(conversationId: string, personId: number, result: VoteResult): Promise<void> {
    try {
      for (const doc of await decisionDocuments(db, policy, { personId, origin: "TEAMS" }, result, documentsDir, now()))
        await messenger.post(conversationId, letterCard(doc));
    } catch (error) {
      await messenger.post(conversationId, `The letter for #${result.actionId} could not be produced: ${userMessage(error, logger)}`);
    }
  }

  async function taskCard(personId: number, doneKey: string, notice: string): Promise<AdaptiveCard> {
    const { settings, asOf } = await today();
    const list = await collectorTasks(db, policy, asOf, personId);
    return taskListCard(list, settings.currency, settings.locale, new Set([doneKey]), notice).card;
  }

  async function customerName(customerId: number): Promise<string> {
    return (await db.prisma.customer.findUnique({ where: { id: customerId }, select: { name: true } }))?.name ?? `#${customerId}`;
  }

  /** Universal Actions (and their Action.Submit fallback, which arrives as a message with a value). */
  async function onCardAction(a: Inbound, verb: string, data: Record<string, unknown>) {
    try {
      switch (verb) {
        case VERBS.approve:
        case VERBS.reject:
        case VERBS.comment: {
          const person = await requirePerson(a);
          const actionId = Number(data.actionId);
          if (!Number.isInteger(actionId)) throw new AppError("input.invalid", STALE_ACTION_BUTTON);
          const actor = { personId: person.id, origin: "TEAMS" as const };
          let announcement: string | null;
          let decided: VoteResult | null = null;
          if (verb === VERBS.comment) {
            const text = String(data[`comment_${actionId}`] ?? "").trim();
            if (!text) return messageResponse("Write a comment first.");
            const done = await commentOnAction(db, actor, { actionId, text }, now());
            announcement = `${done.personName} on #${actionId} (${done.customerName}): ${text}`;
          } else {
            const result = await recordVote(
              db,
              policy,
              actor,
              { actionId, decision: verb === VERBS.approve ? "APPROVE" : "REJECT" },
              now(),
            );
            announcement = decisionSummary(result);
            if (announcement) decided = result;
          }
          const part = await digestPart(a.conversation.id, a.replyToId);
          if (!part) return messageResponse(announcement ?? "Vote recorded.");
          // Everyone's copy shows the vote; the clicker gets the same card in the answer.
          await messenger.update(part.channel, part.ts, part.card);
          if (announcement) await messenger.post(part.channel, announcement);
          if (decided) await postDocuments(part.channel, person.id, decided);
          return cardResponse(part.card.card);
        }
        case VERBS.refresh: {
          const part = await digestPart(a.conversation.id, a.replyToId);
          return part ? cardResponse(part.card.card) : messageResponse("This digest is no longer tracked.");
        }
        case VERBS.outcome: {
          const person = await requirePerson(a);
          const customerId = Number(data.c);
          const level = String(data.l ?? "");
          if (!Number.isInteger(customerId) || !level) throw new AppError("input.invalid", STALE_TASK_BUTTON);
          const { label } = await recordTaskOutcome(
            db,
            { personId: person.id, origin: "TEAMS" },
            { customerId, levelId: level, channel: String(data.ch ?? "PHONE"), outcome: String(data.o ?? "") },
            now(),
          );
          const hint = data.o === "dispute" ? " Now say which invoice and why: dispute INVOICE reason — dunning on it pauses." : "";
          return cardResponse(
            await taskCard(person.id, taskKey(customerId, level), `${await customerName(customerId)}: ${label} — recorded.${hint}`),
          );
        }
        case VERBS.promise: {
          const person = await requirePerson(a);
          const customerId = Number(data.c);
          const level = String(data.l ?? "");
          if (!Number.isInteger(customerId) || !level) throw new AppError("input.invalid", STALE_TASK_BUTTON);
          const { asOf } = await today();
          const field = (name: string) => String(data[`${name}_${String(data.f)}`] ?? "");
          const form = readPromiseForm({ amount: field("amount"), date: field("date") }, asOf);
          if (!form.ok) return messageResponse(Object.values(form.errors).join(" "));
          const note = field("note").trim() || undefined;
          await recordPromiseFromCall(
            db,
            { personId: person.id, origin: "TEAMS" },
            { customerId, levelId: level, amount: form.amount, promisedDate: form.date, note },
            now(),
          );
          return cardResponse(
            await taskCard(
              person.id,
              taskKey(customerId, level),
              `${await customerName(customerId)}: promise of ${field("amount")} by ${form.date} — recorded.`,
            ),
          );
        }
        case VERBS.evidence: {
          await requirePerson(a);
          if (a.conversation.conversationType !== "personal")
            return messageResponse(
              "The evidence file is personal data: ask for it in your personal chat with me (credit ACME there, then the button).",
            );
          const customer = await db.prisma.customer.findUnique({ where: { id: Number(data.c) } });
          if (!customer) throw new AppError("not_found", "This customer is no longer known.");
          const { pdf } = await evidenceFile(db, customer.id, now());
          await messenger.post(a.conversation.id, {
            text: `Evidence file of ${customer.name}`,
            attachments: [
              fileConsentAttachment({
                filename: evidenceFileName(customer.externalId),
                description: `Evidence file of ${customer.name}: statement of account and sealed history`,
                size: pdf.length,
                context: { c: customer.id },
              }),
            ],
          });
          return messageResponse("Accept the file below and it is saved to your OneDrive.");
        }
        case VERBS.dispute: {
          const form = readDisputeForm(data as Record<string, string>);
          if (!form.ok)
            return cardResponse(
              disputeFormCard({ ...(data as Record<string, string>), error: Object.values(form.errors).join(" ") }, "message"),
            );
          return cardResponse(infoCard(await disputeFlagged(a, form.dispute)).card);
        }
        default:
          return messageResponse(UNKNOWN_BUTTON);
      }
    } catch (error) {
      return messageResponse(userMessage(error, logger));
    }
  }

  app.use(async (ctx) => {
    try {
      await remember(ctx.activity as unknown as Inbound);
    } catch (error) {
      logger.error({ err: error }, "could not store the Teams conversation reference");
    }
    return ctx.next();
  });

  app.on("install.add", async (ctx) => {
    const a = ctx.activity as unknown as Inbound;
    await ctx.send(
      a.conversation.conversationType === "personal"
        ? "Hello! Your daily collection tasks will arrive here. Type **help** for the commands."
        : "Hello! The weekly credit-committee digest will be posted here. Type **help** (mentioning me) for the commands.",
    );
  });

  app.on("message", async (ctx) => {
    const a = ctx.activity as unknown as Inbound;
    const value = a.value as Record<string, unknown> | undefined;
    if (value && typeof value.verb === "string") {
      // An Action.Submit fallback from a client without Universal Actions: same handler, answer as a message.
      const answer = await onCardAction(a, value.verb, value);
      await ctx.send(
        answer.type === CARD_CONTENT_TYPE
          ? ({ type: "message", attachments: [{ contentType: CARD_CONTENT_TYPE, content: answer.value }] } as never)
          : String(answer.value),
      );
      return;
    }
    const text = (a.text ?? "").trim();
    // In a channel the bot reads every message (resource-specific consent), but answers only when mentioned;
    // what is said in the digest's thread is committee discussion, recorded.
    if (a.conversation.conversationType === "channel" && !mentionsBot(a)) {
      await recordThreadMessage(a, text);
      return;
    }
    const send = (message: CardMessage | string) =>
      ctx.send(
        typeof message === "string"
          ? message
          : ({ type: "message", summary: message.text, attachments: [{ contentType: CARD_CONTENT_TYPE, content: message.card }] } as never),
      );
    try {
      const credit = /^credit\s+(.+)$/i.exec(text);
      if (credit) {
        await send(await customerFile(credit[1] ?? ""));
        return;
      }
      const dispute = /^dispute\b\s*(.*)$/is.exec(text);
      if (dispute) {
        const args = dispute[1] ?? "";
        const resolve = parseResolveCommand(args);
        if (resolve === "usage") throw new AppError("input.usage", RESOLVE_USAGE.replaceAll("/dispute", "dispute"));
        if (resolve) {
          const person = await requirePerson(a);
          await resolveDispute(db, { personId: person.id, origin: "TEAMS" }, resolve, now());
          await send(disputeSettledText(resolve.invoiceNumber, resolve.outcome));
          return;
        }
        if (!args.trim()) {
          await send({ text: "Flag a dispute", card: disputeFormCard({}, "message") });
          return;
        }
        const parsed = parseDisputeCommand(args);
        if (!parsed) throw new AppError("input.usage", DISPUTE_USAGE.replace("/dispute", "dispute"));
        await send(await disputeFlagged(a, parsed));
        return;
      }
      await send(TEAMS_HELP);
    } catch (error) {
      await send(errorCard(userMessage(error, logger)));
    }
  });

  /** A message in the thread of a digest summary: into the history as committee discussion, once. */
  async function recordThreadMessage(a: Inbound, text: string): Promise<void> {
    const [base, root] = a.conversation.id.split(";messageid=");
    if (!root || !base || !text || !a.id) return;
    const digest = await digestOfThread(db, "TEAMS", base, root);
    if (!digest) return;
    const person = await personOf(a);
    await recordDiscussion(
      db,
      person
        ? { personId: person.id, origin: "TEAMS" }
        : { personId: null, label: `teams:${a.from.aadObjectId ?? a.from.id}`, origin: "TEAMS" },
      { messageId: `teams:${a.id}`, period: digest.period, text, actionIds: digest.actionIds },
      now(),
    );
  }

  app.on("card.action", async (ctx) => {
    const a = ctx.activity as unknown as Inbound;
    const action = (a.value as { action?: { verb?: string; data?: Record<string, unknown> } } | undefined)?.action;
    return (await onCardAction(a, action?.verb ?? "", action?.data ?? {})) as never;
  });

  // The evidence file, once the person accepted it: uploaded to the URL Teams gave, then shown as a file card.
  app.on("file.consent.accept", async (ctx) => {
    const a = ctx.activity as unknown as Inbound;
    const value = a.value as {
      context?: { c?: number };
      uploadInfo?: { uploadUrl: string; contentUrl: string; name: string; uniqueId: string; fileType: string };
    };
    try {
      await requirePerson(a);
      const info = value.uploadInfo;
      const customerId = Number(value.context?.c);
      if (!info || !Number.isInteger(customerId))
        throw new AppError("input.invalid", "Teams did not say where to save the file: press the Evidence button again.");
      const { pdf } = await evidenceFile(db, customerId, now());
      const res = await fetch(info.uploadUrl, {
        method: "PUT",
        headers: { "content-length": String(pdf.length), "content-range": `bytes 0-${pdf.length - 1}/${pdf.length}` },
        body: new Uint8Array(pdf),
      });
      if (!res.ok) throw new Error(`upload refused: HTTP ${res.status}`);
      await messenger.post(a.conversation.id, {
        text: `Evidence file: ${info.name}`,
        attachments: [
          fileInfoAttachment({ name: info.name, contentUrl: info.contentUrl, uniqueId: info.uniqueId, fileType: info.fileType }),
        ],
      });
    } catch (error) {
      await messenger.post(a.conversation.id, `The evidence file was not sent: ${userMessage(error, logger)}`);
    }
    return { status: 200 } as never;
  });

  app.on("file.consent.decline", async () => ({ status: 200 }) as never);

  // Message extension, action command "flagDispute": the form, prefilled from the message it was run on.
  app.on("message.ext.open", async (ctx) => {
    const a = ctx.activity as unknown as Inbound;
    const payload = (a.value as { messagePayload?: { body?: { content?: string } } } | undefined)?.messagePayload;
    const content = (payload?.body?.content ?? "").replace(/<[^>]*>/g, " ");
    const invoiceNumber = /\b[A-Z]{1,6}[-/]?\d{2,}(?:[-/]\d+)*\b/.exec(content)?.[0];
    return {
      task: {
        type: "continue",
        value: {
          title: "Flag a dispute",
          card: {
            contentType: CARD_CONTENT_TYPE,
            content: disputeFormCard({ invoiceNumber, reason: content.trim().slice(0, 500) || undefined }, "dialog"),
          },
        },
      },
    } as never;
  });

  app.on("message.ext.submit", async (ctx) => {
    const a = ctx.activity as unknown as Inbound;
    const data = ((a.value as { data?: Record<string, string> } | undefined)?.data ?? {}) as Record<string, string>;
    const form = readDisputeForm(data);
    const again = (error: string) =>
      ({
        task: {
          type: "continue",
          value: {
            title: "Flag a dispute",
            card: { contentType: CARD_CONTENT_TYPE, content: disputeFormCard({ ...data, error }, "dialog") },
          },
        },
      }) as never;
    if (!form.ok) return again(Object.values(form.errors).join(" "));
    try {
      return { task: { type: "message", value: await disputeFlagged(a, form.dispute) } } as never;
    } catch (error) {
      return again(userMessage(error, logger));
    }
  });

  // Message extension, search command "findAccount": the customer file as a card to share.
  app.on("message.ext.query", async (ctx) => {
    const a = ctx.activity as unknown as Inbound;
    const query = (a.value as { parameters?: Array<{ name?: string; value?: string }> } | undefined)?.parameters?.[0]?.value ?? "";
    try {
      const file = await customerFile(query);
      return {
        composeExtension: {
          type: "result",
          attachmentLayout: "list",
          attachments: [
            {
              contentType: CARD_CONTENT_TYPE,
              content: file.card,
              preview: { contentType: "application/vnd.microsoft.card.thumbnail", content: { title: file.text } },
            },
          ],
        },
      } as never;
    } catch (error) {
      return { composeExtension: { type: "message", text: userMessage(error, logger) } } as never;
    }
  });

  return { app, messenger };
}

function mentionsBot(a: Inbound): boolean {
  return (a.entities ?? []).some((e) => e.type === "mention" && e.mentioned?.id === a.recipient?.id);
}
