// Comment on a proposed action: opens the comment form; where to echo the comment rides in private_metadata.
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from "@slack/bolt";
import { AppError } from "../../../../errors.js";
import { STALE_ACTION_BUTTON } from "../../../messages.js";
import { commentModal, errorBlocks } from "../../blocks.js";
import { t } from "../../../../i18n/index.js";
import { triggerExpired, userMessage, type ListenerDeps } from "../../deps.js";
import { answerPrivately, openModal } from "../../effects.js";
import { localeIn } from "../../trust.js";

export function commentButton(deps: ListenerDeps) {
  const { logger } = deps;
  return async ({ ack, body, action, client, respond, context }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const locale = localeIn(context);
    const b = body as { trigger_id?: string; container?: { channel_id?: string }; message?: { ts?: string; thread_ts?: string } };
    try {
      const actionId = Number((action as { value?: string }).value);
      if (!Number.isInteger(actionId) || !b.trigger_id) throw new AppError("input.invalid", STALE_ACTION_BUTTON);
      const view = commentModal({
        actionId,
        channel: b.container?.channel_id ?? "",
        threadTs: b.message?.thread_ts ?? b.message?.ts ?? "",
      }, locale);
      await openModal(client, b.trigger_id, view);
    } catch (error) {
      await answerPrivately(respond, client, body, {
        replace_original: false,
        ...errorBlocks(triggerExpired(error) ? t(locale, "slack.formTooSlowComment") : userMessage(error, logger, locale)),
      });
    }
  };
}
