// The task card's "Payment plan" form (Action.Execute, or its Action.Submit fallback): the instalments read
// and checked (a problem is answered to the person, naming the instalment), then the plan agreed through the
// same use case as Slack and the CLI, once per activity, and the task card refreshed with what was recorded.
import { minorDigits } from "../../../domain/money.js";
import { listSeparator } from "../../../domain/digest.js";
import { parseInstalments, planProblems } from "../../../domain/paymentPlan.js";
import { AppError } from "../../../errors.js";
import { t as tr } from "../../../i18n/index.js";
import { agreePaymentPlan } from "../../../usecases/paymentPlans.js";
import { STALE_TASK_BUTTON } from "../../messages.js";
import { taskKey } from "../cards.js";
import { authorize, today, type Inbound, type TeamsContext } from "../context.js";
import { inert, md } from "../text.js";
import { customerName, taskCard } from "../views.js";
import { cardResponse, messageResponse, type CardActionAnswer } from "./invokes.js";

export async function taskPaymentPlan(t: TeamsContext, a: Inbound, data: Record<string, unknown>): Promise<CardActionAnswer> {
  const person = await authorize(t, a, "work-tasks");
  const customerId = Number(data.c);
  const level = String(data.l ?? "");
  if (!Number.isInteger(customerId) || !level) throw new AppError("input.invalid", STALE_TASK_BUTTON);
  const { asOf, settings } = await today(t);
  const field = (name: string) => String(data[`${name}_${String(data.f)}`] ?? "");
  const locale = settings.locale;
  const parsed = parseInstalments(field("instalments"), minorDigits(settings.currency), locale);
  if (!parsed.ok) return messageResponse(inert(tr(locale, "chat.plan.notRecorded", { reason: parsed.errors.join(listSeparator(locale)) })));
  const problems = planProblems({ agreedOn: asOf, instalments: parsed.instalments, locale });
  if (problems.length) return messageResponse(inert(tr(locale, "chat.plan.notRecorded", { reason: problems.join(listSeparator(locale)) })));
  const note = field("plannote").trim() || undefined;
  const result = await agreePaymentPlan(
    t.db,
    { personId: person.id, origin: "TEAMS" },
    {
      customerId,
      instalments: parsed.instalments,
      fromLevelId: level,
      ...(note ? { note } : {}),
      ...(a.id ? { idempotencyKey: `teams:${a.id}` } : {}),
    },
    t.now(),
  );
  const k = data.k;
  const held = Array.isArray(k) && k.every((id) => Number.isInteger(id)) ? (k as number[]) : undefined;
  return cardResponse(await taskCard(t, person.id, taskKey(customerId, level), md`${await customerName(t, customerId)}: ` + inert(result.text), held));
}
