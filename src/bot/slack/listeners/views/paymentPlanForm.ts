// The payment plan form opened from a task: instalments that cannot be read, out of order, before today or a
// note too long come back on the field; a sound plan is agreed (once per form: the view id is its key) and
// the person is told in a direct message; a refusal of the use case (above what is owed, someone else's
// account, a plan already running) is told the same way.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from "@slack/bolt";
import { loadSettings } from "../../../../db/settings.js";
import { calendarDateAt } from "../../../../domain/calendarDate.js";
import { minorDigits } from "../../../../domain/money.js";
import { listSeparator } from "../../../../domain/digest.js";
import { parseInstalments, planProblems } from "../../../../domain/paymentPlan.js";
import { AppError } from "../../../../errors.js";
import { t } from "../../../../i18n/index.js";
import { agreePaymentPlan } from "../../../../usecases/paymentPlans.js";
import { STALE_TASK_BUTTON } from "../../../messages.js";
import { plainText } from "../../blocks.js";
import { userMessage, type ListenerDeps } from "../../deps.js";
import { sendDirectMessage } from "../../effects.js";
import { localeIn, personIn } from "../../trust.js";
import { PROMISE_NOTE_MAX } from "./promiseForm.js";

export function paymentPlanForm(deps: ListenerDeps) {
  const { db, logger, now } = deps;
  return async ({ ack, view, body, client, context }: SlackViewMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const values = view.state.values as Record<string, { value?: { value?: string | null } }>;
    const text = values.instalments?.value?.value ?? "";
    const note = values.note?.value?.value?.trim() || undefined;
    const settings = await db.withConnection(loadSettings);
    const locale = settings.locale;
    const parsed = parseInstalments(text, minorDigits(settings.currency), locale);
    const errors: Record<string, string> = {};
    if (!parsed.ok) errors.instalments = parsed.errors.join(listSeparator(locale));
    else {
      const problems = planProblems({ agreedOn: calendarDateAt(now(), settings.timeZone), instalments: parsed.instalments, locale });
      if (problems.length) errors.instalments = problems.join(listSeparator(locale));
    }
    if (note && note.length > PROMISE_NOTE_MAX) errors.note = t(localeIn(context), "slack.noteTooLong", { length: note.length, max: PROMISE_NOTE_MAX });
    if (!parsed.ok || Object.keys(errors).length > 0) {
      await ack({ response_action: "errors", errors });
      return;
    }
    await ack();
    const meta = JSON.parse(view.private_metadata || "{}") as { c?: number; l?: string };
    try {
      const person = personIn(context);
      if (!meta.c || !meta.l) throw new AppError("input.invalid", STALE_TASK_BUTTON);
      const result = await agreePaymentPlan(
        db,
        { personId: person.id, origin: "SLACK" },
        { customerId: meta.c, instalments: parsed.instalments, fromLevelId: meta.l, note, idempotencyKey: `slack:${view.id}` },
        now(),
      );
      await sendDirectMessage(client, body.user.id, { text: plainText(result.text) });
    } catch (error) {
      logger.warn({ code: error instanceof AppError ? error.code : "unexpected" }, "payment plan form not recorded");
      const locale = localeIn(context);
      await sendDirectMessage(client, body.user.id, { text: plainText(t(locale, "chat.plan.notRecorded", { reason: userMessage(error, logger, locale) })) });
    }
  };
}
