// Adaptive Card pieces for payment plans: the "Payment plan" form shown under a collector's task. Pure; the
// verb is shared with the handler (src/bot/teams/handlers/paymentPlan.ts) through this constant.
import { t } from "../../i18n/index.js";
import { execute, type Element } from "./cards.js";

export const PLAN_VERB = "task.plan";

/** The form of task number `index` of a card: one instalment a line, what was agreed. */
export function planShowCard(index: number, data: Record<string, unknown>, locale: string): Element {
  return {
    type: "Action.ShowCard",
    title: t(locale, "chat.plan.button"),
    card: {
      type: "AdaptiveCard",
      body: [
        {
          type: "Input.Text",
          id: `instalments_${index}`,
          label: t(locale, "chat.plan.instalments"),
          placeholder: "2026-12-15: 1 000,00",
          isMultiline: true,
          isRequired: true,
          errorMessage: t(locale, "chat.plan.enterTwo"),
          maxLength: 2000,
        },
        { type: "Input.Text", id: `plannote_${index}`, label: t(locale, "chat.promise.note"), isMultiline: true, maxLength: 1000 },
      ],
      actions: [execute(t(locale, "chat.plan.submit"), PLAN_VERB, data)],
    },
  };
}
