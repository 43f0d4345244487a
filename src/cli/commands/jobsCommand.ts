// `ccbot jobs`: the durable effects queue (letters to issue, messages to update, DMs...), what is pending or
// failed, and retrying failed ones once the cause is fixed.
import { AppError } from "../../errors.js";
import { jobCounts, listJobs, retryJobs, type JobRow } from "../../jobs/queue.js";
import { print, printJson, table, type CommandContext } from "../io.js";

export const JOBS_HELP = `Usage: ccbot jobs list [--state pending|running|done|failed]
       ccbot jobs retry ID [ID ...] | ccbot jobs retry --all-failed

Every effect of a decision (the formal notice letter, the digest message update, the thread announcement,
direct messages) is a job written with the decision and run by the bot with retries. "list" shows the newest
50 (with counts per state); "retry" puts failed jobs back in the queue once the cause is fixed.`;

const STATES = ["pending", "running", "done", "failed"] as const;

export async function jobsCommand(
  context: CommandContext,
  args: string[],
  options: { state?: string; "all-failed"?: boolean },
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "list") {
    if (rest.length > 0) throw new AppError("input.usage", JOBS_HELP);
    const state = options.state?.toLowerCase();
    if (state !== undefined && !(STATES as readonly string[]).includes(state)) {
      throw new AppError("input.usage", `--state must be one of ${STATES.join(", ")} (got "${options.state}").`);
    }
    const db = await context.database();
    const [jobs, counts] = await Promise.all([
      listJobs(db, state ? { state: state.toUpperCase() as JobRow["state"] } : {}),
      jobCounts(db),
    ]);
    if (context.json || !context.io.interactive) {
      printJson(context.io, { counts, jobs });
      return 0;
    }
    print(
      context.io.stdout,
      `Jobs: ${counts.PENDING} pending, ${counts.RUNNING} running, ${counts.DONE} done, ${counts.FAILED} failed.`,
    );
    if (jobs.length > 0)
      print(
        context.io.stdout,
        table(
          ["#", "kind", "state", "attempts", "next run / finished", "last error"],
          jobs.map((j) => [
            j.id.toString(),
            j.kind,
            j.state.toLowerCase(),
            `${j.attempts}/${j.maxAttempts}`,
            (j.finishedAt ?? j.runAt).toISOString().slice(0, 19).replace("T", " "),
            (j.lastError ?? "").slice(0, 80),
          ]),
        ),
      );
    return 0;
  }
  if (sub === "retry") {
    const all = options["all-failed"] === true;
    if (all === rest.length > 0) throw new AppError("input.usage", `Give job numbers or --all-failed.\n\n${JOBS_HELP}`);
    const ids = rest.map((r) => {
      if (!/^\d{1,18}$/.test(r)) throw new AppError("input.usage", `"${r.slice(0, 40)}" is not a job number (see ccbot jobs list).`);
      return BigInt(r);
    });
    const db = await context.database();
    const count = await retryJobs(db, all ? "all-failed" : ids);
    if (!all && count < ids.length) {
      print(context.io.stderr, `${ids.length - count} of the jobs given are not failed (or do not exist): left as they are.`);
    }
    if (context.json || !context.io.interactive) printJson(context.io, { retried: count });
    else print(context.io.stdout, `${count} job(s) back in the queue: the bot runs them within a minute.`);
    return 0;
  }
  throw new AppError("input.usage", JOBS_HELP);
}
