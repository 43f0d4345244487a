// Job definitions and their schedules (node-cron, in the company's time zone). Each run claims its slot in
// the database first (src/jobs/claims.ts), so several bot processes never post twice.
import cron, { type ScheduledTask } from "node-cron";
import type { Database } from "../db/database.js";
import { loadSettings } from "../db/settings.js";
import { calendarDateAt } from "../domain/calendarDate.js";
import type { Policy } from "../domain/policy.js";
import { AppError } from "../errors.js";
import type { Logger } from "../log.js";
import { runDailyTasks, type TaskPublisher } from "./dailyTasks.js";
import { runWeeklyDigest, type DigestPublisher } from "./weeklyDigest.js";

export async function scheduleWeeklyDigest(
  deps: { db: Database; policy: Policy; publisher: DigestPublisher; logger: Logger },
  expression: string,
): Promise<ScheduledTask> {
  if (!cron.validate(expression))
    throw new AppError("config.invalid", `DIGEST_CRON "${expression}" is not a cron expression (e.g. "0 8 * * 1" for Monday 08:00).`);
  const settings = await deps.db.withConnection(loadSettings);
  return cron.schedule(
    expression,
    async () => {
      const now = new Date();
      try {
        const run = await runWeeklyDigest(deps, calendarDateAt(now, settings.timeZone), now);
        deps.logger.info({ job: "weekly-digest", ...run }, "weekly digest job ran");
      } catch (error) {
        deps.logger.error({ job: "weekly-digest", err: error }, "weekly digest job failed; the next run resumes what was not posted");
      }
    },
    { timezone: settings.timeZone, name: "weekly-digest", noOverlap: true },
  );
}

export async function scheduleDailyTasks(
  deps: { db: Database; policy: Policy; publisher: TaskPublisher; logger: Logger },
  expression: string,
): Promise<ScheduledTask> {
  if (!cron.validate(expression))
    throw new AppError("config.invalid", `TASKS_CRON "${expression}" is not a cron expression (e.g. "30 8 * * 1-5").`);
  const settings = await deps.db.withConnection(loadSettings);
  return cron.schedule(
    expression,
    async () => {
      try {
        const run = await runDailyTasks(deps, calendarDateAt(new Date(), settings.timeZone));
        deps.logger.info(
          { job: "daily-tasks", status: run.status, sent: run.sent, unreachable: run.unreachable.length },
          "daily tasks job ran",
        );
      } catch (error) {
        deps.logger.error({ job: "daily-tasks", err: error }, "daily tasks job failed; the next run resumes");
      }
    },
    { timezone: settings.timeZone, name: "daily-tasks", noOverlap: true },
  );
}
