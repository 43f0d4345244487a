// Adaptive Card piece for the "wrong contact" task (an e-mail bounced, src/mail/bounces.ts): "Correct the
// contact" opens the right address's field under the task. Pure; the verb is shared with the handler
// (src/bot/teams/handlers/contactFix.ts).
import { t } from "../../i18n/index.js";
import { EMAIL_MAX } from "../../usecases/wrongContact.js";
import { execute, type Element } from "./cards.js";

export const CONTACT_FIX_VERB = "task.contact.fix";

/** The wrong-contact task's action; `data` is the task's own action data (its index in f). */
export function contactTaskActions(index: number, data: Record<string, unknown>, locale: string): Element[] {
  return [
    {
      type: "Action.ShowCard",
      title: t(locale, "contact.fixButton"),
      card: {
        type: "AdaptiveCard",
        body: [
          {
            type: "Input.Text",
            id: `email_${index}`,
            label: t(locale, "contact.email"),
            placeholder: t(locale, "contact.emailHint"),
            style: "Email",
            isRequired: true,
            errorMessage: t(locale, "contact.email"),
            maxLength: EMAIL_MAX,
          },
        ],
        actions: [execute(t(locale, "contact.save"), CONTACT_FIX_VERB, data)],
      },
    },
  ];
}
