// Slack side of the import summaries (src/import/inbox.ts): the summary of an inbox batch or of a manual
// `ccbot import`, posted once in the committee's channel (SLACK_DIGEST_CHANNEL); a rejected file's wrong lines
// sent once to each admin by direct message. Each post is recorded (posted_message, job "effect", slot = the
// job's key, part = "post" or "admin:<person id>") right after Slack accepted it, so a retry does not repeat it.
import type { WebClient } from "@slack/web-api";
import type { Database } from "../../db/database.js";
import { IMPORT_ERRORS_JOB, IMPORT_SUMMARY_JOB } from "../../import/inbox.js";
import { PermanentJobError, type JobHandler, type JobRecord } from "../../jobs/queue.js";
import { chatIdentitiesWithRole } from "../../services/people.js";
import { plainText } from "./blocks.js";
import { sendDirectMessage } from "./effects.js";
import { jobClient, slackJobError } from "./jobs.js";

/** Slack allows 40,000 characters in a message's text; a summary is cut well before. */
const MAX_TEXT = 12_000;

function textOf(job: JobRecord): string {
  const text = job.payload.text;
  if (typeof text !== "string" || text === "") throw new PermanentJobError(`job ${job.kind} #${job.id} has no text`);
  return plainText(text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);
}

async function once(db: Database, job: JobRecord, part: string, post: () => Promise<{ channel: string; ts: string }>): Promise<boolean> {
  const where = { platform_job_slot_part: { platform: "SLACK" as const, job: "effect", slot: job.key, part } };
  if (await db.prisma.postedMessage.findUnique({ where })) return false;
  let ref: { channel: string; ts: string };
  try {
    ref = await post();
  } catch (error) {
    throw slackJobError(error);
  }
  await db.prisma.postedMessage.createMany({
    data: [{ platform: "SLACK", job: "effect", slot: job.key, part, channel: ref.channel, ts: ref.ts || "posted", actionIds: [] }],
    skipDuplicates: true,
  });
  return true;
}

export function slackImportSummaryHandlers(deps: {
  client: WebClient;
  db: Database;
  channel: string | undefined;
}): Record<string, JobHandler> {
  const client = jobClient(deps.client);
  const { db } = deps;
  return {
    [IMPORT_SUMMARY_JOB("slack")]: async (job, { logger }) => {
      const text = textOf(job);
      const channel = deps.channel;
      if (!channel) {
        logger.warn("SLACK_DIGEST_CHANNEL is not set: the import summary is not posted in Slack");
        return;
      }
      const posted = await once(db, job, "post", async () => {
        const result = await client.chat.postMessage({ channel, text, unfurl_links: false });
        return { channel: result.channel ?? channel, ts: result.ts ?? "" };
      });
      logger.info({ posted }, "import summary in the committee channel");
    },
    [IMPORT_ERRORS_JOB("slack")]: async (job, { logger }) => {
      const text = textOf(job);
      let told = 0;
      const failures: unknown[] = [];
      for (const admin of await chatIdentitiesWithRole(db, "SLACK", "ADMIN")) {
        try {
          const sent = await once(db, job, `admin:${admin.personId}`, async () => {
            await sendDirectMessage(client, admin.externalId, { text });
            return { channel: admin.externalId, ts: "" };
          });
          if (sent) told += 1;
        } catch (error) {
          // One admin who cannot be reached does not keep the others from being told; a retry skips those told.
          failures.push(error);
        }
      }
      logger.info({ admins: told, failed: failures.length }, "admins told of a rejected import");
      if (failures.some((f) => !(f instanceof PermanentJobError))) throw failures.find((f) => !(f instanceof PermanentJobError));
    },
  };
}
