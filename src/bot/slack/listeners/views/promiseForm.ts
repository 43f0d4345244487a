// The promise-to-pay form opened from a task: a wrong amount, a past date or a note too long comes back on
// the field; a good one is recorded.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from "@slack/bolt";
import { loadSettings } from "../../../../db/settings.js";
import { calendarDateAt } from "../../../../domain/calendarDate.js";
import { AppError } from "../../../../errors.js";
import { readPromiseForm, recordPromiseFromCall } from "../../../../usecases/contacts.js";
import { plainText } from "../../blocks.js";
import { userMessage, type ListenerDeps } from "../../deps.js";
import { sendDirectMessage } from "../../effects.js";
import { t } from "../../../../i18n/index.js";
import { personIn } from "../../trust.js";
import { STALE_TASK_BUTTON } from "../../../messages.js";

/** The longest note kept with a promise (characters). */
export const PROMISE_NOTE_MAX = 2000;

export function promiseForm(deps: ListenerDeps) {
  const { db, logger, now } = deps;
  return async ({ ack, view, body, client, context }: SlackViewMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const values = view.state.values as Record<string, { value?: { value?: string | null; selected_date?: string | null } }>;
    const amountText = values.amount?.value?.value ?? "";
    const date = values.date?.value?.selected_date ?? "";
    const note = values.note?.value?.value?.trim() || undefined;
    const settings = await db.withConnection(loadSettings);
    const form = readPromiseForm({ amount: amountText, date }, calendarDateAt(now(), settings.timeZone), settings.locale);
    const errors: Record<string, string> = form.ok ? {} : { ...form.errors };
    if (note && note.length > PROMISE_NOTE_MAX)
      errors.note = t(settings.locale, "slack.noteTooLong", { length: note.length, max: PROMISE_NOTE_MAX });
    if (!form.ok || Object.keys(errors).length > 0) {
      await ack({ response_action: "errors", errors });
      return;
    }
    await ack();
    const meta = JSON.parse(view.private_metadata || "{}") as { c?: number; l?: string; ch?: string };
    try {
      const person = personIn(context);
      if (!meta.c || !meta.l) throw new AppError("input.invalid", STALE_TASK_BUTTON);
      await recordPromiseFromCall(
        db,
        { personId: person.id, origin: "SLACK" },
        { customerId: meta.c, levelId: meta.l, amount: form.amount, promisedDate: form.date, note },
        now(),
      );
    } catch (error) {
      logger.warn({ code: error instanceof AppError ? error.code : "unexpected" }, "promise form not recorded");
      await sendDirectMessage(client, body.user.id, {
        text: plainText(t(settings.locale, "slack.promiseNotRecorded", { reason: userMessage(error, logger, settings.locale) })),
      });
    }
  };
}
