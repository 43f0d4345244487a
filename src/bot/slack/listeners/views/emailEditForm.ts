// Edit then send: an empty or too long subject or message comes back on its field; a sound edit is queued
// (one e-mail per customer, level and day, whoever asks) and the person is told by direct message.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from "@slack/bolt";
import { AppError } from "../../../../errors.js";
import { t } from "../../../../i18n/index.js";
import { FormError } from "../../../../usecases/contacts.js";
import { readEditedEmail, sendReminderFromTask } from "../../../../usecases/emailReminders.js";
import { STALE_TASK_BUTTON } from "../../../messages.js";
import { plainText } from "../../blocks.js";
import { userMessage, type ListenerDeps } from "../../deps.js";
import { sendDirectMessage } from "../../effects.js";
import { localeIn, personIn } from "../../trust.js";

export function emailEditForm(deps: ListenerDeps) {
  const { db, policy, logger, now } = deps;
  return async ({ ack, view, body, client, context }: SlackViewMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const locale = localeIn(context);
    const values = view.state.values as Record<string, { value?: { value?: string | null } }>;
    let overrides;
    try {
      overrides = readEditedEmail({ subject: values.subject?.value?.value ?? "", message: values.message?.value?.value ?? "" });
    } catch (error) {
      if (!(error instanceof FormError)) throw error;
      await ack({ response_action: "errors", errors: error.fieldsIn(locale) });
      return;
    }
    await ack();
    const meta = JSON.parse(view.private_metadata || "{}") as { c?: number; l?: string };
    try {
      if (!deps.mailReady) throw new AppError("conflict", t(locale, "mail.notConfigured"));
      if (!meta.c || !meta.l) throw new AppError("input.invalid", STALE_TASK_BUTTON);
      const person = personIn(context);
      const result = await sendReminderFromTask(db, policy, { personId: person.id, origin: "SLACK" }, { customerId: meta.c, levelId: meta.l, overrides }, now());
      const customer = await db.prisma.customer.findUniqueOrThrow({ where: { id: meta.c }, select: { name: true } });
      logger.info({ customerId: meta.c, status: result.status }, "edited reminder e-mail asked from a Slack task");
      const key = result.status === "queued" ? "mail.queued" : "mail.alreadyQueued";
      await sendDirectMessage(client, body.user.id, { text: plainText(t(locale, key, { level: meta.l, customer: customer.name })) });
    } catch (error) {
      logger.warn({ code: error instanceof AppError ? error.code : "unexpected" }, "edited reminder e-mail not sent");
      await sendDirectMessage(client, body.user.id, { text: plainText(t(locale, "mail.notSent", { reason: userMessage(error, logger, locale) })) });
    }
  };
}
