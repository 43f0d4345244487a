// The e-mail and letter actions of a task card (Action.Execute, or its Action.Submit fallback), through the same
// use cases as Slack: Send queues the proposed reminder; Edit then send replaces the task card with the form
// prefilled from the preview (a field refused comes back on the form, with the words typed); "Sent by registered
// letter" records the tracking number once (letter.sent). Each answer is the task card refreshed with a notice.
import { readTrackingNumber } from "../../../domain/registeredMail.js";
import { AppError } from "../../../errors.js";
import { t as tr } from "../../../i18n/index.js";
import { FormError } from "../../../usecases/contacts.js";
import { previewReminder, readEditedEmail, sendReminderFromTask } from "../../../usecases/emailReminders.js";
import { recordLetterSent } from "../../../usecases/letterSent.js";
import { STALE_TASK_BUTTON } from "../../messages.js";
import { taskKey } from "../cards.js";
import { authorize, localeOf, type Inbound, type TeamsContext } from "../context.js";
import { emailEditCard } from "../mailCards.js";
import { inert } from "../text.js";
import { customerName, taskCard } from "../views.js";
import { cardResponse, messageResponse, type CardActionAnswer } from "./invokes.js";

function heldCustomers(data: Record<string, unknown>): number[] | undefined {
  const k = data.k;
  return Array.isArray(k) && k.every((id) => Number.isInteger(id)) ? (k as number[]) : undefined;
}

function emailTask(data: Record<string, unknown>): { customerId: number; levelId: string } {
  const customerId = Number(data.c);
  const levelId = String(data.l ?? "");
  if (!Number.isInteger(customerId) || !levelId) throw new AppError("input.invalid", STALE_TASK_BUTTON);
  return { customerId, levelId };
}

/** Send, from the task card or from the edit form (data.edited: the subject and message typed). */
export async function taskEmailSend(t: TeamsContext, a: Inbound, data: Record<string, unknown>): Promise<CardActionAnswer> {
  const person = await authorize(t, a, "work-tasks");
  const locale = await localeOf(t);
  if (!t.mailReady) return messageResponse(tr(locale, "mail.notConfigured"));
  const task = emailTask(data);
  let overrides;
  if (data.edited) {
    try {
      overrides = readEditedEmail({ subject: data.subject, message: data.message });
    } catch (error) {
      if (!(error instanceof FormError)) throw error;
      const preview = await previewReminder(t.db, t.policy, task, t.now());
      const taskData = Object.fromEntries(Object.entries(data).filter(([key]) => !["edited", "subject", "message"].includes(key)));
      return cardResponse(
        emailEditCard({ to: preview.to, subject: String(data.subject ?? ""), message: String(data.message ?? ""), error: Object.values(error.fieldsIn(locale)).join(" ") }, taskData, locale),
      );
    }
  }
  const result = await sendReminderFromTask(t.db, t.policy, { personId: person.id, origin: "TEAMS" }, { ...task, ...(overrides ? { overrides } : {}) }, t.now());
  t.logger.info({ customerId: task.customerId, status: result.status, edited: Boolean(overrides) }, "reminder e-mail asked from a Teams task");
  const notice = tr(locale, result.status === "queued" ? "mail.queued" : "mail.alreadyQueued", { level: task.levelId, customer: inert(await customerName(t, task.customerId)) });
  return cardResponse(await taskCard(t, person.id, taskKey(task.customerId, task.levelId), notice, heldCustomers(data)));
}

/** Edit then send: the form, prefilled from the preview, in place of the task card. */
export async function taskEmailEdit(t: TeamsContext, a: Inbound, data: Record<string, unknown>): Promise<CardActionAnswer> {
  await authorize(t, a, "work-tasks");
  const locale = await localeOf(t);
  if (!t.mailReady) return messageResponse(tr(locale, "mail.notConfigured"));
  const task = emailTask(data);
  const preview = await previewReminder(t.db, t.policy, task, t.now());
  return cardResponse(emailEditCard({ to: preview.to, subject: preview.subject, message: preview.message }, data, locale));
}

/** Cancel on the edit form: the task card back, nothing sent. */
export async function taskEmailCancel(t: TeamsContext, a: Inbound, data: Record<string, unknown>): Promise<CardActionAnswer> {
  const person = await authorize(t, a, "work-tasks");
  return cardResponse(await taskCard(t, person.id, "", "", heldCustomers(data)));
}

/** "Sent by registered letter": the tracking number typed under the task (tracking_<f>). */
export async function taskLetterSent(t: TeamsContext, a: Inbound, data: Record<string, unknown>): Promise<CardActionAnswer> {
  const person = await authorize(t, a, "work-tasks");
  const locale = await localeOf(t);
  const actionId = Number(data.a);
  const customerId = Number(data.c);
  if (!Number.isInteger(actionId) || !Number.isInteger(customerId)) throw new AppError("input.invalid", STALE_TASK_BUTTON);
  const typed = String(data[`tracking_${String(data.f)}`] ?? "");
  const tracking = readTrackingNumber(typed, locale);
  if (!tracking.ok) return messageResponse(tr(locale, "letter.notRecorded", { reason: inert(tracking.problem) }));
  const result = await recordLetterSent(t.db, { personId: person.id, origin: "TEAMS" }, { actionId, trackingNumber: typed }, t.now());
  t.logger.info({ actionId, status: result.status }, "registered letter recorded from Teams");
  const notice = tr(locale, result.status === "recorded" ? "letter.recorded" : "letter.alreadyRecorded", {
    customer: inert(result.customerName),
    tracking: inert(result.registeredMail),
  });
  return cardResponse(await taskCard(t, person.id, taskKey(customerId, "notice-letter"), notice, heldCustomers(data)));
}
