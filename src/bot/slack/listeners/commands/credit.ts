// `/credit <name, customer id or invoice>`: the customer file, privately to who asked.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { loadSettings } from "../../../../db/settings.js";
import { bucketLabels } from "../../../../domain/aging.js";
import { calendarDateAt } from "../../../../domain/calendarDate.js";
import { AppError } from "../../../../errors.js";
import { accountView } from "../../../../services/committeeViews.js";
import { findAccount } from "../../../../usecases/accounts.js";
import { customerFileBlocks, errorBlocks } from "../../blocks.js";
import { phrase } from "../../../../i18n/index.js";
import { afterAck, busy, userMessage, type ListenerDeps } from "../../deps.js";
import { answerPrivately } from "../../effects.js";
import { localeIn } from "../../trust.js";

/** The longest search accepted: a name, a customer id or an invoice number is never longer. */
export const CREDIT_QUERY_MAX = 200;

export function creditCommand(deps: ListenerDeps) {
  const { db, policy, logger, now } = deps;
  return async ({ command, ack, respond, client, body, context }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const locale = localeIn(context);
    await afterAck(
      deps,
      async () => {
        try {
          const query = command.text.trim();
          if (query.length > CREDIT_QUERY_MAX)
            throw new AppError("input.invalid", phrase("bot.searchTooLong", { length: query.length, max: CREDIT_QUERY_MAX }));
          const customer = await findAccount(db, query);
          const timeZone = (await db.withConnection(loadSettings)).timeZone;
          const { settings, account, file } = await accountView(db, policy, calendarDateAt(now(), timeZone), customer.id);
          const message = customerFileBlocks({
            account,
            file,
            bucketLabels: bucketLabels(policy.agingBuckets, settings.locale),
            currency: settings.currency,
            locale: settings.locale,
          });
          await answerPrivately(respond, client, body, message);
        } catch (error) {
          await answerPrivately(respond, client, body, errorBlocks(userMessage(error, logger, locale)));
        }
      },
      () => answerPrivately(respond, client, body, { ...errorBlocks(busy(locale)) }),
    );
  };
}
