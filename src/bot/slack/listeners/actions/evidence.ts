// The evidence file of an account (statement of account, sealed history), by direct message to the person
// who asked: it is personal data.
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from "@slack/bolt";
import { evidenceFile, evidenceFileName } from "../../../../documents/evidence.js";
import { AppError } from "../../../../errors.js";
import { errorBlocks, plainText } from "../../blocks.js";
import { afterAck, BUSY, userMessage, type ListenerDeps } from "../../deps.js";
import { answerPrivately, sendFilePrivately } from "../../effects.js";

export function evidenceButton(deps: ListenerDeps) {
  const { db, logger, now } = deps;
  return async ({ ack, body, action, respond, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    await afterAck(
      deps,
      async () => {
        try {
          const customerId = Number((action as { value?: string }).value);
          const customer = Number.isInteger(customerId) ? await db.prisma.customer.findUnique({ where: { id: customerId } }) : null;
          if (!customer) throw new AppError("not_found", "This customer is no longer known.");
          const { pdf, entries, intact } = await evidenceFile(db, customer.id, now());
          const sent = await sendFilePrivately(client, (body as { user: { id: string } }).user.id, {
            data: pdf,
            filename: evidenceFileName(customer.externalId),
            title: `Evidence file — ${customer.name}`,
            comment: plainText(
              `Evidence file of ${customer.name}: statement of account and ${entries} history entries, ${intact ? "seals intact" : "SEALS BROKEN — run ccbot history verify"}.`,
            ),
          });
          if (!sent) throw new AppError("conflict", "Slack did not open a direct message with you.");
        } catch (error) {
          await answerPrivately(respond, client, body, { ...errorBlocks(userMessage(error, logger)), replace_original: false });
        }
      },
      () => answerPrivately(respond, client, body, { replace_original: false, ...errorBlocks(BUSY) }),
    );
  };
}
