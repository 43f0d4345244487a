// The dispute form: field problems shown on the field; the use case's refusals (unknown invoice, paid,
// already disputed, reason too long) on the invoice or reason field; the confirmation by direct message.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import {
  disputeNoticeText,
  disputeRecordedText,
  flagDispute,
  readDisputeForm,
  type FlagDisputeInput,
} from "../../../../usecases/disputes.js";
import { escape, LIMITS, plainText, truncate } from "../../blocks.js";
import { userMessage, type ListenerDeps } from "../../deps.js";
import { sendDirectMessage } from "../../effects.js";
import { localeIn, personIn, type SlackPerson } from "../../trust.js";

/** Flags the dispute and tells the account's collector by direct message; the confirmation to show. */
export async function flagAndTell(
  deps: Pick<ListenerDeps, "db" | "now">,
  client: WebClient,
  person: SlackPerson,
  input: FlagDisputeInput,
  locale: string,
): Promise<string> {
  const { db, now } = deps;
  const dispute = await flagDispute(db, { personId: person.id, origin: "SLACK" }, input, now());
  if (dispute.collectorId !== null) {
    const collector = await db.prisma.chatIdentity.findFirst({ where: { personId: dispute.collectorId, platform: "SLACK" } });
    if (collector) {
      const notice = disputeNoticeText(person.name, dispute, input.reason, locale);
      await sendDirectMessage(client, collector.externalId, {
        text: plainText(notice),
        blocks: [{ type: "section", text: { type: "mrkdwn", text: truncate(`:pause_button: ${escape(notice)}`, LIMITS.sectionText) } }],
      });
    }
  }
  return disputeRecordedText(dispute, input.category, locale);
}

export function disputeForm(deps: ListenerDeps) {
  const { logger } = deps;
  return async ({ ack, view, body, client, context }: SlackViewMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const values = view.state.values as Record<string, { value?: { value?: string | null; selected_option?: { value: string } | null } }>;
    const form = readDisputeForm(
      {
        invoice: values.invoice?.value?.value ?? "",
        category: values.category?.value?.selected_option?.value ?? "",
        reason: values.reason?.value?.value ?? "",
        amount: values.amount?.value?.value ?? "",
      },
      localeIn(context),
    );
    if (!form.ok) {
      await ack({ response_action: "errors", errors: form.errors });
      return;
    }
    let message: string;
    try {
      message = await flagAndTell(deps, client, personIn(context), form.dispute, localeIn(context));
    } catch (error) {
      await ack({ response_action: "errors", errors: { invoice: userMessage(error, logger, localeIn(context)) } });
      return;
    }
    await ack();
    await sendDirectMessage(client, body.user.id, { text: plainText(message) });
  };
}
