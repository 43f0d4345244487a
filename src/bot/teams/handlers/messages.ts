// Messages: the commands (`credit`, `dispute`, `dispute resolve`, help), the Action.Submit fallback of older
// clients, and what the committee writes in a digest's thread (recorded as discussion).
import { AppError } from "../../../errors.js";
import {
  disputeUsage,
  disputeSettledText,
  parseDisputeCommand,
  parseResolveCommand,
  resolveDispute,
  resolveUsage,
} from "../../../usecases/disputes.js";
import { recordDiscussion } from "../../../usecases/discussion.js";
import { digestOfThread } from "../../../jobs/weeklyDigest.js";
import { CARD_CONTENT_TYPE, disputeFormCard, errorCard, type CardMessage } from "../cards.js";
import { t as tr } from "../../../i18n/index.js";
import { authorize, inbound, localeOf, personOf, userMessage, type Inbound, type TeamsContext } from "../context.js";
import { inert } from "../text.js";
import { customerFile } from "../views.js";
import { disputeFlagged } from "./flagDispute.js";
import { cardAction } from "./invokes.js";

/** The commands, as `help` lists them, in the company's language. */
export const teamsHelp = (locale: string) => tr(locale, "teams.help");

type Send = (message: CardMessage | string) => Promise<unknown>;

/** What a command says back (a card or markdown text whose values are inert). */
async function runCommand(t: TeamsContext, a: Inbound, text: string, send: Send): Promise<void> {
  const credit = /^credit\s+(.+)$/i.exec(text);
  if (credit) {
    await authorize(t, a, "read-accounts");
    await send(await customerFile(t, credit[1] ?? ""));
    return;
  }
  const dispute = /^dispute\b\s*(.*)$/is.exec(text);
  if (dispute) {
    const args = dispute[1] ?? "";
    const resolve = parseResolveCommand(args);
    if (resolve === "usage") throw new AppError("input.usage", resolveUsage(await localeOf(t), "dispute"));
    if (resolve) {
      const person = await authorize(t, a, "resolve-dispute");
      await resolveDispute(t.db, { personId: person.id, origin: "TEAMS" }, resolve, t.now());
      await send(disputeSettledText(inert(resolve.invoiceNumber), inert(resolve.outcome), await localeOf(t)));
      return;
    }
    await authorize(t, a, "flag-dispute");
    if (!args.trim()) {
      const locale = await localeOf(t);
      await send({ text: tr(locale, "teams.flagDisputeTitle"), card: disputeFormCard({}, "message", locale) });
      return;
    }
    const parsed = parseDisputeCommand(args);
    if (!parsed) throw new AppError("input.usage", disputeUsage(await localeOf(t), "dispute"));
    await send(await disputeFlagged(t, a, parsed));
    return;
  }
  await send(teamsHelp(await localeOf(t)));
}

/** A message in the thread of a digest summary: into the history as committee discussion, once. */
async function recordThreadMessage(t: TeamsContext, a: Inbound, text: string): Promise<void> {
  const [base, root] = a.conversation.id.split(";messageid=");
  if (!root || !base || !text || !a.id) return;
  const digest = await digestOfThread(t.db, "TEAMS", base, root);
  if (!digest) return;
  const person = await personOf(t, a);
  await recordDiscussion(
    t.db,
    person
      ? { personId: person.id, origin: "TEAMS" }
      : { personId: null, label: `teams:${a.from.aadObjectId ?? a.from.id}`, origin: "TEAMS" },
    { messageId: `teams:${a.id}`, period: digest.period, text, actionIds: digest.actionIds },
    t.now(),
  );
}

function mentionsBot(a: Inbound): boolean {
  return (a.entities ?? []).some((e) => e.type === "mention" && e.mentioned?.id === a.recipient?.id);
}

export function onMessage(t: TeamsContext) {
  return async (ctx: { activity: unknown; send: (activity: never) => Promise<unknown> }) => {
    const a = inbound(ctx);
    const value = a.value as Record<string, unknown> | undefined;
    if (value && typeof value.verb === "string") {
      // An Action.Submit fallback from a client without Universal Actions: same handler, answer as a message.
      const answer = await cardAction(t, a, value.verb, value);
      await ctx.send(
        (answer.type === CARD_CONTENT_TYPE
          ? { type: "message", attachments: [{ contentType: CARD_CONTENT_TYPE, content: answer.value }] }
          : String(answer.value)) as never,
      );
      return;
    }
    const text = (a.text ?? "").trim();
    // In a channel the bot reads every message (resource-specific consent), but answers only when mentioned;
    // what is said in the digest's thread is committee discussion, recorded.
    if (a.conversation.conversationType === "channel" && !mentionsBot(a)) {
      await recordThreadMessage(t, a, text);
      return;
    }
    const send: Send = (message) =>
      ctx.send(
        (typeof message === "string"
          ? message
          : { type: "message", summary: message.text, attachments: [{ contentType: CARD_CONTENT_TYPE, content: message.card }] }) as never,
      );
    try {
      await runCommand(t, a, text, send);
    } catch (error) {
      await send(errorCard(await userMessage(t, error)));
    }
  };
}
