// Exactly-once scheduled work: node-cron fires in every process, so each run first claims its (job, slot)
// row. The first claimant runs it; a claim left unfinished for longer than the lease (a crashed process)
// can be taken over, and the work resumes from what was recorded.
import { hostname } from "node:os";
import type { Database } from "../db/database.js";

export const WORKER = `${hostname()}:${process.pid}`;

export async function claimSlot(
  db: Database,
  job: string,
  slot: string,
  options: { worker?: string; leaseMs?: number } = {},
): Promise<boolean> {
  const worker = options.worker ?? WORKER;
  const lease = Math.round((options.leaseMs ?? 10 * 60_000) / 1000);
  return db.withConnection(async (sql) => {
    const inserted = await sql.query(
      `INSERT INTO job_run (job, slot, "claimedBy", "claimedAt") VALUES ($1, $2, $3, now()) ON CONFLICT (job, slot) DO NOTHING RETURNING 1`,
      [job, slot, worker],
    );
    if (inserted.length > 0) return true;
    const taken = await sql.query(
      `UPDATE job_run SET "claimedBy" = $3, "claimedAt" = now()
        WHERE job = $1 AND slot = $2 AND "finishedAt" IS NULL AND "claimedAt" < now() - make_interval(secs => $4)
       RETURNING 1`,
      [job, slot, worker, lease],
    );
    return taken.length > 0;
  });
}

export async function finishSlot(db: Database, job: string, slot: string): Promise<void> {
  await db.withConnection((sql) => sql.query(`UPDATE job_run SET "finishedAt" = now() WHERE job = $1 AND slot = $2`, [job, slot]));
}

/** Keeps a claim alive while its work runs (a heartbeat): the lease counts from the last renewal. */
export async function renewSlot(db: Database, job: string, slot: string, worker: string = WORKER): Promise<void> {
  await db.withConnection((sql) =>
    sql.query(`UPDATE job_run SET "claimedAt" = now() WHERE job = $1 AND slot = $2 AND "claimedBy" = $3 AND "finishedAt" IS NULL`, [job, slot, worker]),
  );
}
