// Send / Edit then send on an e-mail task the policy proposes (docs/email.md): Send queues the reminder as
// previewed and answers privately; Edit then send opens the form prefilled from the preview.
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from "@slack/bolt";
import { AppError } from "../../../../errors.js";
import { t } from "../../../../i18n/index.js";
import { previewReminder, sendReminderFromTask } from "../../../../usecases/emailReminders.js";
import { STALE_TASK_BUTTON } from "../../../messages.js";
import { errorBlocks, infoBlocks } from "../../blocks.js";
import { afterAck, busy, triggerExpired, userMessage, type ListenerDeps } from "../../deps.js";
import { answerPrivately, openModal } from "../../effects.js";
import { emailEditModal } from "../../mailBlocks.js";
import { localeIn, personIn } from "../../trust.js";

export function readEmailButton(raw: string | undefined): { c: number; l: string } {
  let value: { c?: unknown; l?: unknown };
  try {
    value = JSON.parse(raw ?? "{}") as { c?: unknown; l?: unknown };
  } catch {
    throw new AppError("input.invalid", STALE_TASK_BUTTON);
  }
  if (typeof value.c !== "number" || typeof value.l !== "string") throw new AppError("input.invalid", STALE_TASK_BUTTON);
  return { c: value.c, l: value.l };
}

export function emailSendButton(deps: ListenerDeps) {
  const { db, policy, logger, now } = deps;
  return async ({ ack, body, action, respond, client, context }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const locale = localeIn(context);
    await afterAck(
      deps,
      async () => {
        try {
          if (!deps.mailReady) throw new AppError("conflict", t(locale, "mail.notConfigured"));
          const value = readEmailButton((action as { value?: string }).value);
          const person = personIn(context);
          const result = await sendReminderFromTask(db, policy, { personId: person.id, origin: "SLACK" }, { customerId: value.c, levelId: value.l }, now());
          const customer = await db.prisma.customer.findUniqueOrThrow({ where: { id: value.c }, select: { name: true } });
          const key = result.status === "queued" ? "mail.queued" : "mail.alreadyQueued";
          logger.info({ customerId: value.c, status: result.status }, "reminder e-mail asked from a Slack task");
          await answerPrivately(respond, client, body, { replace_original: false, ...infoBlocks(t(locale, key, { level: value.l, customer: customer.name })) });
        } catch (error) {
          await answerPrivately(respond, client, body, { replace_original: false, ...errorBlocks(t(locale, "mail.notSent", { reason: userMessage(error, logger, locale) })) });
        }
      },
      () => answerPrivately(respond, client, body, { replace_original: false, ...errorBlocks(busy(locale)) }),
    );
  };
}

export function emailEditButton(deps: ListenerDeps) {
  const { db, policy, logger, now } = deps;
  return async ({ ack, body, action, client, respond, context }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const locale = localeIn(context);
    const trigger = (body as { trigger_id?: string }).trigger_id;
    try {
      if (!deps.mailReady) throw new AppError("conflict", t(locale, "mail.notConfigured"));
      const value = readEmailButton((action as { value?: string }).value);
      if (!trigger) throw new AppError("input.invalid", STALE_TASK_BUTTON);
      const preview = await previewReminder(db, policy, { customerId: value.c, levelId: value.l }, now());
      await openModal(client, trigger, emailEditModal({ customerId: value.c, levelId: value.l, to: preview.to, subject: preview.subject, message: preview.message }, locale));
    } catch (error) {
      await answerPrivately(respond, client, body, {
        replace_original: false,
        ...errorBlocks(triggerExpired(error) ? t(locale, "slack.formTooSlow") : t(locale, "mail.notSent", { reason: userMessage(error, logger, locale) })),
      });
    }
  };
}
