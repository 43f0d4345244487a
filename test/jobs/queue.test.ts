// The durable effects queue: jobs exist iff their transaction commits, one job per key, retries honour
// Retry-After, refusals and exhausted attempts end FAILED (reported once), a crashed worker's job is taken over
// after its lease, and two workers never run the same job.
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/database.js";
import { createLogger } from "../../src/log.js";
import {
  backoffMs,
  describeFailure,
  enqueue,
  jobCounts,
  JobWorker,
  PermanentJobError,
  RetryLaterError,
  retryJobs,
  type JobHandler,
} from "../../src/jobs/queue.js";
import { dropTestSchemas, freshDatabase, freshPgliteDir, targets } from "../helpers/databases.js";

afterAll(dropTestSchemas);

const logger = createLogger("silent");

function worker(db: Database, handlers: Record<string, JobHandler>, extra: Partial<ConstructorParameters<typeof JobWorker>[0]> = {}) {
  return new JobWorker({ db, logger, handlers, random: () => 1, baseBackoffMs: 1, ...extra });
}

async function jobRow(db: Database, key: string) {
  return db.prisma.job.findUniqueOrThrow({ where: { key } });
}

describe("backoff", () => {
  it("grows exponentially under a cap, and never goes under the platform's Retry-After", () => {
    expect(backoffMs(1, { baseMs: 1000, random: () => 1 })).toBe(1000);
    expect(backoffMs(4, { baseMs: 1000, random: () => 1 })).toBe(8000);
    expect(backoffMs(30, { baseMs: 1000, capMs: 60_000, random: () => 1 })).toBe(60_000);
    expect(backoffMs(1, { baseMs: 1000, random: () => 0, retryAfterMs: 16_000 })).toBe(16_000);
  });
});

describe("what a failure leaves in the job (stored, listed, sent to the admins)", () => {
  it("masks tokens, JWTs and e-mail addresses the way the logs do, and keeps status and code", () => {
    const error = Object.assign(
      new Error("Authorization: Bearer abc.def xoxe-1-abc xapp-1-A0-123 xoxs-123-abc eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig jean.dupont@example.com"),
      { status: 403, code: "Forbidden" },
    );
    const text = describeFailure(error);
    expect(text).toMatch(/^Error: status 403, code Forbidden, /);
    for (const secret of ["abc.def", "xoxe-1-abc", "xapp-1-A0-123", "xoxs-123-abc", "eyJhbGciOiJIUzI1NiJ9", "jean.dupont@example.com"])
      expect(text).not.toContain(secret);
  });
});

describe.each(targets)("job queue on $name", (target) => {
  it("writes a job only if the transaction that asked for it commits, and one job per key", async () => {
    const db = await freshDatabase(target);
    try {
      await expect(
        db.prisma.$transaction(async (tx) => {
          await enqueue(tx, { kind: "test.echo", key: "rolled-back" });
          throw new Error("the change failed");
        }),
      ).rejects.toThrow("the change failed");
      expect(await db.prisma.job.count({ where: { key: "rolled-back" } })).toBe(0);

      const first = await db.prisma.$transaction((tx) => enqueue(tx, { kind: "test.echo", key: "k1", payload: { n: 1 } }));
      const again = await db.prisma.$transaction((tx) => enqueue(tx, { kind: "test.echo", key: "k1", payload: { n: 2 } }));
      expect([first, again]).toEqual([1, 0]);
      expect((await jobRow(db, "k1")).payload).toEqual({ n: 1 });
    } finally {
      await db.close();
    }
  });

  it("runs a job once, marks it done, and runs the jobs its handler enqueues", async () => {
    const db = await freshDatabase(target);
    try {
      const seen: string[] = [];
      const w = worker(db, {
        "test.first": async (job, ctx) => {
          seen.push(job.key);
          await ctx.db.prisma.$transaction((tx) => enqueue(tx, { kind: "test.second", key: `${job.key}:then` }));
        },
        "test.second": async (job) => {
          seen.push(job.key);
        },
      });
      await db.prisma.$transaction((tx) => enqueue(tx, { kind: "test.first", key: "a" }));
      expect(await w.runDue()).toBe(2);
      expect(seen).toEqual(["a", "a:then"]);
      expect((await jobRow(db, "a")).state).toBe("DONE");
      expect(await w.runDue()).toBe(0);
    } finally {
      await db.close();
    }
  });

  it("waits out a 429's Retry-After before trying again, then succeeds", async () => {
    const db = await freshDatabase(target);
    try {
      let calls = 0;
      const w = worker(db, {
        "test.throttled": async () => {
          calls++;
          if (calls === 1) throw new RetryLaterError("status 429", 16_000);
        },
      });
      await db.prisma.$transaction((tx) => enqueue(tx, { kind: "test.throttled", key: "t" }));
      const before = Date.now();
      await w.runDue();
      const waiting = await jobRow(db, "t");
      expect(waiting.state).toBe("PENDING");
      expect(waiting.lastError).toContain("status 429");
      expect(waiting.runAt.getTime()).toBeGreaterThanOrEqual(before + 15_000);
      // Not due yet: nothing runs.
      expect(await w.runDue()).toBe(0);
      await db.prisma.job.update({ where: { key: "t" }, data: { runAt: new Date(Date.now() - 1000) } });
      expect(await w.runDue()).toBe(1);
      expect((await jobRow(db, "t")).state).toBe("DONE");
      expect(calls).toBe(2);
    } finally {
      await db.close();
    }
  });

  it("a refusal ends FAILED at once, is reported once, and can be retried by hand", async () => {
    const db = await freshDatabase(target);
    try {
      const reported: string[] = [];
      let refuse = true;
      const w = worker(
        db,
        {
          "test.refused": async () => {
            if (refuse) throw new PermanentJobError("status 403, Authorization: Bearer eyJsecret.token");
          },
        },
        { onFailed: (job, reason) => void reported.push(`${job.key}: ${reason}`) },
      );
      await db.prisma.$transaction((tx) => enqueue(tx, { kind: "test.refused", key: "r" }));
      await w.runDue();
      const failed = await jobRow(db, "r");
      expect(failed.state).toBe("FAILED");
      expect(failed.lastError).toContain("status 403");
      expect(failed.lastError).not.toContain("eyJsecret");
      expect(reported).toHaveLength(1);
      expect(await w.runDue()).toBe(0);
      refuse = false;
      expect(await retryJobs(db, "all-failed")).toBe(1);
      // (an id no job can have is a usage error, not a crash)
      const { ccbot } = await import("../helpers/cli.js");
      const huge = await ccbot(freshPgliteDir(), "jobs", "retry", "99999999999999999999");
      expect([huge.code, huge.stderr.trim()]).toEqual([2, "« 99999999999999999999 » n’est pas un numéro de tâche (voir ccbot jobs list)."]);
      await w.runDue();
      expect((await jobRow(db, "r")).state).toBe("DONE");
      expect(reported).toHaveLength(1);
    } finally {
      await db.close();
    }
  });

  it("gives up after maxAttempts failures", async () => {
    const db = await freshDatabase(target);
    try {
      let calls = 0;
      const w = worker(db, {
        "test.broken": async () => {
          calls++;
          throw new Error("connector 500");
        },
      });
      await db.prisma.$transaction((tx) => enqueue(tx, { kind: "test.broken", key: "b", maxAttempts: 3 }));
      for (let i = 0; i < 5; i++) {
        await db.prisma.job.updateMany({ where: { key: "b", state: "PENDING" }, data: { runAt: new Date(Date.now() - 1000) } });
        await w.runDue();
      }
      expect(calls).toBe(3);
      expect((await jobRow(db, "b")).state).toBe("FAILED");
    } finally {
      await db.close();
    }
  });

  it("takes over a job whose worker died (lease run out), and only then", async () => {
    const db = await freshDatabase(target);
    try {
      await db.prisma.$transaction((tx) => enqueue(tx, { kind: "test.work", key: "w" }));
      // A worker claims it and dies (kill -9): RUNNING, its lease still running.
      await db.prisma.job.update({
        where: { key: "w" },
        data: { state: "RUNNING", attempts: 1, lockedBy: "dead-host:1", lockedUntil: new Date(Date.now() + 60_000) },
      });
      let runs = 0;
      const w = worker(db, { "test.work": async () => void runs++ });
      expect(await w.runDue()).toBe(0);
      await db.prisma.job.update({ where: { key: "w" }, data: { lockedUntil: new Date(Date.now() - 1000) } });
      expect(await w.runDue()).toBe(1);
      const done = await jobRow(db, "w");
      expect([done.state, done.attempts, runs]).toEqual(["DONE", 2, 1]);
    } finally {
      await db.close();
    }
  });

  it("a running worker picks up a job enqueued in its process without waiting for the poll", async () => {
    const db = await freshDatabase(target);
    let ran: (key: string) => void = () => undefined;
    const done = new Promise<string>((resolve) => (ran = resolve));
    // An hour between polls: only the wake-up can get the job run within the test.
    const w = worker(db, { "test.wake": async (job) => ran(job.key) }, { pollMs: 3_600_000 });
    w.start();
    try {
      await db.prisma.$transaction((tx) => enqueue(tx, { kind: "test.wake", key: "now" }));
      expect(await done).toBe("now");
    } finally {
      await w.stop();
      await db.close();
    }
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("job queue across processes on PostgreSQL", () => {
  it("two workers on separate connection pools run each of 300 jobs exactly once", async () => {
    const target = targets.find((t) => t.name === "postgresql");
    if (!target) throw new Error("no PostgreSQL target");
    const url = await target.freshUrl();
    const a = await openDatabase(url);
    const { migrate } = await import("../../src/db/migrate.js");
    await migrate(a);
    const b = await openDatabase(url);
    try {
      const runs = new Map<string, number>();
      const handler: JobHandler = async (job) => {
        runs.set(job.key, (runs.get(job.key) ?? 0) + 1);
        await new Promise((r) => setImmediate(r));
      };
      for (let i = 0; i < 300; i += 50) {
        await a.prisma.$transaction((tx) =>
          enqueue(
            tx,
            Array.from({ length: 50 }, (_, j) => ({ kind: "test.many", key: `m${i + j}` })),
          ),
        );
      }
      const [ranA, ranB] = await Promise.all([
        worker(a, { "test.many": handler }, { name: "a", concurrency: 8 }).runDue(),
        worker(b, { "test.many": handler }, { name: "b", concurrency: 8 }).runDue(),
      ]);
      expect(ranA + ranB).toBe(300);
      expect(runs.size).toBe(300);
      expect([...runs.values()].every((n) => n === 1)).toBe(true);
      expect((await jobCounts(a)).DONE).toBe(300);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
