// The import inbox's job and poll (src/import/inbox.ts): every few seconds each bot process looks at the folder
// and claims the files that stopped changing; the `import.inbox` job imports a claimed batch in order, moves
// each file to done/ or failed/ with its report, and enqueues the summary for the committee channel and the
// wrong lines for the admins (src/bot/<platform>/importSummary.ts), in one transaction.
import type { Database } from "../db/database.js";
import { loadSettings } from "../db/settings.js";
import type { Policy } from "../domain/policy.js";
import type { Logger } from "../log.js";
import {
  announcementJobs,
  errorsText,
  IMPORT_INBOX_JOB,
  importBatch,
  ImportInbox,
  summaryText,
  type AnnouncePlatform,
} from "../import/inbox.js";
import { describeFailure, enqueue, PermanentJobError, type JobHandler } from "./queue.js";

export interface InboxJobDeps {
  dir: string;
  policy?: Policy;
  /** The chat platforms this bot runs: where the summaries go. */
  platforms: readonly AnnouncePlatform[];
}

// Batches of one process run one after the other, in the order they were claimed (their job ids); across
// processes, the database lock below does the same.
let chain: Promise<unknown> = Promise.resolve();

export function importInboxJobHandlers(deps: InboxJobDeps): Record<string, JobHandler> {
  return {
    [IMPORT_INBOX_JOB]: async (job, { db, logger }) => {
      const batch = job.payload.batch;
      const files = job.payload.files;
      if (typeof batch !== "string" || !/^[\w.-]+$/.test(batch) || !Array.isArray(files) || !files.every((f) => typeof f === "string")) {
        throw new PermanentJobError(`job ${job.kind} #${job.id} has an invalid payload (batch, files)`);
      }
      const run = chain.then(() =>
        db.withConnection(async (sql) => {
          await sql.query(`SELECT pg_advisory_lock(hashtext('ccbot-import-inbox-run'))`);
          try {
            const settings = await loadSettings(sql);
            const outcomes = await importBatch(db, deps.dir, batch, files as string[], { policy: deps.policy, locale: settings.locale });
            const origin = `Import inbox (batch ${batch})`;
            await db.transaction((tx) =>
              enqueue(tx, announcementJobs(`inbox:${batch}`, deps.platforms, summaryText(origin, outcomes), errorsText(origin, outcomes))),
            );
            logger.info({ batch, files: outcomes.length, rejected: outcomes.filter((o) => !o.imported).length }, "import inbox batch done");
          } finally {
            await sql.query(`SELECT pg_advisory_unlock(hashtext('ccbot-import-inbox-run'))`);
          }
        }),
      );
      chain = run.catch(() => undefined);
      await run;
    },
  };
}

/**
 * Polls the inbox every `everyMs` (default 10 s) until stopped. A file is claimed at the second poll that sees
 * it unchanged, so a copy in progress is never read.
 */
export function startInboxPolling(deps: { dir: string; db: Database; logger: Logger; everyMs?: number }): { stop(): Promise<void> } {
  const inbox = new ImportInbox(deps.dir, deps.db, deps.logger);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = inbox
      .poll()
      .then(() => undefined)
      .catch((error: unknown) => deps.logger.warn({ err: describeFailure(error) }, "import inbox: poll failed; trying again"))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, deps.everyMs ?? 10_000);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
