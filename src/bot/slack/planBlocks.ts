// Block Kit for payment plans: the "Payment plan" button on a collector's task and the form it opens. Pure
// builders of plain data; the action ids are shared with the listeners through these constants.
import { escape, LIMITS, truncate } from "./blocks.js";

export const PLAN_BUTTON = "task_payment_plan";
export const PLAN_MODAL = "payment_plan_modal";

/** The button's value: the task it stands for (customer, level, channel), the name and overdue for the form. */
export function planButton(input: { customerId: number; levelId: string; channel: string; customerName: string; overdue: string }) {
  return {
    type: "button",
    action_id: PLAN_BUTTON,
    text: { type: "plain_text", text: "Payment plan" },
    value: JSON.stringify({ c: input.customerId, l: input.levelId, ch: input.channel, n: truncate(input.customerName, 60), d: input.overdue }),
  };
}

/** The payment plan form: one instalment a line ("2026-12-15: 1 000,00"), what was agreed; the task in private_metadata. */
export function planModal(input: { customerId: number; customerName: string; levelId: string; overdue: string; channel: string }): Record<string, unknown> {
  return {
    type: "modal",
    callback_id: PLAN_MODAL,
    private_metadata: JSON.stringify({ c: input.customerId, l: input.levelId, ch: input.channel }),
    title: { type: "plain_text", text: "Payment plan" },
    submit: { type: "plain_text", text: "Agree the plan" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: { type: "mrkdwn", text: truncate(`*${escape(input.customerName)}* — ${escape(input.overdue)} overdue`, LIMITS.sectionText) },
      },
      {
        type: "input",
        block_id: "instalments",
        label: { type: "plain_text", text: "Instalments (one a line: date: amount)" },
        hint: { type: "plain_text", text: "At least two, in date order, none before today. Let them make the first offer." },
        element: {
          type: "plain_text_input",
          action_id: "value",
          multiline: true,
          placeholder: { type: "plain_text", text: "2026-12-15: 1 000,00\n2027-01-15: 1 000,00" },
        },
      },
      {
        type: "input",
        block_id: "note",
        optional: true,
        label: { type: "plain_text", text: "What was agreed" },
        element: { type: "plain_text_input", action_id: "value", multiline: true },
      },
    ],
  };
}
