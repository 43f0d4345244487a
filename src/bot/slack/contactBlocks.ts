// Block Kit for the "wrong contact" task (an e-mail bounced, src/mail/bounces.ts): its "Correct the contact"
// button and the form asking for the right address (src/usecases/wrongContact.ts). Action ids are shared with
// the listeners (src/bot/slack/listeners/index.ts).
import type { CollectorTask } from "../../domain/digest.js";
import { t } from "../../i18n/index.js";
import { EMAIL_MAX } from "../../usecases/wrongContact.js";

type Block = Record<string, unknown>;

export const CONTACT_FIX_BUTTON = "task_contact_fix";
export const CONTACT_FIX_MODAL = "contact_fix_modal";

const plain = (text: string, max = 75) => ({ type: "plain_text", text: text.length > max ? `${text.slice(0, max - 1)}…` : text });

/** The wrong-contact task's button; none for other tasks. */
export function contactTaskButtons(task: Pick<CollectorTask, "customerId" | "kind">, locale: string): Block[] {
  if (task.kind !== "wrong-contact") return [];
  return [{ type: "button", action_id: CONTACT_FIX_BUTTON, style: "primary", text: plain(t(locale, "contact.fixButton")), value: JSON.stringify({ c: task.customerId }) }];
}

/** The right address for the customer's billing contact, with what bounced above it. */
export function contactFixModal(input: { customerId: number; addresses: string[]; reason: string }, locale: string): Block {
  return {
    type: "modal",
    callback_id: CONTACT_FIX_MODAL,
    private_metadata: JSON.stringify({ c: input.customerId }),
    title: plain(t(locale, "contact.fixTitle"), 24),
    submit: plain(t(locale, "contact.save"), 24),
    close: plain(t(locale, "mail.cancel"), 24),
    blocks: [
      { type: "context", elements: [{ type: "plain_text", text: t(locale, "contact.bounced", { addresses: input.addresses.join(", "), reason: input.reason }).slice(0, 2000) }] },
      {
        type: "input",
        block_id: "email",
        label: plain(t(locale, "contact.email"), 2000),
        element: { type: "plain_text_input", action_id: "value", max_length: EMAIL_MAX, placeholder: plain(t(locale, "contact.emailHint"), 150) },
      },
    ],
  };
}
