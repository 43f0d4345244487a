// Approve / Reject on a proposed action (in the digest's thread or in App Home): the vote is checked by the
// policy and recorded once, and the person is answered privately (App Home: their Home republished with the
// answer on top). Nothing else happens here: the message updates, the announcement in the thread and the
// letter are jobs written with the vote (src/usecases/effects.ts) and run by the queue (../../jobs.ts), so a
// click never waits on, nor is lost with, a call to Slack.
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from "@slack/bolt";
import { loadSettings } from "../../../../db/settings.js";
import type { Decision } from "../../../../domain/approvals.js";
import { AppError } from "../../../../errors.js";
import { alreadyVotedText, decisionSummary, recordVote, type VoteResult } from "../../../../usecases/votes.js";
import { STALE_ACTION_BUTTON } from "../../../messages.js";
import { errorBlocks, infoBlocks } from "../../blocks.js";
import { say, t } from "../../../../i18n/index.js";
import { afterAck, busy, userMessage, type ListenerDeps } from "../../deps.js";
import { answerPrivately, publishHome } from "../../effects.js";
import { localeIn, personIn } from "../../trust.js";

/** The private answer to a vote: recorded (and what is still needed, or the decision), or already on file. */
export function voteAnswer(result: VoteResult, decision: Decision, settings: { locale: string; timeZone: string }): string {
  if (!result.recorded) {
    const previous = result.previousVote;
    if (!previous) return t(settings.locale, "bot.voteAlreadyRecorded", { actionId: result.actionId });
    return alreadyVotedText(previous, settings.locale, settings.timeZone);
  }
  const yours = t(settings.locale, "bot.voteRecorded", { decision, actionId: result.actionId });
  const decided = decisionSummary(result, settings.locale);
  if (decided) return t(settings.locale, "bot.voteDecided", { recorded: yours, decided });
  const missing = result.outcome.missing;
  return missing.length > 0 ? t(settings.locale, "bot.voteStillNeeded", { recorded: yours, missing: missing.map((m) => say(settings.locale, m)).join(", ") }) : yours;
}

export function voteButton(deps: ListenerDeps, decision: Decision) {
  const { db, policy, logger, now } = deps;
  return async ({ ack, body, action, respond, client, context }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const b = body as { user: { id: string }; container?: { type?: string } };
    const fromHome = b.container?.type === "view";
    const locale = localeIn(context);
    await afterAck(
      deps,
      async () => {
        const person = personIn(context);
        let answer: { text: string; failed: boolean };
        try {
          const actionId = Number((action as { value?: string }).value);
          if (!Number.isInteger(actionId)) throw new AppError("input.invalid", STALE_ACTION_BUTTON);
          const result = await recordVote(db, policy, { personId: person.id, origin: "SLACK" }, { actionId, decision }, now());
          // The company's time zone dates a vote already on file; a new vote needs no extra query.
          const settings = result.previousVote ? await db.withConnection(loadSettings) : { locale, timeZone: "UTC" };
          answer = { text: voteAnswer(result, decision, settings), failed: false };
        } catch (error) {
          answer = { text: userMessage(error, logger, locale), failed: true };
        }
        try {
          // App Home clicks carry no response_url: the answer is the Home itself, republished, with it on top.
          if (fromHome) await publishHome(deps, client, b.user.id, person, answer.text);
          else
            await answerPrivately(respond, client, body, {
              replace_original: false,
              ...(answer.failed ? errorBlocks : infoBlocks)(answer.text),
            });
        } catch (error) {
          // What was recorded stays recorded (its effects are queued); only the answer is lost.
          logger.warn({ err: error, fromHome }, "the answer to a vote could not be delivered");
        }
      },
      () => answerPrivately(respond, client, body, { replace_original: false, ...errorBlocks(busy(locale)) }),
    );
  };
}
