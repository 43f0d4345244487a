// Job definitions and their schedules (node-cron, in the company's time zone). Each run claims its slot in
// the database first (src/jobs/claims.ts), so several bot processes never post twice.
import cron, { type ScheduledTask } from "node-cron";
import type { Database } from "../db/database.js";
import { loadSettings } from "../db/settings.js";
import { calendarDateAt, type CalendarDate } from "../domain/calendarDate.js";
import type { Policy } from "../domain/policy.js";
import { AppError } from "../errors.js";
import type { Logger } from "../log.js";
import { runDailyTasks, type TaskPublisher } from "./dailyTasks.js";
import { runWeeklyDigest, WEEKLY_DIGEST, type DigestPublisher } from "./weeklyDigest.js";
import { describeFailure } from "./queue.js";
import { isoWeek } from "../domain/digest.js";

const isoWeekOf = (date: CalendarDate): string => isoWeek(date).period;

/** Delays between attempts of a failed digest, within its week: 1, 2, 4, 8, 15, 15… minutes. */
export function digestRetryDelayMs(attempt: number): number {
  return Math.min(15, 2 ** (attempt - 1)) * 60_000;
}

export async function scheduleWeeklyDigest(
  deps: { db: Database; policy: Policy; publisher: DigestPublisher; logger: Logger },
  expression: string,
): Promise<ScheduledTask> {
  if (!cron.validate(expression))
    throw new AppError("config.invalid", `DIGEST_CRON "${expression}" is not a cron expression (e.g. "0 8 * * 1" for Monday 08:00).`);
  const settings = await deps.db.withConnection(loadSettings);
  let retry: NodeJS.Timeout | undefined;
  // Runs the digest; a failure is retried (1, 2, 4… then every 15 minutes) as long as the week is the same.
  const attempt = async (n: number, week: string): Promise<void> => {
    const now = new Date();
    const asOf = calendarDateAt(now, settings.timeZone);
    if (isoWeekOf(asOf) !== week) return;
    try {
      const run = await runWeeklyDigest(deps, asOf, now);
      deps.logger.info({ job: WEEKLY_DIGEST, ...run }, "weekly digest job ran");
    } catch (error) {
      const delay = digestRetryDelayMs(n);
      deps.logger.error(
        { job: WEEKLY_DIGEST, err: describeFailure(error), attempt: n, retryInMs: delay },
        "weekly digest failed; retrying what was not posted",
      );
      retry = setTimeout(() => void attempt(n + 1, week), delay);
      retry.unref();
    }
  };
  // A digest started this week and not finished (a crash, a failure before a restart) resumes now.
  const today = calendarDateAt(new Date(), settings.timeZone);
  const unfinished = await deps.db.prisma.jobRun.findFirst({
    where: { job: WEEKLY_DIGEST, slot: `${deps.publisher.platform}:${isoWeekOf(today)}`, finishedAt: null },
  });
  if (unfinished) void attempt(1, isoWeekOf(today));
  return cron.schedule(
    expression,
    async () => {
      clearTimeout(retry);
      await attempt(1, isoWeekOf(calendarDateAt(new Date(), settings.timeZone)));
    },
    { timezone: settings.timeZone, name: WEEKLY_DIGEST, noOverlap: true },
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
