// Adaptive Card pieces for the e-mail and letter actions of a collector's task (docs/email.md): Send / Edit then
// send on an e-mail step the policy proposes (when SMTP is configured), "Sent by registered letter" with its
// tracking number on an issued formal notice, and the edit form that replaces the task card. Pure; the verbs are
// shared with the handler (src/bot/teams/handlers/mailTask.ts) through these constants.
import type { CollectorTask } from "../../domain/digest.js";
import { TRACKING_MAX } from "../../domain/registeredMail.js";
import { t } from "../../i18n/index.js";
import { MESSAGE_MAX, SUBJECT_MAX } from "../../usecases/emailReminders.js";
import { execute, type AdaptiveCard, type Element } from "./cards.js";
import { contactTaskActions } from "./contactCards.js";
import { inert } from "./text.js";

export const EMAIL_SEND_VERB = "task.email.send";
export const EMAIL_EDIT_VERB = "task.email.edit";
export const LETTER_SENT_VERB = "task.letter.sent";
export const EMAIL_CANCEL_VERB = "task.email.cancel";

/** The actions task number `index` gains (none for most); `data` is the task's own action data. */
export function mailTaskActions(
  task: Pick<CollectorTask, "kind" | "proposeEmail" | "levelId" | "actionId">,
  index: number,
  data: Record<string, unknown>,
  locale: string,
  mailReady: boolean,
): Element[] {
  if (task.kind === "wrong-contact") return contactTaskActions(index, data, locale);
  if (task.kind === "notice-letter" && task.actionId)
    return [
      {
        type: "Action.ShowCard",
        title: t(locale, "letter.sentButton"),
        card: {
          type: "AdaptiveCard",
          body: [
            {
              type: "Input.Text",
              id: `tracking_${index}`,
              label: t(locale, "letter.tracking"),
              placeholder: t(locale, "letter.trackingHint"),
              isRequired: true,
              errorMessage: t(locale, "letter.tracking"),
              maxLength: TRACKING_MAX * 2,
            },
          ],
          actions: [execute(t(locale, "letter.record"), LETTER_SENT_VERB, { ...data, a: task.actionId })],
        },
      },
    ];
  if (task.kind === "step" && task.proposeEmail && task.levelId && mailReady)
    return [
      execute(t(locale, "mail.sendButton"), EMAIL_SEND_VERB, data, { style: "positive" }),
      execute(t(locale, "mail.editButton"), EMAIL_EDIT_VERB, data),
    ];
  return [];
}

/** Edit then send, in place of the task card: the subject and the message prefilled from the preview. */
export function emailEditCard(
  input: { to: string; subject: string; message: string; error?: string },
  data: Record<string, unknown>,
  locale: string,
): AdaptiveCard {
  const body: Element[] = [
    { type: "TextBlock", text: t(locale, "mail.editTitle"), wrap: true, size: "Medium", weight: "Bolder", style: "heading" },
    ...(input.error ? [{ type: "TextBlock", text: `⚠️ ${inert(input.error, 1000)}`, wrap: true, color: "Attention" }] : []),
    { type: "TextBlock", text: inert(t(locale, "mail.to", { to: input.to }), 500), wrap: true, isSubtle: true },
    { type: "Input.Text", id: "subject", label: t(locale, "mail.subject"), value: input.subject, maxLength: SUBJECT_MAX, isRequired: true, errorMessage: t(locale, "mail.subject") },
    { type: "Input.Text", id: "message", label: t(locale, "mail.message"), value: input.message, isMultiline: true, maxLength: MESSAGE_MAX, isRequired: true, errorMessage: t(locale, "mail.message") },
  ];
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.5",
    body,
    actions: [
      execute(t(locale, "mail.send"), EMAIL_SEND_VERB, { ...data, edited: true }, { style: "positive" }),
      execute(t(locale, "mail.cancel"), EMAIL_CANCEL_VERB, data),
    ],
    msteams: { width: "Full" },
  };
}
