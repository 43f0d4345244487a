// Block Kit for the e-mail and letter buttons of a collector's task (docs/email.md): Send / Edit then send on an
// e-mail step the policy proposes (when SMTP is configured), "Sent by registered letter" on an issued formal
// notice; the forms they open. Action ids are shared with the listeners (src/bot/slack/listeners/index.ts).
import type { CollectorTask } from "../../domain/digest.js";
import { t } from "../../i18n/index.js";
import { contactTaskButtons } from "./contactBlocks.js";
import { MESSAGE_MAX, SUBJECT_MAX } from "../../usecases/emailReminders.js";
import { TRACKING_MAX } from "../../domain/registeredMail.js";

type Block = Record<string, unknown>;

export const EMAIL_SEND_BUTTON = "task_email_send";
export const EMAIL_EDIT_BUTTON = "task_email_edit";
export const EMAIL_EDIT_MODAL = "email_edit_modal";
export const LETTER_SENT_BUTTON = "task_letter_sent";
export const LETTER_SENT_MODAL = "letter_sent_modal";

const plain = (text: string, max = 75) => ({ type: "plain_text", text: text.length > max ? `${text.slice(0, max - 1)}…` : text });

/** The buttons a task gains: none for most. */
export function mailTaskButtons(task: Pick<CollectorTask, "customerId" | "levelId" | "kind" | "proposeEmail" | "actionId">, locale: string, mailReady: boolean): Block[] {
  if (task.kind === "wrong-contact") return contactTaskButtons(task, locale);
  if (task.kind === "notice-letter" && task.actionId)
    return [{ type: "button", action_id: LETTER_SENT_BUTTON, style: "primary", text: plain(t(locale, "letter.sentButton")), value: JSON.stringify({ a: task.actionId }) }];
  if (task.kind === "step" && task.proposeEmail && task.levelId && mailReady) {
    const value = JSON.stringify({ c: task.customerId, l: task.levelId });
    return [
      { type: "button", action_id: EMAIL_SEND_BUTTON, style: "primary", text: plain(t(locale, "mail.sendButton")), value },
      { type: "button", action_id: EMAIL_EDIT_BUTTON, text: plain(t(locale, "mail.editButton")), value },
    ];
  }
  return [];
}

/** Edit then send: the subject and the message paragraph, prefilled from the preview. */
export function emailEditModal(input: { customerId: number; levelId: string; to: string; subject: string; message: string }, locale: string): Block {
  return {
    type: "modal",
    callback_id: EMAIL_EDIT_MODAL,
    private_metadata: JSON.stringify({ c: input.customerId, l: input.levelId }),
    title: plain(t(locale, "mail.editTitle"), 24),
    submit: plain(t(locale, "mail.send"), 24),
    close: plain(t(locale, "mail.cancel"), 24),
    blocks: [
      { type: "context", elements: [{ type: "plain_text", text: t(locale, "mail.to", { to: input.to }).slice(0, 2000) }] },
      {
        type: "input",
        block_id: "subject",
        label: plain(t(locale, "mail.subject"), 2000),
        element: { type: "plain_text_input", action_id: "value", initial_value: input.subject.slice(0, SUBJECT_MAX), max_length: SUBJECT_MAX },
      },
      {
        type: "input",
        block_id: "message",
        label: plain(t(locale, "mail.message"), 2000),
        element: { type: "plain_text_input", action_id: "value", multiline: true, initial_value: input.message.slice(0, MESSAGE_MAX), max_length: MESSAGE_MAX },
      },
    ],
  };
}

/** "Sent by registered letter": the tracking number. */
export function letterSentModal(input: { actionId: number }, locale: string): Block {
  return {
    type: "modal",
    callback_id: LETTER_SENT_MODAL,
    private_metadata: JSON.stringify({ a: input.actionId }),
    title: plain(t(locale, "letter.sentTitle"), 24),
    submit: plain(t(locale, "letter.record"), 24),
    close: plain(t(locale, "mail.cancel"), 24),
    blocks: [
      {
        type: "input",
        block_id: "tracking",
        label: plain(t(locale, "letter.tracking"), 2000),
        element: { type: "plain_text_input", action_id: "value", max_length: TRACKING_MAX * 2, placeholder: plain(t(locale, "letter.trackingHint"), 150) },
      },
    ],
  };
}
