// The tracking number of a formal notice sent by registered letter: a number that cannot be one comes back on
// the field; a sound one is recorded once (letter.sent) and the person is told by direct message.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from "@slack/bolt";
import { readTrackingNumber } from "../../../../domain/registeredMail.js";
import { AppError } from "../../../../errors.js";
import { t } from "../../../../i18n/index.js";
import { recordLetterSent } from "../../../../usecases/letterSent.js";
import { STALE_TASK_BUTTON } from "../../../messages.js";
import { plainText } from "../../blocks.js";
import { userMessage, type ListenerDeps } from "../../deps.js";
import { sendDirectMessage } from "../../effects.js";
import { localeIn, personIn } from "../../trust.js";

export function letterSentForm(deps: ListenerDeps) {
  const { db, logger, now } = deps;
  return async ({ ack, view, body, client, context }: SlackViewMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const locale = localeIn(context);
    const values = view.state.values as Record<string, { value?: { value?: string | null } }>;
    const typed = values.tracking?.value?.value ?? "";
    const tracking = readTrackingNumber(typed, locale);
    if (!tracking.ok) {
      await ack({ response_action: "errors", errors: { tracking: tracking.problem } });
      return;
    }
    await ack();
    const meta = JSON.parse(view.private_metadata || "{}") as { a?: number };
    try {
      if (!meta.a) throw new AppError("input.invalid", STALE_TASK_BUTTON);
      const person = personIn(context);
      const result = await recordLetterSent(db, { personId: person.id, origin: "SLACK" }, { actionId: meta.a, trackingNumber: typed }, now());
      logger.info({ actionId: meta.a, status: result.status }, "registered letter recorded from Slack");
      const key = result.status === "recorded" ? "letter.recorded" : "letter.alreadyRecorded";
      await sendDirectMessage(client, body.user.id, { text: plainText(t(locale, key, { customer: result.customerName, tracking: result.registeredMail })) });
    } catch (error) {
      logger.warn({ code: error instanceof AppError ? error.code : "unexpected" }, "registered letter not recorded");
      await sendDirectMessage(client, body.user.id, { text: plainText(t(locale, "letter.notRecorded", { reason: userMessage(error, logger, locale) })) });
    }
  };
}
