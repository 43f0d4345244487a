// "Correct the contact" on a wrong-contact task card (Action.Execute, or its Action.Submit fallback), through the
// same use case as Slack and the CLI (src/usecases/wrongContact.ts): the address typed under the task
// (email_<f>) replaces the one that bounced; the answer is the task card refreshed with a notice.
import { AppError } from "../../../errors.js";
import { t as tr } from "../../../i18n/index.js";
import { FormError } from "../../../usecases/contacts.js";
import { correctContact } from "../../../usecases/wrongContact.js";
import { STALE_TASK_BUTTON } from "../../messages.js";
import { contactCorrectedNotice, contactEmailProblem } from "../../words.js";
import { taskKey } from "../cards.js";
import { authorize, localeOf, type Inbound, type TeamsContext } from "../context.js";
import { inert } from "../text.js";
import { taskCard } from "../views.js";
import { cardResponse, messageResponse, type CardActionAnswer } from "./invokes.js";

function heldCustomers(data: Record<string, unknown>): number[] | undefined {
  const k = data.k;
  return Array.isArray(k) && k.every((id) => Number.isInteger(id)) ? (k as number[]) : undefined;
}

export async function taskContactFix(t: TeamsContext, a: Inbound, data: Record<string, unknown>): Promise<CardActionAnswer> {
  const person = await authorize(t, a, "work-tasks");
  const locale = await localeOf(t);
  const customerId = Number(data.c);
  if (!Number.isInteger(customerId)) throw new AppError("input.invalid", STALE_TASK_BUTTON);
  const typed = String(data[`email_${String(data.f)}`] ?? "");
  let result;
  try {
    result = await correctContact(t.db, { personId: person.id, origin: "TEAMS" }, { customerId, email: typed }, t.now());
  } catch (error) {
    if (!(error instanceof FormError)) throw error;
    const problem = contactEmailProblem(error, locale, inert);
    return messageResponse(tr(locale, "contact.notCorrected", { reason: problem }));
  }
  t.logger.info({ customerId, status: result.status }, "wrong contact corrected from Teams");
  const notice = contactCorrectedNotice(result, locale, inert);
  return cardResponse(await taskCard(t, person.id, taskKey(customerId, "wrong-contact"), notice, heldCustomers(data)));
}
