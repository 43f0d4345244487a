// `ccbot jobs`: the durable effects queue (letters to issue, messages to update, DMs...), what is pending or
// failed, and retrying failed ones once the cause is fixed.
import { readEnv } from "../../config/env.js";
import { loadPolicy } from "../../config/policyFile.js";
import { loadLocale } from "../../db/settings.js";
import { AppError } from "../../errors.js";
import { phrase, t } from "../../i18n/index.js";
import { startInboxPolling } from "../../jobs/importInbox.js";
import { JobWorker, jobCounts, listJobs, retryJobs, type JobRow } from "../../jobs/queue.js";
import { platformFreeJobs } from "../../jobs/runner.js";
import { createLogger } from "../../log.js";
import { readMailConfig } from "../../mail/config.js";
import { print, printJson, table, type CommandContext } from "../io.js";

export const JOBS_HELP = phrase("cli.jobs.help");

const STATES = ["pending", "running", "done", "failed"] as const;

export async function jobsCommand(
  context: CommandContext,
  args: string[],
  options: { state?: string; "all-failed"?: boolean; once?: boolean },
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "run") {
    if (rest.length > 0) throw new AppError("input.usage", JOBS_HELP);
    return runJobs(context, options.once === true);
  }
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

/** `ccbot jobs run [--once]`: the worker of the jobs that need no chat platform, in this process. */
async function runJobs(context: CommandContext, once: boolean): Promise<number> {
  const env = readEnv(context.io.env);
  const mail = readMailConfig(context.io.env);
  const policy = loadPolicy(env.POLICY_FILE);
  const db = await context.database();
  // Logs (JSON lines, as the bot's) go to stderr; stdout keeps the result.
  const logger = createLogger();
  const jobs = platformFreeJobs({ policy, documentsDir: env.DOCUMENTS_DIR, mail, inboxDir: env.IMPORT_INBOX });
  const worker = new JobWorker({ db, logger, handlers: jobs.handlers });
  const locale = await db.withConnection(loadLocale);
  const runs = jobs.parts.runs.map((p) => t(locale, `cli.jobs.part.${p}`)).join(", ");
  try {
    if (once) {
      const outcome = await worker.drain();
      const counts = await jobCounts(db);
      if (context.json || !context.io.interactive)
        printJson(context.io, { runs: jobs.runs, notRun: jobs.skipped, ...outcome, pending: counts.PENDING });
      else
        print(
          context.io.stdout,
          t(locale, "cli.jobs.ranOnce", {
            total: outcome.done + outcome.retrying + outcome.failed,
            runs,
            done: outcome.done,
            retrying: outcome.retrying,
            failed: outcome.failed,
          }),
        );
      return outcome.failed > 0 ? 1 : 0;
    }
    print(context.io.stderr, t(locale, "cli.jobs.running", { runs }));
    if (jobs.parts.skipped.length > 0)
      print(context.io.stderr, t(locale, "cli.jobs.notRun", { skipped: jobs.parts.skipped.map((p) => t(locale, `cli.jobs.skip.${p}`)).join(", ") }));
    print(context.io.stderr, t(locale, "cli.jobs.stopWith"));
    const polling = env.IMPORT_INBOX
      ? startInboxPolling({ dir: env.IMPORT_INBOX, db, logger, everyMs: env.IMPORT_INBOX_POLL_SECONDS * 1000 })
      : null;
    worker.start();
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await polling?.stop();
    await worker.stop();
    return 0;
  } finally {
    jobs.close();
  }
}
