// Block Kit for payment plans: the "Payment plan" button on a collector's task and the form it opens. Pure
// builders of plain data, on the same form builder as the other modals (forms.ts); the action ids are shared
// with the listeners through these constants.
import { t } from "../../i18n/index.js";
import { taskHeading, truncate } from "./blocks.js";
import { modal, textInput } from "./forms.js";

export const PLAN_BUTTON = "task_payment_plan";
export const PLAN_MODAL = "payment_plan_modal";

/** The button's value: the task it stands for (customer, level, channel), the name and overdue for the form. */
export function planButton(input: { customerId: number; levelId: string; channel: string; customerName: string; overdue: string }, locale: string) {
  return {
    type: "button",
    action_id: PLAN_BUTTON,
    text: { type: "plain_text", text: t(locale, "chat.plan.button") },
    value: JSON.stringify({ c: input.customerId, l: input.levelId, ch: input.channel, n: truncate(input.customerName, 60), d: input.overdue }),
  };
}

/** The payment plan form: one instalment a line ("2026-12-15: 1 000,00"), what was agreed; the task in private_metadata. */
export function planModal(
  input: { customerId: number; customerName: string; levelId: string; overdue: string; channel: string },
  locale: string,
): Record<string, unknown> {
  return modal({
    callbackId: PLAN_MODAL,
    metadata: { c: input.customerId, l: input.levelId, ch: input.channel },
    title: t(locale, "chat.plan.title"),
    submit: t(locale, "chat.plan.submit"),
    locale,
    blocks: [
      taskHeading(input, locale),
      textInput({
        blockId: "instalments",
        label: t(locale, "chat.plan.instalments"),
        hint: t(locale, "chat.plan.hint"),
        multiline: true,
        placeholder: "2026-12-15: 1 000,00\n2027-01-15: 1 000,00",
      }),
      textInput({ blockId: "note", label: t(locale, "chat.promise.note"), optional: true, multiline: true }),
    ],
  });
}
