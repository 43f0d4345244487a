// "Reached: promise to pay" on a task: opens the promise form for that customer.
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from "@slack/bolt";
import { AppError } from "../../../../errors.js";
import { STALE_TASK_BUTTON } from "../../../messages.js";
import { errorBlocks, promiseModal } from "../../blocks.js";
import { t } from "../../../../i18n/index.js";
import { triggerExpired, userMessage, type ListenerDeps } from "../../deps.js";
import { answerPrivately, openModal } from "../../effects.js";
import { localeIn } from "../../trust.js";

/** The task the button stands for; an edited or garbled value is an out-of-date button. */
export function readButtonValue(raw: string | undefined): { c?: number; l?: string; ch?: string; n?: string; d?: string } {
  try {
    return JSON.parse(raw ?? "{}") as { c?: number; l?: string; ch?: string; n?: string; d?: string };
  } catch {
    throw new AppError("input.invalid", STALE_TASK_BUTTON);
  }
}

export function promiseButton(deps: ListenerDeps) {
  const { logger } = deps;
  return async ({ ack, body, action, client, respond, context }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const locale = localeIn(context);
    const trigger = (body as { trigger_id?: string }).trigger_id;
    try {
      const value = readButtonValue((action as { value?: string }).value);
      if (!value.c || !value.l || !trigger) throw new AppError("input.invalid", STALE_TASK_BUTTON);
      await openModal(
        client,
        trigger,
        promiseModal({
          customerId: value.c,
          customerName: value.n ?? "",
          levelId: value.l,
          overdue: value.d ?? "",
          channel: value.ch ?? "PHONE",
        }, locale),
      );
    } catch (error) {
      // A trigger_id lives 3 seconds: when the form cannot open, say how to record the promise instead.
      await answerPrivately(respond, client, body, {
        replace_original: false,
        ...errorBlocks(triggerExpired(error) ? t(locale, "slack.formTooSlow") : userMessage(error, logger, locale)),
      });
    }
  };
}
