// The right address of a customer whose e-mail bounced: an address that cannot be one comes back on the field;
// a sound one replaces the bounced address (src/usecases/wrongContact.ts) and the person is told by direct message.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from "@slack/bolt";
import { AppError } from "../../../../errors.js";
import { t } from "../../../../i18n/index.js";
import { FormError } from "../../../../usecases/contacts.js";
import { correctContact, readContactEmail } from "../../../../usecases/wrongContact.js";
import { STALE_TASK_BUTTON } from "../../../messages.js";
import { contactCorrectedNotice, contactEmailProblem } from "../../../words.js";
import { plainText } from "../../blocks.js";
import { userMessage, type ListenerDeps } from "../../deps.js";
import { sendDirectMessage } from "../../effects.js";
import { localeIn, personIn } from "../../trust.js";

export function contactFixForm(deps: ListenerDeps) {
  const { db, logger, now } = deps;
  return async ({ ack, view, body, client, context }: SlackViewMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const locale = localeIn(context);
    const values = view.state.values as Record<string, { value?: { value?: string | null } }>;
    const typed = values.email?.value?.value ?? "";
    try {
      readContactEmail(typed);
    } catch (error) {
      if (error instanceof FormError) {
        await ack({ response_action: "errors", errors: { email: contactEmailProblem(error, locale) } });
        return;
      }
      throw error;
    }
    await ack();
    const meta = JSON.parse(view.private_metadata || "{}") as { c?: number };
    try {
      if (!meta.c) throw new AppError("input.invalid", STALE_TASK_BUTTON);
      const person = personIn(context);
      const result = await correctContact(db, { personId: person.id, origin: "SLACK" }, { customerId: meta.c, email: typed }, now());
      logger.info({ customerId: meta.c, status: result.status }, "wrong contact corrected from Slack");
      await sendDirectMessage(client, body.user.id, { text: plainText(contactCorrectedNotice(result, locale)) });
    } catch (error) {
      logger.warn({ code: error instanceof AppError ? error.code : "unexpected" }, "wrong contact not corrected");
      await sendDirectMessage(client, body.user.id, { text: plainText(t(locale, "contact.notCorrected", { reason: userMessage(error, logger, locale) })) });
    }
  };
}
