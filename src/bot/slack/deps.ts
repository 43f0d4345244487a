// What every Slack listener needs: the database, the policy, the logger, the clock, and the limiter that runs
// the work after each acknowledgement. Built once by app.ts, handed to each listener factory.
import type { SlackConfig } from "../../config/slack.js";
import type { Database } from "../../db/database.js";
import type { Policy } from "../../domain/policy.js";
import { AppError } from "../../errors.js";
import type { Logger } from "../../log.js";
import type { Limiter } from "../limiter.js";

export interface SlackDeps {
  config: SlackConfig;
  db: Database;
  policy: Policy;
  logger: Logger;
  now?: () => Date;
  /** Where approved letters are written (default data/documents). */
  documentsDir?: string;
}

/** The dependencies as listeners see them: defaults applied. */
export interface ListenerDeps {
  db: Database;
  policy: Policy;
  logger: Logger;
  now: () => Date;
  documentsDir: string;
  /** The work after each acknowledgement, a few at a time (see Limiter). */
  queue: Limiter;
}

/** What a person sees when something goes wrong: the use case's own words, or a short apology. */
export function userMessage(error: unknown, logger: Logger): string {
  if (error instanceof AppError) return error.message;
  logger.error({ err: error }, "unexpected error in a Slack handler");
  return "Something failed on our side; it has been logged. Try again in a minute.";
}

/** True when Slack refused a views.open because its trigger_id (3 seconds) had expired. */
export function triggerExpired(error: unknown): boolean {
  return (error as { data?: { error?: string } }).data?.error === "expired_trigger_id";
}
