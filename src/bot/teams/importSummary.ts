// Teams side of the import summaries (src/import/inbox.ts): the summary of an inbox batch or of a manual
// `ccbot import`, posted once in the committee's channel (the digest's: TEAMS_DIGEST_CONVERSATION, else the
// channel the app was last added to); a rejected file's wrong lines sent once to each admin in their personal
// chat with the bot. Each post is recorded (posted_message, job "effect", slot = the job's key) once Teams
// accepted it, so a retry does not repeat it.
import type { Database } from "../../db/database.js";
import { AppError } from "../../errors.js";
import { IMPORT_ERRORS_JOB, IMPORT_SUMMARY_JOB } from "../../import/inbox.js";
import { PermanentJobError, RetryLaterError, type JobHandler, type JobRecord } from "../../jobs/queue.js";
import { chatIdentitiesWithRole } from "../../services/people.js";
import { personalConversation } from "./conversations.js";
import { failureOf, RETRIED_STATUSES } from "./delivery.js";
import type { TeamsMessenger } from "./messenger.js";
import { digestConversation } from "./publisher.js";
import { inertLines } from "./text.js";

const REFUSED_STATUSES = new Set([400, 401, 403, 404, 413]);

function textOf(job: JobRecord): string {
  const text = job.payload.text;
  if (typeof text !== "string" || text === "") throw new PermanentJobError(`job ${job.kind} #${job.id} has no text`);
  return inertLines(text.length > 12_000 ? `${text.slice(0, 12_000)}…` : text);
}

async function once(db: Database, job: JobRecord, part: string, conversationId: string, post: () => Promise<string>): Promise<boolean> {
  const where = { platform: "TEAMS" as const, job: "effect", slot: job.key, part };
  if (await db.prisma.postedMessage.findFirst({ where })) return false;
  let id: string;
  try {
    id = await post();
  } catch (error) {
    const { status, retryAfterMs } = failureOf(error);
    const detail = error instanceof Error ? error.message : String(error);
    if (status !== null && RETRIED_STATUSES.has(status)) throw new RetryLaterError(`Teams post: ${detail}`, retryAfterMs ?? 0, { cause: error });
    if (status !== null && REFUSED_STATUSES.has(status)) throw new PermanentJobError(`Teams post: ${detail}`, { cause: error });
    throw error;
  }
  await db.prisma.postedMessage.create({ data: { ...where, channel: conversationId, ts: id, actionIds: [] } });
  return true;
}

export function teamsImportSummaryHandlers(deps: {
  messenger: TeamsMessenger;
  db: Database;
  configured: string | undefined;
}): Record<string, JobHandler> {
  const messenger = deps.messenger.forJobs();
  const { db } = deps;
  return {
    [IMPORT_SUMMARY_JOB("teams")]: async (job, { logger }) => {
      const text = textOf(job);
      let channel: string;
      try {
        channel = await digestConversation(db, deps.configured, messenger.tenants);
      } catch (error) {
        if (error instanceof AppError) throw new PermanentJobError(error.message, { cause: error });
        throw error;
      }
      const posted = await once(db, job, "post", channel, () => messenger.post(channel, text));
      logger.info({ posted }, "import summary in the committee channel");
    },
    [IMPORT_ERRORS_JOB("teams")]: async (job, { logger }) => {
      const text = textOf(job);
      let told = 0;
      const failures: unknown[] = [];
      for (const admin of await chatIdentitiesWithRole(db, "TEAMS", "ADMIN")) {
        const ref = await personalConversation(db, admin.externalId, messenger.tenants);
        if (!ref) continue;
        try {
          if (await once(db, job, `admin:${admin.personId}`, ref.conversationId, () => messenger.post(ref.conversationId, text))) told += 1;
        } catch (error) {
          failures.push(error);
        }
      }
      logger.info({ admins: told, failed: failures.length }, "admins told of a rejected import");
      if (failures.some((f) => !(f instanceof PermanentJobError))) throw failures.find((f) => !(f instanceof PermanentJobError));
    },
  };
}
