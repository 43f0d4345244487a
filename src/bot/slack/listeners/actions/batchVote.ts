// "Approve the 6 delivery blocks above": one click, each proposal still checked against the policy and recorded
// on its own (usecases/votes.ts recordVotes calls recordVote for each, so each vote's effects are queued as for
// a single click). The person is answered privately with what happened to each.
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from "@slack/bolt";
import { AppError } from "../../../../errors.js";
import { recordVotes, refusedLine } from "../../../../usecases/votes.js";
import { STALE_ACTION_BUTTON } from "../../../messages.js";
import { errorBlocks, infoBlocks } from "../../blocks.js";
import { afterAck, busy, userMessage, type ListenerDeps } from "../../deps.js";
import { answerPrivately } from "../../effects.js";
import { localeIn, personIn } from "../../trust.js";

/** The ids a batch button carries: "12,13,14". */
export function batchIds(value: string | undefined): number[] {
  const ids = (value ?? "").split(",").map(Number);
  if (ids.length === 0 || !ids.every((id) => Number.isInteger(id) && id > 0)) throw new AppError("input.invalid", STALE_ACTION_BUTTON);
  return ids;
}

export function batchVoteButton(deps: ListenerDeps) {
  const { db, policy, logger, now } = deps;
  return async ({ ack, body, action, respond, client, context }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    await afterAck(
      deps,
      async () => {
        const person = personIn(context);
        let answer: { text: string; failed: boolean };
        try {
          const ids = batchIds((action as { value?: string }).value);
          const batch = await recordVotes(
            db,
            policy,
            { personId: person.id, origin: "SLACK" },
            { actionIds: ids, decision: "APPROVE" },
            now(),
          );
          const refused = batch.results.flatMap((r) => ("refused" in r ? [refusedLine(r.actionId, r.refused, localeIn(context))] : []));
          answer = { text: [batch.summary, ...refused].join("\n"), failed: false };
        } catch (error) {
          answer = { text: userMessage(error, logger, localeIn(context)), failed: true };
        }
        try {
          await answerPrivately(respond, client, body, {
            replace_original: false,
            ...(answer.failed ? errorBlocks : infoBlocks)(answer.text),
          });
        } catch (error) {
          logger.warn({ err: error }, "the answer to a batch vote could not be delivered");
        }
      },
      () => answerPrivately(respond, client, body, { replace_original: false, ...errorBlocks(busy(localeIn(context))) }),
    );
  };
}
