// Adaptive Card pieces for payment plans: the "Payment plan" form shown under a collector's task. Pure; the
// verb is shared with the handler (src/bot/teams/handlers/paymentPlan.ts) through this constant.
import { execute, type Element } from "./cards.js";

export const PLAN_VERB = "task.plan";

/** The form of task number `index` of a card: one instalment a line, what was agreed. */
export function planShowCard(index: number, data: Record<string, unknown>): Element {
  return {
    type: "Action.ShowCard",
    title: "Payment plan",
    card: {
      type: "AdaptiveCard",
      body: [
        {
          type: "Input.Text",
          id: `instalments_${index}`,
          label: "Instalments (one a line: date: amount)",
          placeholder: "2026-12-15: 1 000,00",
          isMultiline: true,
          isRequired: true,
          errorMessage: "Enter at least two instalments",
          maxLength: 2000,
        },
        { type: "Input.Text", id: `plannote_${index}`, label: "What was agreed", isMultiline: true, maxLength: 1000 },
      ],
      actions: [execute("Agree the plan", PLAN_VERB, data)],
    },
  };
}
