// Invokes: the cards' Universal Actions (votes, comments, task outcomes, promises, the evidence file, the
// dispute form) and the file consent that follows the evidence button. Each answers the person who clicked
// (the refreshed card, or a message shown to them only); what a vote changes for everyone else (their copy of
// the card, the thread, the letter) is done by the durable jobs of jobs.ts, never before the answer.
import { AppError } from "../../../errors.js";
import { readPromiseForm, recordPromiseFromCall, recordTaskOutcome } from "../../../usecases/contacts.js";
import { readDisputeForm } from "../../../usecases/disputes.js";
import { enqueue } from "../../../jobs/queue.js";
import { alreadyVotedText, commentOnAction, decisionSummary, recordVote, recordVotes, refusedLine, type VoteResult } from "../../../usecases/votes.js";
import { showMoreActions, showMoreText } from "../../../jobs/weeklyDigest.js";
import { teamsDigestPublisher } from "../publisher.js";
import { evidenceFile, evidenceFileName } from "../../../documents/evidence.js";
import { STALE_ACTION_BUTTON, STALE_TASK_BUTTON, UNKNOWN_BUTTON } from "../../messages.js";
import {
  CARD_CONTENT_TYPE,
  disputeFormCard,
  fileConsentAttachment,
  fileInfoAttachment,
  infoCard,
  taskKey,
  VERBS,
  type AdaptiveCard,
} from "../cards.js";
import { phrase, say, t as tr } from "../../../i18n/index.js";
import { authorize, inbound, isUploadUrl, localeOf, today, userMessage, type Inbound, type TeamsContext } from "../context.js";
import { TEAMS_JOB_KINDS } from "../jobs.js";
import { inert } from "../text.js";
import { customerName, digestPart, taskCard } from "../views.js";
import { disputeFlagged } from "./flagDispute.js";
import { taskPaymentPlan } from "./paymentPlan.js";
import { PLAN_VERB } from "../planCards.js";
import { EMAIL_CANCEL_VERB, EMAIL_EDIT_VERB, EMAIL_SEND_VERB, LETTER_SENT_VERB } from "../mailCards.js";
import { taskEmailCancel, taskEmailEdit, taskEmailSend, taskLetterSent } from "./mailTask.js";
import { CONTACT_FIX_VERB } from "../contactCards.js";
import { taskContactFix } from "./contactFix.js";
import { isTaskOutcome } from "../../../domain/digest.js";
import { outcomeLabel } from "../../words.js";

/** An Action.Execute answer: the card that replaces the clicked one, or a message shown to the clicker only. */
export const cardResponse = (card: AdaptiveCard) => ({ statusCode: 200, type: CARD_CONTENT_TYPE, value: card });
export const messageResponse = (text: string) => ({ statusCode: 200, type: "application/vnd.microsoft.activity.message", value: text });
export type CardActionAnswer = ReturnType<typeof cardResponse> | ReturnType<typeof messageResponse>;

/** "You already approved this on 30/11/2026.": a repeated click, answered to the clicker only. */
async function alreadyVoted(t: TeamsContext, previous: NonNullable<VoteResult["previousVote"]>): Promise<string> {
  const { settings } = await today(t);
  return alreadyVotedText(previous, settings.locale, settings.timeZone);
}

/**
 * A vote (approve, reject) or a comment on a proposed action of the digest. The vote is recorded (with, in the
 * same transaction, the jobs of its effects: everyone's card, the announcement, the letter) and the clicker
 * gets the card as it stands, read from the database: no call to Teams before the answer.
 */
async function voteOrComment(t: TeamsContext, a: Inbound, verb: string, data: Record<string, unknown>): Promise<CardActionAnswer> {
  const person = await authorize(t, a, "committee");
  const actionId = Number(data.actionId);
  if (!Number.isInteger(actionId)) throw new AppError("input.invalid", STALE_ACTION_BUTTON);
  const actor = { personId: person.id, origin: "TEAMS" as const };
  let said: string;
  if (verb === VERBS.comment) {
    const text = String(data[`comment_${actionId}`] ?? "").trim();
    if (!text) return messageResponse(tr(await localeOf(t), "teams.writeCommentFirst"));
    const done = await commentOnAction(t.db, actor, { actionId, text }, t.now());
    // The echo in the thread is a job too (keyed by the activity: a replayed invoke echoes once).
    await enqueue(t.db.prisma, {
      kind: TEAMS_JOB_KINDS.announceComment,
      key: `${TEAMS_JOB_KINDS.announceComment}:${a.id ?? `${actionId}:${person.id}:${t.now().getTime()}`}`,
      payload: { actionId, personName: done.personName, customerName: done.customerName, text },
    });
    said = tr(await localeOf(t), "bot.commentEcho", { person: inert(done.personName), actionId, customer: inert(done.customerName), text: inert(text) });
  } else {
    const result = await recordVote(t.db, t.policy, actor, { actionId, decision: verb === VERBS.approve ? "APPROVE" : "REJECT" }, t.now());
    // A click repeating the vote on file changed nothing: said privately, nothing else updated.
    if (!result.recorded && result.previousVote) return messageResponse(await alreadyVoted(t, result.previousVote));
    const summary = decisionSummary(result, await localeOf(t));
    said = summary ? inert(summary, 1000) : tr(await localeOf(t), "teams.voteRecorded");
  }
  const part = await digestPart(t, a.conversation.id, a.replyToId);
  return part ? cardResponse(part.card.card) : messageResponse(said);
}

/**
 * "Approve the 6 delivery blocks above": each proposal through recordVote (recordVotes), checked and recorded
 * one by one with its effects; the clicker gets the card as it stands, or the summary of what happened.
 */
async function batchVote(t: TeamsContext, a: Inbound, data: Record<string, unknown>): Promise<CardActionAnswer> {
  const person = await authorize(t, a, "committee");
  const ids = Array.isArray(data.actionIds) ? data.actionIds.map(Number) : [];
  if (ids.length === 0 || !ids.every((id) => Number.isInteger(id) && id > 0)) throw new AppError("input.invalid", STALE_ACTION_BUTTON);
  const batch = await recordVotes(
    t.db,
    t.policy,
    { personId: person.id, origin: "TEAMS" },
    { actionIds: ids, decision: "APPROVE" },
    t.now(),
  );
  const locale = await localeOf(t);
  const refused = batch.results.flatMap((r) => ("refused" in r ? [inert(refusedLine(r.actionId, r.refused, locale), 500)] : []));
  if (refused.length > 0) return messageResponse([inert(batch.summary), ...refused].join("\n\n"));
  const part = await digestPart(t, a.conversation.id, a.replyToId);
  return part ? cardResponse(part.card.card) : messageResponse(inert(batch.summary));
}

/** "12 more, smaller: show": the proposals left off the agenda, posted as the next cards of the digest's thread. */
async function showMore(t: TeamsContext, a: Inbound, data: Record<string, unknown>): Promise<CardActionAnswer> {
  await authorize(t, a, "read-accounts");
  const publisher = teamsDigestPublisher(t.messenger, t.db, a.conversation.id.split(";")[0]);
  const shown = await showMoreActions({ db: t.db, policy: t.policy, publisher }, String(data.period ?? ""));
  return messageResponse(showMoreText(shown, await localeOf(t)));
}

async function refreshDigest(t: TeamsContext, a: Inbound): Promise<CardActionAnswer> {
  await authorize(t, a, "read-accounts");
  const part = await digestPart(t, a.conversation.id, a.replyToId);
  return part ? cardResponse(part.card.card) : messageResponse(tr(await localeOf(t), "teams.digestNotTracked"));
}

/** The customers a task card held (its buttons carry them), when the card says; cards sent before say nothing. */
function heldCustomers(data: Record<string, unknown>): number[] | undefined {
  const k = data.k;
  return Array.isArray(k) && k.every((id) => Number.isInteger(id)) ? (k as number[]) : undefined;
}

async function taskOutcome(t: TeamsContext, a: Inbound, data: Record<string, unknown>): Promise<CardActionAnswer> {
  const person = await authorize(t, a, "read-accounts"); // whose task it is: the use case says
  const customerId = Number(data.c);
  const level = String(data.l ?? "");
  if (!Number.isInteger(customerId) || !level) throw new AppError("input.invalid", STALE_TASK_BUTTON);
  const { label } = await recordTaskOutcome(
    t.db,
    { personId: person.id, origin: "TEAMS" },
    { customerId, levelId: level, channel: String(data.ch ?? "PHONE"), outcome: String(data.o ?? "") },
    t.now(),
  );
  const locale = await localeOf(t);
  const hint = data.o === "dispute" ? tr(locale, "teams.disputeHint") : "";
  return cardResponse(
    await taskCard(
      t,
      person.id,
      taskKey(customerId, level),
      tr(locale, "teams.taskRecorded", {
        customer: inert(await customerName(t, customerId)),
        label: inert(isTaskOutcome(data.o) ? outcomeLabel(data.o, locale) : label),
      }) + hint,
      heldCustomers(data),
    ),
  );
}

async function taskPromise(t: TeamsContext, a: Inbound, data: Record<string, unknown>): Promise<CardActionAnswer> {
  const person = await authorize(t, a, "read-accounts"); // whose task it is: the use case says
  const customerId = Number(data.c);
  const level = String(data.l ?? "");
  if (!Number.isInteger(customerId) || !level) throw new AppError("input.invalid", STALE_TASK_BUTTON);
  const { asOf, settings } = await today(t);
  const field = (name: string) => String(data[`${name}_${String(data.f)}`] ?? "");
  const form = readPromiseForm({ amount: field("amount"), date: field("date") }, asOf, settings.locale);
  if (!form.ok) return messageResponse(inert(Object.values(form.errors).join(" ")));
  const note = field("note").trim() || undefined;
  await recordPromiseFromCall(
    t.db,
    { personId: person.id, origin: "TEAMS" },
    { customerId, levelId: level, amount: form.amount, promisedDate: form.date, note },
    t.now(),
  );
  return cardResponse(
    await taskCard(
      t,
      person.id,
      taskKey(customerId, level),
      tr(await localeOf(t), "teams.promiseRecorded", { customer: inert(await customerName(t, customerId)), amount: inert(field("amount")), date: inert(form.date) }),
      heldCustomers(data),
    ),
  );
}

/** The customer file's Evidence button: a file consent card in the personal chat (the PDF is personal data). */
async function offerEvidence(t: TeamsContext, a: Inbound, data: Record<string, unknown>): Promise<CardActionAnswer> {
  await authorize(t, a, "read-accounts");
  const locale = await localeOf(t);
  if (a.conversation.conversationType !== "personal") return messageResponse(tr(locale, "teams.evidencePersonal"));
  const customerId = Number(data.c);
  const customer = Number.isInteger(customerId) ? await t.db.prisma.customer.findUnique({ where: { id: customerId } }) : null;
  if (!customer) throw new AppError("not_found", phrase("bot.customerUnknown"));
  const { pdf } = await evidenceFile(t.db, customer.id, t.now());
  await t.messenger.post(a.conversation.id, {
    text: tr(locale, "teams.evidenceOffer", { customer: inert(customer.name) }),
    attachments: [
      fileConsentAttachment({
        filename: evidenceFileName(customer.externalId),
        description: tr(locale, "teams.evidenceDescription", { customer: inert(customer.name) }),
        size: pdf.length,
        context: { c: customer.id },
      }),
    ],
  });
  return messageResponse(tr(locale, "teams.evidenceAccept"));
}

async function disputeForm(t: TeamsContext, a: Inbound, data: Record<string, unknown>): Promise<CardActionAnswer> {
  const locale = await localeOf(t);
  const form = readDisputeForm(data as Record<string, string>, locale);
  if (!form.ok)
    return cardResponse(disputeFormCard({ ...(data as Record<string, string>), error: inert(Object.values(form.errors).join(" ")) }, "message", locale));
  return cardResponse(infoCard(await disputeFlagged(t, a, form.dispute)).card);
}

/** Universal Actions (and their Action.Submit fallback, which arrives as a message with a value). */
export async function cardAction(t: TeamsContext, a: Inbound, verb: string, data: Record<string, unknown>): Promise<CardActionAnswer> {
  try {
    switch (verb) {
      case VERBS.approve:
      case VERBS.reject:
      case VERBS.comment:
        return await voteOrComment(t, a, verb, data);
      case VERBS.refresh:
        return await refreshDigest(t, a);
      case VERBS.batch:
        return await batchVote(t, a, data);
      case VERBS.more:
        return await showMore(t, a, data);
      case VERBS.outcome:
        return await taskOutcome(t, a, data);
      case VERBS.promise:
        return await taskPromise(t, a, data);
      case PLAN_VERB:
        return await taskPaymentPlan(t, a, data);
      case EMAIL_SEND_VERB:
        return await taskEmailSend(t, a, data);
      case EMAIL_EDIT_VERB:
        return await taskEmailEdit(t, a, data);
      case EMAIL_CANCEL_VERB:
        return await taskEmailCancel(t, a, data);
      case LETTER_SENT_VERB:
        return await taskLetterSent(t, a, data);
      case CONTACT_FIX_VERB:
        return await taskContactFix(t, a, data);
      case VERBS.evidence:
        return await offerEvidence(t, a, data);
      case VERBS.dispute:
        return await disputeForm(t, a, data);
      default:
        return messageResponse(say(await localeOf(t), UNKNOWN_BUTTON));
    }
  } catch (error) {
    return messageResponse(await userMessage(t, error));
  }
}

/** The `card.action` invoke (Action.Execute). */
export function onCardAction(t: TeamsContext) {
  return async (ctx: { activity: unknown }) => {
    const a = inbound(ctx);
    const action = (a.value as { action?: { verb?: string; data?: Record<string, unknown> } } | undefined)?.action;
    return (await cardAction(t, a, action?.verb ?? "", action?.data ?? {})) as never;
  };
}

/** The evidence file, once the person accepted it: uploaded to the URL Teams gave, then shown as a file card. */
export function onFileConsentAccept(t: TeamsContext) {
  return async (ctx: { activity: unknown }) => {
    const a = inbound(ctx);
    const value = a.value as {
      context?: { c?: number };
      uploadInfo?: { uploadUrl: string; contentUrl: string; name: string; uniqueId: string; fileType: string };
    };
    try {
      await authorize(t, a, "read-accounts");
      const info = value.uploadInfo;
      const customerId = Number(value.context?.c);
      if (!info || !Number.isInteger(customerId))
        throw new AppError("input.invalid", phrase("teams.evidenceNoUploadInfo"));
      // The file goes only where Teams saves files (the person's OneDrive), and only from the personal chat
      // where it was offered: never to an address an activity makes up.
      if (a.conversation.conversationType !== "personal" || !isUploadUrl(info.uploadUrl, t.uploadHosts))
        throw new AppError("forbidden", phrase("teams.evidenceWrongPlace"));
      const { pdf } = await evidenceFile(t.db, customerId, t.now());
      const res = await fetch(info.uploadUrl, {
        method: "PUT",
        headers: { "content-length": String(pdf.length), "content-range": `bytes 0-${pdf.length - 1}/${pdf.length}` },
        body: new Uint8Array(pdf),
      });
      if (!res.ok) throw new Error(`upload refused: HTTP ${res.status}`);
      await t.messenger.post(a.conversation.id, {
        text: tr(await localeOf(t), "teams.evidenceFile", { name: inert(info.name) }),
        attachments: [
          fileInfoAttachment({ name: info.name, contentUrl: info.contentUrl, uniqueId: info.uniqueId, fileType: info.fileType }),
        ],
      });
    } catch (error) {
      await t.messenger.post(a.conversation.id, tr(await localeOf(t), "teams.evidenceNotSent", { reason: await userMessage(t, error) }));
    }
    return { status: 200 } as never;
  };
}

export function onFileConsentDecline() {
  return async () => ({ status: 200 }) as never;
}
