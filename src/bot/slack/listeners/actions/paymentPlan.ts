// "Payment plan" on a task: opens the payment plan form for that customer.
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from "@slack/bolt";
import { AppError } from "../../../../errors.js";
import { t } from "../../../../i18n/index.js";
import { STALE_TASK_BUTTON } from "../../../messages.js";
import { errorBlocks } from "../../blocks.js";
import { triggerExpired, userMessage, type ListenerDeps } from "../../deps.js";
import { localeIn } from "../../trust.js";
import { answerPrivately, openModal } from "../../effects.js";
import { planModal } from "../../planBlocks.js";
import { readButtonValue } from "./promise.js";

export function paymentPlanButton(deps: ListenerDeps) {
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
        planModal({ customerId: value.c, customerName: value.n ?? "", levelId: value.l, overdue: value.d ?? "", channel: value.ch ?? "PHONE" }, locale),
      );
    } catch (error) {
      await answerPrivately(respond, client, body, {
        replace_original: false,
        ...errorBlocks(triggerExpired(error) ? t(locale, "slack.formTooSlow") : userMessage(error, logger, locale)),
      });
    }
  };
}
