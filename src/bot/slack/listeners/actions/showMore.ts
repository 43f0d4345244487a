// "12 more, smaller: show": posts the proposals left off the agenda in the digest's thread (once: a second
// click is told they are there), as action messages that votes refresh like the others.
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from "@slack/bolt";
import { showMoreActions, showMoreText } from "../../../../jobs/weeklyDigest.js";
import { errorBlocks, infoBlocks } from "../../blocks.js";
import { afterAck, busy, userMessage, type ListenerDeps } from "../../deps.js";
import { localeIn } from "../../trust.js";
import { answerPrivately } from "../../effects.js";
import { slackDigestPublisher } from "../../publisher.js";

export function showMoreButton(deps: ListenerDeps) {
  const { db, policy, logger } = deps;
  return async ({ ack, body, action, respond, client, context }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const b = body as { container?: { channel_id?: string } };
    await afterAck(
      deps,
      async () => {
        let answer: { text: string; failed: boolean };
        try {
          const period = String((action as { value?: string }).value ?? "");
          const publisher = slackDigestPublisher(client, b.container?.channel_id ?? "");
          const shown = await showMoreActions({ db, policy, publisher }, period);
          answer = { text: showMoreText(shown, localeIn(context)), failed: false };
        } catch (error) {
          answer = { text: userMessage(error, logger, localeIn(context)), failed: true };
        }
        await answerPrivately(respond, client, body, {
          replace_original: false,
          ...(answer.failed ? errorBlocks : infoBlocks)(answer.text),
        });
      },
      () => answerPrivately(respond, client, body, { replace_original: false, ...errorBlocks(busy(localeIn(context))) }),
    );
  };
}
