// Durable effects: a state change and the jobs for its effects (letter, announcement, message or card update,
// direct message; next: e-mails, webhooks) are written in ONE transaction; workers run the jobs with retries and
// backoff. Request handlers only validate, write and acknowledge. See docs/adr/0005-durable-jobs.md.
//
// - enqueue() inserts with ON CONFLICT (key) DO NOTHING: the same effect asked twice is one job.
// - A worker claims due jobs with FOR UPDATE SKIP LOCKED (two processes never run the same job), holds a short
//   lease that a heartbeat extends while the handler runs, and a crashed process's jobs are taken over once
//   their lease has run out (about a minute, not ten).
// - A handler that fails is retried with exponential backoff and full jitter, never sooner than the
//   platform's Retry-After; a refusal (PermanentJobError) or too many attempts leaves the job FAILED, visible
//   in `ccbot jobs list` and reported through `onFailed` (the chat adapters tell the admins).
import type { Database, Sql } from "../db/database.js";
import type { Prisma } from "../generated/prisma/client.js";
import { safeError, type Logger } from "../log.js";
import { WORKER } from "./claims.js";

export interface JobRequest {
  /** What to do, e.g. "letter.formal-notice", "slack.refresh-action". A worker runs the kinds it has handlers for. */
  kind: string;
  /** Idempotency key: one job per key, ever (e.g. "letter:42", "slack.announce:42"). */
  key: string;
  payload?: Record<string, unknown>;
  /** Not before this instant (default: now). */
  runAt?: Date;
  maxAttempts?: number;
}

export interface JobRecord {
  id: bigint;
  kind: string;
  key: string;
  payload: Record<string, unknown>;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
}

/** The job cannot succeed by trying again (a 403, a 404, a person who blocked the bot): FAILED at once. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}

/** Try again, not before `retryAfterMs` (the platform's Retry-After). */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "RetryLaterError";
  }
}

export interface JobContext {
  db: Database;
  logger: Logger;
  now: () => Date;
}

export type JobHandler = (job: JobRecord, context: JobContext) => Promise<void>;

type Executor = Prisma.TransactionClient | Sql;

/**
 * Writes jobs in the caller's transaction (a Prisma interactive transaction or a raw Sql connection), so that
 * they exist if and only if the change they follow is committed. One statement for all of them. Returns how
 * many were new.
 */
export async function enqueue(executor: Executor, jobs: JobRequest | JobRequest[]): Promise<number> {
  const list = Array.isArray(jobs) ? jobs : [jobs];
  if (list.length === 0) return 0;
  const params: unknown[] = [];
  const rows = list.map((job) => {
    params.push(job.kind, job.key, JSON.stringify(job.payload ?? {}), job.runAt?.toISOString() ?? null, job.maxAttempts ?? 8);
    const n = params.length;
    return `($${n - 4}, $${n - 3}, $${n - 2}::jsonb, COALESCE($${n - 1}::timestamptz, now()), $${n}::int)`;
  });
  const sql = `INSERT INTO job (kind, key, payload, "runAt", "maxAttempts") VALUES ${rows.join(", ")}
    ON CONFLICT (key) DO NOTHING RETURNING id`;
  const inserted =
    "query" in executor
      ? await executor.query(sql, params)
      : await (executor as Prisma.TransactionClient).$queryRawUnsafe<unknown[]>(sql, ...params);
  if (inserted.length > 0) wakeWorkers();
  return inserted.length;
}

// Workers of this process wake up as soon as a job is enqueued here (others poll).
const sleepers = new Set<() => void>();
function wakeWorkers(): void {
  for (const wake of sleepers) wake();
}

/** Delay before attempt n+1: exponential from `baseMs`, capped, full jitter, never under Retry-After. */
export function backoffMs(
  attempt: number,
  options: { baseMs?: number; capMs?: number; retryAfterMs?: number; random?: () => number } = {},
): number {
  const base = options.baseMs ?? 2_000;
  const cap = options.capMs ?? 15 * 60_000;
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round((options.random ?? Math.random)() * ceiling);
  return Math.max(jittered, options.retryAfterMs ?? 0);
}

/** Status, code and a short message: what may be stored and logged about a failure. */
export function describeFailure(error: unknown): string {
  // The same reduction and masking as the logs (src/log.ts safeError): this text is stored, listed by
  // `ccbot jobs list` and sent to the admins.
  const e = safeError(error);
  const parts: string[] = [];
  if (e.status !== undefined) parts.push(`status ${String(e.status)}`);
  if (e.code !== undefined) parts.push(`code ${String(e.code)}`);
  if (typeof e.platformError === "string") parts.push(e.platformError);
  const message = String(e.message ?? "");
  parts.push(message.length > 200 ? `${message.slice(0, 200)}…` : message);
  return `${String(e.type ?? "Error")}: ${parts.join(", ")}`;
}

export interface WorkerOptions {
  db: Database;
  logger: Logger;
  handlers: Record<string, JobHandler>;
  /** Jobs run at the same time by this worker (default 4). */
  concurrency?: number;
  /** How long a claimed job stays ours without a heartbeat (default 60 s). */
  leaseMs?: number;
  /** How often to look for due jobs when nothing wakes us (default 1 s). */
  pollMs?: number;
  /** Told once when a job ends FAILED (dead letter). */
  onFailed?: (job: JobRecord, reason: string) => Promise<void> | void;
  now?: () => Date;
  /** Identifies this worker in `lockedBy` (default host:pid). */
  name?: string;
  random?: () => number;
  baseBackoffMs?: number;
}

/** What became of the jobs a drain ran. */
export interface DrainOutcome {
  done: number;
  /** Failed this time, back in the queue for a later attempt. */
  retrying: number;
  /** Failed for good (dead letter): `ccbot jobs list --state failed`. */
  failed: number;
}

interface ClaimedRow {
  id: string;
  kind: string;
  key: string;
  payload: Record<string, unknown> | string;
  attempts: number;
  maxAttempts: number;
}

/** Claims up to `limit` due jobs of the given kinds for `worker`. */
async function claim(db: Database, kinds: string[], limit: number, worker: string, leaseMs: number): Promise<JobRecord[]> {
  if (limit <= 0 || kinds.length === 0) return [];
  const rows = await db.withConnection((sql) =>
    sql.query<ClaimedRow>(
      `UPDATE job SET state = 'RUNNING', attempts = attempts + 1, "lockedBy" = $1, "lockedUntil" = now() + make_interval(secs => $2)
        WHERE id IN (
          SELECT id FROM job
           WHERE kind = ANY($3::text[])
             AND ((state = 'PENDING' AND "runAt" <= now()) OR (state = 'RUNNING' AND "lockedUntil" < now()))
           ORDER BY "runAt", id
           LIMIT $4
           FOR UPDATE SKIP LOCKED)
      RETURNING id::text AS id, kind, key, payload, attempts, "maxAttempts"`,
      [worker, leaseMs / 1000, kinds, limit],
    ),
  );
  return rows.map((r) => ({
    id: BigInt(r.id),
    kind: r.kind,
    key: r.key,
    payload: typeof r.payload === "string" ? (JSON.parse(r.payload) as Record<string, unknown>) : r.payload,
    attempt: r.attempts,
    maxAttempts: r.maxAttempts,
  }));
}

/**
 * Runs jobs until stopped. `runDue()` runs what is due now and returns.
 */
export class JobWorker {
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly name: string;
  private readonly now: () => Date;
  private running = 0;
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** Set by a wake-up that came while we were busy claiming: look again before sleeping. */
  private woken = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: WorkerOptions) {
    this.concurrency = options.concurrency ?? 4;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 1_000;
    this.name = options.name ?? WORKER;
    this.now = options.now ?? (() => new Date());
  }

  get kinds(): string[] {
    return Object.keys(this.options.handlers);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const wake = () => {
      this.woken = true;
      this.wake?.();
    };
    sleepers.add(wake);
    this.loop = (async () => {
      let burst = 0;
      while (!this.stopped) {
        if (this.woken) {
          // Woken by an enqueue in this process, which may not be committed yet: a few quick looks.
          burst = 6;
          this.woken = false;
        }
        try {
          const started = await this.fill();
          if (started > 0 || this.woken) continue;
        } catch (error) {
          this.options.logger.warn({ err: describeFailure(error) }, "job queue: could not claim jobs; trying again");
        }
        const pause = burst > 0 ? Math.min(this.pollMs, 10 * 2 ** (6 - burst--)) : this.pollMs;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pause);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
      sleepers.delete(wake);
    })();
  }

  /** Stops claiming, waits for the jobs in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Runs every job due now (and those they enqueue), then returns how many ran (tests; npm start uses start()). */
  async runDue(): Promise<number> {
    const outcome = await this.drain();
    return outcome.done + outcome.retrying + outcome.failed;
  }

  /**
   * Runs every job due now (and those they enqueue, and retries that come due meanwhile), then returns what
   * became of them: done, to be retried later, failed for good (`ccbot jobs run --once`).
   */
  async drain(): Promise<DrainOutcome> {
    const outcome: DrainOutcome = { done: 0, retrying: 0, failed: 0 };
    for (;;) {
      const jobs = await claim(this.options.db, this.kinds, this.concurrency, this.name, this.leaseMs);
      if (jobs.length === 0) return outcome;
      for (const result of await Promise.all(jobs.map((job) => this.execute(job)))) outcome[result] += 1;
    }
  }

  /** Claims as many jobs as there are free slots and starts them; returns how many started. */
  private async fill(): Promise<number> {
    const free = this.concurrency - this.running;
    const jobs = await claim(this.options.db, this.kinds, free, this.name, this.leaseMs);
    for (const job of jobs) {
      this.running++;
      const run: Promise<void> = this.execute(job)
        .then(() => undefined)
        .finally(() => {
          this.running--;
          this.inFlight.delete(run);
          this.woken = true;
          this.wake?.();
        });
      this.inFlight.add(run);
    }
    return jobs.length;
  }

  private async execute(job: JobRecord): Promise<keyof DrainOutcome> {
    const { db, logger } = this.options;
    const log = logger.child({ job: job.kind, jobId: job.id.toString(), attempt: job.attempt });
    const handler = this.options.handlers[job.kind];
    const heartbeat = setInterval(
      () => {
        void db
          .withConnection((sql) =>
            sql.query(
              `UPDATE job SET "lockedUntil" = now() + make_interval(secs => $3) WHERE id = $1 AND "lockedBy" = $2 AND state = 'RUNNING'`,
              [job.id.toString(), this.name, this.leaseMs / 1000],
            ),
          )
          .catch(() => undefined);
      },
      Math.max(1_000, Math.floor(this.leaseMs / 3)),
    );
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind ${job.kind}`);
      await handler(job, { db, logger: log, now: this.now });
      await db.withConnection((sql) =>
        sql.query(
          `UPDATE job SET state = 'DONE', "finishedAt" = now(), "lockedUntil" = NULL, "lastError" = NULL WHERE id = $1 AND "lockedBy" = $2`,
          [job.id.toString(), this.name],
        ),
      );
      return "done";
    } catch (error) {
      const reason = describeFailure(error);
      const permanent = error instanceof PermanentJobError || job.attempt >= job.maxAttempts;
      if (permanent) {
        await db.withConnection((sql) =>
          sql.query(
            `UPDATE job SET state = 'FAILED', "finishedAt" = now(), "lockedUntil" = NULL, "lastError" = $3 WHERE id = $1 AND "lockedBy" = $2`,
            [job.id.toString(), this.name, reason],
          ),
        );
        log.error({ err: reason }, "job failed for good: see ccbot jobs list --failed");
        try {
          await this.options.onFailed?.(job, reason);
        } catch (notifyError) {
          log.warn({ err: describeFailure(notifyError) }, "could not report the failed job");
        }
        return "failed";
      } else {
        const delay = backoffMs(job.attempt, {
          baseMs: this.options.baseBackoffMs,
          retryAfterMs: error instanceof RetryLaterError ? error.retryAfterMs : undefined,
          random: this.options.random,
        });
        await db.withConnection((sql) =>
          sql.query(
            `UPDATE job SET state = 'PENDING', "runAt" = now() + make_interval(secs => $3), "lockedUntil" = NULL, "lastError" = $4 WHERE id = $1 AND "lockedBy" = $2`,
            [job.id.toString(), this.name, delay / 1000, reason],
          ),
        );
        log.warn({ err: reason, retryInMs: delay }, "job failed; will retry");
        return "retrying";
      }
    } finally {
      clearInterval(heartbeat);
    }
  }
}

export interface JobRow {
  id: bigint;
  kind: string;
  key: string;
  state: "PENDING" | "RUNNING" | "DONE" | "FAILED";
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** Jobs for `ccbot jobs list`: the newest first, optionally of one state. */
export async function listJobs(db: Database, options: { state?: JobRow["state"]; limit?: number } = {}): Promise<JobRow[]> {
  return db.prisma.job.findMany({
    where: options.state ? { state: options.state } : {},
    orderBy: { id: "desc" },
    take: options.limit ?? 50,
    select: {
      id: true,
      kind: true,
      key: true,
      state: true,
      attempts: true,
      maxAttempts: true,
      runAt: true,
      lastError: true,
      createdAt: true,
      finishedAt: true,
    },
  });
}

/** Puts FAILED jobs back to PENDING with a fresh allowance of attempts; returns how many. */
export async function retryJobs(db: Database, ids: bigint[] | "all-failed"): Promise<number> {
  const where = ids === "all-failed" ? { state: "FAILED" as const } : { id: { in: ids }, state: "FAILED" as const };
  const failed = await db.prisma.job.findMany({ where, select: { id: true, attempts: true, maxAttempts: true } });
  for (const job of failed) {
    await db.prisma.job.update({
      where: { id: job.id },
      data: { state: "PENDING", runAt: new Date(), finishedAt: null, maxAttempts: job.attempts + 3 },
    });
  }
  if (failed.length > 0) wakeWorkers();
  return failed.length;
}

/** How many jobs are in each state (for `ccbot jobs list` and health checks). */
export async function jobCounts(db: Database): Promise<Record<JobRow["state"], number>> {
  const groups = await db.prisma.job.groupBy({ by: ["state"], _count: { _all: true } });
  const counts = { PENDING: 0, RUNNING: 0, DONE: 0, FAILED: 0 };
  for (const g of groups) counts[g.state] = g._count._all;
  return counts;
}
