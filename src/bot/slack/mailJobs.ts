// `slack.notify-reply`: the collector of a customer who replied by e-mail is told by direct message
// (src/mail/notices.ts). Enqueued by the inbox poller in the transaction that records the reply.
import type { WebClient } from "@slack/web-api";
import type { Database } from "../../db/database.js";
import { PermanentJobError, type JobHandler } from "../../jobs/queue.js";
import { NOTIFY_REPLY } from "../../mail/inbox.js";
import { replyNotice } from "../../mail/notices.js";
import { plainText } from "./blocks.js";
import { sendDirectMessage } from "./effects.js";
import { jobClient, slackJobError } from "./jobs.js";

export function slackMailJobHandlers(deps: { client: WebClient; db: Database }): Record<string, JobHandler> {
  const direct = jobClient(deps.client);
  return {
    [NOTIFY_REPLY("SLACK")]: async (job, { db, logger }) => {
      const notice = await replyNotice(db, Number(job.payload.inboundId));
      const identity = notice.collectorId === null ? null : await db.prisma.chatIdentity.findFirst({ where: { personId: notice.collectorId, platform: "SLACK" } });
      if (!identity) throw new PermanentJobError("the customer's collector has no Slack identity (ccbot people add)");
      try {
        await sendDirectMessage(direct, identity.externalId, { text: plainText(notice.text) });
      } catch (error) {
        throw slackJobError(error);
      }
      logger.info({ inboundId: job.payload.inboundId }, "collector told of a customer's reply");
    },
  };
}
