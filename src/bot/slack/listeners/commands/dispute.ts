// `/dispute INVOICE [category] reason` flags a dispute; `/dispute resolve INVOICE outcome` settles one; with
// parts missing, the dispute form opens prefilled with what was typed.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { AppError } from "../../../../errors.js";
import {
  disputeUsage,
  disputeSettledText,
  parseDisputeCommand,
  parseResolveCommand,
  resolveDispute,
  resolveUsage,
} from "../../../../usecases/disputes.js";
import { disputeModal, errorBlocks, infoBlocks } from "../../blocks.js";
import { triggerExpired, userMessage, type ListenerDeps } from "../../deps.js";
import { answerPrivately, openModal } from "../../effects.js";
import { t } from "../../../../i18n/index.js";
import { localeIn, personIn } from "../../trust.js";
import { flagAndTell } from "../views/disputeForm.js";

export function disputeCommand(deps: ListenerDeps) {
  const { db, logger, now } = deps;
  return async ({ command, ack, respond, client, body, context }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const locale = localeIn(context);
    try {
      const person = personIn(context);
      const resolve = parseResolveCommand(command.text);
      if (resolve === "usage") throw new AppError("input.usage", resolveUsage(locale, "/dispute"));
      if (resolve) {
        // Who may settle is the use case's rule (finance or back office), with the person's name in the refusal.
        await resolveDispute(db, { personId: person.id, origin: "SLACK" }, resolve, now());
        await answerPrivately(respond, client, body, infoBlocks(disputeSettledText(resolve.invoiceNumber, resolve.outcome, locale)));
        return;
      }
      const parsed = parseDisputeCommand(command.text);
      if (!parsed) {
        // Parts missing: the form, prefilled with what was typed. A trigger_id lives 3 seconds.
        const [invoiceNumber = "", ...rest] = command.text.trim().split(/\s+/);
        try {
          await openModal(client, command.trigger_id, disputeModal({ invoiceNumber, reason: rest.join(" "), channel: command.channel_id }, locale));
        } catch (error) {
          if (!triggerExpired(error)) throw error;
          throw new AppError("input.usage", t(locale, "slack.formTooSlowDispute", { usage: disputeUsage(locale, "/dispute") }));
        }
        return;
      }
      const message = await flagAndTell(deps, client, person, parsed, locale);
      await answerPrivately(respond, client, body, infoBlocks(message));
    } catch (error) {
      await answerPrivately(respond, client, body, errorBlocks(userMessage(error, logger, locale)));
    }
  };
}
