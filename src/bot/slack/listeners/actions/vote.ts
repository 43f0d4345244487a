// Approve / Reject on a proposed action (in the digest's thread or in App Home): the vote is checked by the
// policy and recorded once; the message is re-rendered, a decision announced with its letters.
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { AppError } from "../../../../errors.js";
import type { PostedRef } from "../../../../jobs/weeklyDigest.js";
import { decisionDocuments } from "../../../../services/decisionDocuments.js";
import { decisionSummary, recordVote, type VoteResult } from "../../../../usecases/votes.js";
import { STALE_ACTION_BUTTON } from "../../../messages.js";
import { errorBlocks } from "../../blocks.js";
import { userMessage, type ListenerDeps } from "../../deps.js";
import { announceInThread, answerPrivately, publishHome, updateDigestMessage, uploadLetter } from "../../effects.js";
import { personIn } from "../../trust.js";

/** The letters a decision produces, uploaded into the digest's thread; a failure is said there too. */
async function attachLetters(
  deps: ListenerDeps,
  client: WebClient,
  thread: PostedRef,
  personId: number,
  result: VoteResult,
): Promise<void> {
  const { db, policy, documentsDir, now, logger } = deps;
  try {
    for (const doc of await decisionDocuments(db, policy, { personId, origin: "SLACK" }, result, documentsDir, now()))
      await uploadLetter(client, thread, doc);
  } catch (error) {
    await announceInThread(client, thread, `The letter for #${result.actionId} could not be produced: ${userMessage(error, logger)}`);
  }
}

export function voteButton(deps: ListenerDeps, decision: "APPROVE" | "REJECT") {
  const { db, policy, logger, now, queue } = deps;
  return async ({ ack, body, action, respond, client, context }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    await queue.run(async () => {
      try {
        const actionId = Number((action as { value?: string }).value);
        if (!Number.isInteger(actionId)) throw new AppError("input.invalid", STALE_ACTION_BUTTON);
        const person = personIn(context);
        const result = await recordVote(db, policy, { personId: person.id, origin: "SLACK" }, { actionId, decision }, now());
        const b = body as {
          user: { id: string };
          container?: { type?: string; channel_id?: string; message_ts?: string };
          message?: { thread_ts?: string };
        };
        if (b.container?.type === "view") await publishHome(deps, client, b.user.id, person);
        const threadTs = b.message?.thread_ts;
        if (b.container?.channel_id && b.container.message_ts) {
          await updateDigestMessage(db, policy, client, b.container.channel_id, b.container.message_ts);
          const announcement = decisionSummary(result);
          if (announcement && threadTs) {
            const thread = { channel: b.container.channel_id, ts: threadTs };
            await announceInThread(client, thread, announcement);
            await attachLetters(deps, client, thread, person.id, result);
          }
        }
      } catch (error) {
        await answerPrivately(respond, client, body, { replace_original: false, ...errorBlocks(userMessage(error, logger)) });
      }
    });
  };
}
