// "Correct the contact" on a wrong-contact task: opens the form, showing the address that bounced and why.
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from "@slack/bolt";
import { AppError } from "../../../../errors.js";
import { t } from "../../../../i18n/index.js";
import { STALE_TASK_BUTTON } from "../../../messages.js";
import { errorBlocks } from "../../blocks.js";
import { contactFixModal } from "../../contactBlocks.js";
import { triggerExpired, userMessage, type ListenerDeps } from "../../deps.js";
import { answerPrivately, openModal } from "../../effects.js";
import { localeIn, personIn } from "../../trust.js";
import { contactToCorrect } from "../../../../usecases/wrongContact.js";

export function readContactButton(raw: string | undefined): number {
  let value: { c?: unknown };
  try {
    value = JSON.parse(raw ?? "{}") as { c?: unknown };
  } catch {
    throw new AppError("input.invalid", STALE_TASK_BUTTON);
  }
  if (typeof value.c !== "number") throw new AppError("input.invalid", STALE_TASK_BUTTON);
  return value.c;
}

export function contactFixButton(deps: ListenerDeps) {
  const { db, logger } = deps;
  return async ({ ack, body, action, client, respond, context }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const locale = localeIn(context);
    const trigger = (body as { trigger_id?: string }).trigger_id;
    try {
      const customerId = readContactButton((action as { value?: string }).value);
      if (!trigger) throw new AppError("input.invalid", STALE_TASK_BUTTON);
      const shown = await contactToCorrect(db, { personId: personIn(context).id, origin: "SLACK" }, customerId);
      await openModal(client, trigger, contactFixModal({ customerId, ...shown }, locale));
    } catch (error) {
      await answerPrivately(respond, client, body, {
        replace_original: false,
        ...errorBlocks(triggerExpired(error) ? t(locale, "slack.formTooSlow") : userMessage(error, logger, locale)),
      });
    }
  };
}
