// What every Slack listener needs: the database, the policy, the logger, the clock, and the limiter that runs
// the work after each acknowledgement. Built once by app.ts, handed to each listener factory.
import type { SlackConfig } from "../../config/slack.js";
import type { Database } from "../../db/database.js";
import type { Policy } from "../../domain/policy.js";
import { AppError, errorText } from "../../errors.js";
import { t } from "../../i18n/index.js";
import type { Logger } from "../../log.js";
import { LimiterFullError, type Limiter } from "../limiter.js";

export interface SlackDeps {
  config: SlackConfig;
  db: Database;
  policy: Policy;
  logger: Logger;
  now?: () => Date;
  /** Where approved letters are written (default data/documents). */
  documentsDir?: string;
  /** SMTP is configured (src/mail/config.ts): Send / Edit then send work; otherwise they say so. */
  mailReady?: boolean;
  /** The work after acknowledgements: how many at a time, how many may wait (defaults: AFTER_ACK). */
  afterAck?: { concurrency: number; maxWaiting: number };
}

/**
 * The work after acknowledgements, measured with bench/slackAck.ts on PostgreSQL (2 loaded cores): with the
 * chat calls of a decision moved to jobs, each piece is a few database transactions and one answer to Slack.
 * Twice the former 2 at a time; above ~6 the vote transactions hold most of the pool's 10 connections and
 * starve the job worker (its updates fell behind by hundreds) without answering faster. 200 waiting is about
 * 5 s of votes at the measured ~40/s; beyond that a request is answered "busy" at once rather than held, with
 * its memory, for minutes.
 */
export const AFTER_ACK = { concurrency: 6, maxWaiting: 200 } as const;

/** The answer when more requests wait than AFTER_ACK.maxWaiting, in the company's language. */
export const busy = (locale: string) => t(locale, "bot.busy");

/** The dependencies as listeners see them: defaults applied. */
export interface ListenerDeps {
  db: Database;
  policy: Policy;
  logger: Logger;
  now: () => Date;
  documentsDir: string;
  mailReady: boolean;
  /** The work after each acknowledgement, a few at a time (see Limiter). */
  queue: Limiter;
}

/**
 * Runs `work` through the limiter; when its queue is full, `busy` answers the person instead (at once, out of
 * turn), and the refusal is logged with the queue's length.
 */
export async function afterAck(deps: ListenerDeps, work: () => Promise<void>, busy: () => Promise<void>): Promise<void> {
  try {
    await deps.queue.run(work);
  } catch (error) {
    if (!(error instanceof LimiterFullError)) throw error;
    deps.logger.warn({ waiting: error.waiting }, "Slack request not handled: too many waiting; answered busy");
    try {
      await busy();
    } catch (answerError) {
      deps.logger.warn({ err: answerError }, "the busy answer could not be sent");
    }
  }
}

/**
 * What a person sees when something goes wrong: the use case's own words (in the company's language when they
 * come from the catalogue), or a short apology.
 */
export function userMessage(error: unknown, logger: Logger, locale: string): string {
  if (error instanceof AppError) return errorText(error, locale);
  logger.error({ err: error }, "unexpected error in a Slack handler");
  return t(locale, "bot.unexpected");
}

/** True when Slack refused a views.open because its trigger_id (3 seconds) had expired. */
export function triggerExpired(error: unknown): boolean {
  return (error as { data?: { error?: string } }).data?.error === "expired_trigger_id";
}
