// Cron expressions of the environment (DIGEST_CRON, TASKS_CRON), checked when the configuration is read so
// that a typo stops the start with the variable's name instead of a bot running without its schedule.
import cron from "node-cron";
import { z } from "zod";

export function cronExpression(defaultValue: string, example: string) {
  return z
    .string()
    .default(defaultValue)
    .refine((value) => cron.validate(value), {
      message: `is not a cron expression (minute hour day-of-month month day-of-week, e.g. "${example}")`,
    });
}
