// `ccbot jobs`: the durable effects queue (letters to issue, messages to update, DMs...), what is pending or
// failed, and retrying failed ones once the cause is fixed.
import { loadLocale } from "../../db/settings.js";
import { AppError } from "../../errors.js";
import { phrase, t } from "../../i18n/index.js";
import { jobCounts, listJobs, retryJobs, type JobRow } from "../../jobs/queue.js";
import { print, printJson, table, type CommandContext } from "../io.js";

export const JOBS_HELP = phrase("cli.jobs.help");

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
      throw new AppError("input.usage", phrase("cli.jobs.badState", { states: STATES.join(", "), state: String(options.state) }));
    }
    const db = await context.database();
    const locale = await db.withConnection(loadLocale);
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
      t(locale, "cli.jobs.counts", { pending: counts.PENDING, running: counts.RUNNING, done: counts.DONE, failed: counts.FAILED }),
    );
    if (jobs.length > 0)
      print(
        context.io.stdout,
        table(
          ["#", ...(["kind", "state", "attempts", "when", "lastError"] as const).map((c) => t(locale, `cli.jobs.col.${c}`))],
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
    const db = await context.database();
    const locale = await db.withConnection(loadLocale);
    if (all === rest.length > 0) throw new AppError("input.usage", phrase("cli.jobs.idsOrAll", { help: t(locale, "cli.jobs.help") }));
    const ids = rest.map((r) => {
      if (!/^\d{1,18}$/.test(r)) throw new AppError("input.usage", phrase("cli.jobs.notANumber", { value: r.slice(0, 40) }));
      return BigInt(r);
    });
    const count = await retryJobs(db, all ? "all-failed" : ids);
    if (!all && count < ids.length) {
      print(context.io.stderr, t(locale, "cli.jobs.notFailed", { count: ids.length - count }));
    }
    if (context.json || !context.io.interactive) printJson(context.io, { retried: count });
    else print(context.io.stdout, t(locale, "cli.jobs.retried", { count }));
    return 0;
  }
  throw new AppError("input.usage", JOBS_HELP);
}
