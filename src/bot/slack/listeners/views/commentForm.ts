// The comment form of a proposed action: the comment goes to the history and, escaped, to the digest's thread.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from "@slack/bolt";
import { AppError } from "../../../../errors.js";
import { STALE_ACTION_BUTTON } from "../../../messages.js";
import { commentOnAction, COMMENT_MAX, commentTooLong } from "../../../../usecases/votes.js";
import { plainText } from "../../blocks.js";
import { userMessage, type ListenerDeps } from "../../deps.js";
import { announceInThread, sendDirectMessage } from "../../effects.js";
import { t } from "../../../../i18n/index.js";
import { localeIn, personIn } from "../../trust.js";

export function commentForm(deps: ListenerDeps) {
  const { db, logger, now } = deps;
  return async ({ ack, view, body, client, context }: SlackViewMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const locale = localeIn(context);
    const text = (view.state.values as Record<string, { value?: { value?: string | null } }>).comment?.value?.value?.trim() ?? "";
    if (!text) {
      await ack({ response_action: "errors", errors: { comment: t(locale, "bot.writeComment") } });
      return;
    }
    if (text.length > COMMENT_MAX) {
      await ack({ response_action: "errors", errors: { comment: commentTooLong(text.length, locale) } });
      return;
    }
    await ack();
    const meta = JSON.parse(view.private_metadata || "{}") as { actionId?: number; channel?: string; threadTs?: string };
    try {
      const person = personIn(context);
      if (!meta.actionId) throw new AppError("input.invalid", STALE_ACTION_BUTTON);
      const done = await commentOnAction(db, { personId: person.id, origin: "SLACK" }, { actionId: meta.actionId, text }, now());
      if (meta.channel && meta.threadTs) {
        await announceInThread(
          client,
          { channel: meta.channel, ts: meta.threadTs },
          t(locale, "bot.commentEcho", { person: done.personName, actionId: meta.actionId, customer: done.customerName, text }),
        );
      }
    } catch (error) {
      await sendDirectMessage(client, body.user.id, { text: plainText(t(locale, "slack.commentNotRecorded", { reason: userMessage(error, logger, locale) })) });
    }
  };
}
