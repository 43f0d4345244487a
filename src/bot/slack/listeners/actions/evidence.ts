// The evidence file of an account (statement of account, sealed history), by direct message to the person
// who asked: it is personal data.
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from "@slack/bolt";
import { evidenceFile, evidenceFileName } from "../../../../documents/evidence.js";
import { AppError } from "../../../../errors.js";
import { errorBlocks, plainText } from "../../blocks.js";
import { phrase, t } from "../../../../i18n/index.js";
import { afterAck, busy, userMessage, type ListenerDeps } from "../../deps.js";
import { answerPrivately, sendFilePrivately } from "../../effects.js";
import { localeIn } from "../../trust.js";

export function evidenceButton(deps: ListenerDeps) {
  const { db, logger, now } = deps;
  return async ({ ack, body, action, respond, client, context }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const locale = localeIn(context);
    await afterAck(
      deps,
      async () => {
        try {
          const customerId = Number((action as { value?: string }).value);
          const customer = Number.isInteger(customerId) ? await db.prisma.customer.findUnique({ where: { id: customerId } }) : null;
          if (!customer) throw new AppError("not_found", phrase("bot.customerUnknown"));
          const { pdf, entries, intact } = await evidenceFile(db, customer.id, now());
          const sent = await sendFilePrivately(client, (body as { user: { id: string } }).user.id, {
            data: pdf,
            filename: evidenceFileName(customer.externalId),
            title: t(locale, "bot.evidenceTitle", { customer: customer.name }),
            comment: plainText(
              t(locale, "bot.evidenceComment", { customer: customer.name, entries, intact: intact ? "yes" : "no" }),
            ),
          });
          if (!sent) throw new AppError("conflict", phrase("bot.noDirectMessage"));
        } catch (error) {
          await answerPrivately(respond, client, body, { ...errorBlocks(userMessage(error, logger, locale)), replace_original: false });
        }
      },
      () => answerPrivately(respond, client, body, { replace_original: false, ...errorBlocks(busy(locale)) }),
    );
  };
}
