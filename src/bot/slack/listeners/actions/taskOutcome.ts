// A collector's outcome button on a task (reached, no answer, dispute...): recorded once in the history,
// the task marked done in the message.
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from "@slack/bolt";
import { AppError } from "../../../../errors.js";
import { recordTaskOutcome } from "../../../../usecases/contacts.js";
import { STALE_TASK_BUTTON } from "../../../messages.js";
import { errorBlocks, escape, infoBlocks, type Block } from "../../blocks.js";
import { t } from "../../../../i18n/index.js";
import { afterAck, busy, userMessage, type ListenerDeps } from "../../deps.js";
import { answerPrivately, updateMessageBlocks } from "../../effects.js";
import { localeIn, personIn } from "../../trust.js";
import { isTaskOutcome } from "../../../../domain/digest.js";
import { outcomeLabel } from "../../../words.js";

export function taskOutcomeButton(deps: ListenerDeps) {
  const { db, logger, now } = deps;
  return async ({ ack, body, action, respond, client, context }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const locale = localeIn(context);
    await afterAck(
      deps,
      async () => {
        try {
          const person = personIn(context);
          const value = JSON.parse((action as { value?: string }).value ?? "{}") as { c?: number; l?: string; ch?: string; o?: string };
          if (!value.c || !value.l || !value.o) throw new AppError("input.invalid", STALE_TASK_BUTTON);
          const { label } = await recordTaskOutcome(
            db,
            { personId: person.id, origin: "SLACK" },
            { customerId: value.c, levelId: value.l, channel: value.ch, outcome: value.o },
            now(),
          );
          const message = body as { message?: { ts: string; blocks?: Block[] }; container?: { channel_id?: string } };
          if (message.message?.blocks && message.container?.channel_id) {
            const key = `task-${value.c}:${value.l}`;
            const blocks = message.message.blocks.map((b) =>
              b.block_id === key
                ? { type: "context", block_id: key, elements: [{ type: "mrkdwn", text: `:white_check_mark: ${t(locale, "bot.taskRecorded", { label: escape(isTaskOutcome(value.o) ? outcomeLabel(value.o, locale) : label) })}` }] }
                : b,
            );
            await updateMessageBlocks(client, message.container.channel_id, message.message.ts, blocks, t(locale, "bot.yourTasks"));
          }
          if (value.o === "dispute") {
            await answerPrivately(respond, client, body, {
              replace_original: false,
              ...infoBlocks(t(locale, "bot.recordedDisputeHint")),
            });
          }
        } catch (error) {
          await answerPrivately(respond, client, body, { replace_original: false, ...errorBlocks(userMessage(error, logger, locale)) });
        }
      },
      () => answerPrivately(respond, client, body, { replace_original: false, ...errorBlocks(busy(locale)) }),
    );
  };
}
