// Sending to Teams politely: at most about 7 messages a second per conversation (Teams throttles a thread
// beyond that), and the answers Teams documents as transient (429, 412, 502, 504) retried with exponential
// backoff and jitter, honouring Retry-After. Anything else fails at once: retrying a 403 or 404 helps nobody.
// A durable job (src/bot/teams/jobs.ts) opts out of long waits with `maxWaitMs`: a wait longer than that is
// not slept here but thrown, so the job queue retries later (with the Retry-After) and no worker slot sleeps.
import type { Logger } from "../../log.js";

export const RETRIED_STATUSES = new Set([412, 429, 502, 504]);

export interface DeliveryOptions {
  /** Minimum gap between two sends to the same conversation (default 150 ms: under 7 a second). */
  minGapMs?: number;
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  logger?: Logger;
}

/** The HTTP status and Retry-After (seconds) of a failed Bot Connector call, when it has them. */
export function failureOf(error: unknown): { status: number | null; retryAfterMs: number | null } {
  const response = (error as { response?: { status?: number; headers?: Record<string, unknown> } }).response;
  const status = typeof response?.status === "number" ? response.status : null;
  const header = response?.headers?.["retry-after"];
  const seconds = typeof header === "string" || typeof header === "number" ? Number(header) : NaN;
  return { status, retryAfterMs: Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null };
}

export interface RunOptions {
  /**
   * The longest in-process wait before a retry (default: no limit). A transient failure that asks for longer
   * is thrown as is (its status and Retry-After intact) for the caller to retry later.
   */
  maxWaitMs?: number;
}

export class Delivery {
  private readonly last = new Map<string, number>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly options: Required<Omit<DeliveryOptions, "logger">> & { logger?: Logger };

  constructor(options: DeliveryOptions = {}) {
    this.options = {
      minGapMs: options.minGapMs ?? 150,
      attempts: options.attempts ?? 5,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: options.random ?? Math.random,
      logger: options.logger,
    };
  }

  /** Runs `call` for `conversationId` after the ones queued before it, paced and retried. */
  run<T>(conversationId: string, call: () => Promise<T>, options: RunOptions = {}): Promise<T> {
    const key = conversationId.split(";")[0] ?? conversationId;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.attempt(key, call, options.maxWaitMs ?? Infinity));
    this.queues.set(key, next);
    const forget = () => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    };
    next.then(forget, forget);
    return next;
  }

  private async attempt<T>(key: string, call: () => Promise<T>, maxWaitMs: number): Promise<T> {
    const { attempts, baseDelayMs, maxDelayMs, minGapMs, sleep, random, logger } = this.options;
    for (let attempt = 1; ; attempt += 1) {
      const wait = (this.last.get(key) ?? 0) + minGapMs - Date.now();
      if (wait > 0) await sleep(wait);
      this.last.set(key, Date.now());
      try {
        return await call();
      } catch (error) {
        const { status, retryAfterMs } = failureOf(error);
        if (status === null || !RETRIED_STATUSES.has(status) || attempt >= attempts) throw error;
        // Full jitter on the exponential step; Retry-After, when given, is a floor.
        const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)) * (0.5 + random() / 2);
        const delay = Math.max(backoff, retryAfterMs ?? 0);
        if (delay > maxWaitMs) throw error;
        logger?.warn({ status, attempt, delayMs: Math.round(delay) }, "Teams asked us to slow down or retry; waiting");
        await sleep(delay);
      }
    }
  }
}
