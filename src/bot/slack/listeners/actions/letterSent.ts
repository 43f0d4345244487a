// "Sent by registered letter" on an issued formal notice's task: opens the tracking number form.
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from "@slack/bolt";
import { AppError } from "../../../../errors.js";
import { t } from "../../../../i18n/index.js";
import { STALE_TASK_BUTTON } from "../../../messages.js";
import { errorBlocks } from "../../blocks.js";
import { triggerExpired, userMessage, type ListenerDeps } from "../../deps.js";
import { answerPrivately, openModal } from "../../effects.js";
import { letterSentModal } from "../../mailBlocks.js";
import { localeIn } from "../../trust.js";

export function readLetterButton(raw: string | undefined): number {
  let value: { a?: unknown };
  try {
    value = JSON.parse(raw ?? "{}") as { a?: unknown };
  } catch {
    throw new AppError("input.invalid", STALE_TASK_BUTTON);
  }
  if (typeof value.a !== "number") throw new AppError("input.invalid", STALE_TASK_BUTTON);
  return value.a;
}

export function letterSentButton(deps: ListenerDeps) {
  const { logger } = deps;
  return async ({ ack, body, action, client, respond, context }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const locale = localeIn(context);
    const trigger = (body as { trigger_id?: string }).trigger_id;
    try {
      const actionId = readLetterButton((action as { value?: string }).value);
      if (!trigger) throw new AppError("input.invalid", STALE_TASK_BUTTON);
      await openModal(client, trigger, letterSentModal({ actionId }, locale));
    } catch (error) {
      await answerPrivately(respond, client, body, {
        replace_original: false,
        ...errorBlocks(triggerExpired(error) ? t(locale, "slack.formTooSlow") : userMessage(error, logger, locale)),
      });
    }
  };
}
