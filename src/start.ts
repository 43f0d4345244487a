// `npm start`: the Slack bot, the Teams bot or both, as configured, in one process on one database, with the
// worker of the decisions' effects. Without chat credentials it says what to set and runs the effects that need
// no chat platform (webhooks, letters, e-mails, the import inbox: src/jobs/runner.ts).
import { readEnv } from "./config/env.js";
import { loadPolicy } from "./config/policyFile.js";
import { readSlackConfig } from "./config/slack.js";
import { openDatabase } from "./db/database.js";
import { migrate } from "./db/migrate.js";
import { AppError, exitCodeFor } from "./errors.js";
import { createLogger } from "./log.js";
import { createSlackApp } from "./bot/slack/app.js";
import { slackDigestPublisher, slackTaskPublisher } from "./bot/slack/publisher.js";
import { scheduleDailyTasks, scheduleWeeklyDigest } from "./jobs/schedule.js";
import { loadSettings } from "./db/settings.js";
import { readTeamsConfig } from "./config/teams.js";
import { createTeamsApp } from "./bot/teams/app.js";
import { slackAdminNotifier, slackJobHandlers } from "./bot/slack/jobs.js";
import { teamsAdminNotifier, teamsJobHandlers } from "./bot/teams/jobs.js";
import { JobWorker, type JobHandler, type JobRecord } from "./jobs/queue.js";
import { teamsDigestPublisher, teamsTaskPublisher } from "./bot/teams/publisher.js";
import { slackImportSummaryHandlers } from "./bot/slack/importSummary.js";
import { teamsImportSummaryHandlers } from "./bot/teams/importSummary.js";
import { startInboxPolling } from "./jobs/importInbox.js";
import { platformFreeJobs } from "./jobs/runner.js";
import { ImportInbox, type AnnouncePlatform } from "./import/inbox.js";
import { readMailConfig } from "./mail/config.js";
import { scheduleMail } from "./jobs/mailJobs.js";
import { slackMailJobHandlers } from "./bot/slack/mailJobs.js";
import { teamsMailJobHandlers } from "./bot/teams/mailJobs.js";

const log = createLogger();
try {
  const env = readEnv();
  const slack = readSlackConfig();
  const teams = readTeamsConfig();
  const mail = readMailConfig();
  const platforms: AnnouncePlatform[] = [...(slack ? (["slack"] as const) : []), ...(teams ? (["teams"] as const) : [])];
  {
    const policy = loadPolicy(env.POLICY_FILE);
    const db = await openDatabase(env.DATABASE_URL);
    const report = await migrate(db);
    log.info({ database: db.kind, applied: report.applied.length }, "database ready");
    const settings = await db.withConnection(loadSettings);
    const stops: Array<() => Promise<void>> = [];
    // The effects of decisions, run by one worker for both platforms: first those that need no chat platform
    // (webhooks, letters, reminder e-mails when SMTP is configured, the import inbox's batches), then each
    // platform's own (message updates, announcements, direct messages).
    const platformFree = platformFreeJobs({ policy, documentsDir: env.DOCUMENTS_DIR, mail, inboxDir: env.IMPORT_INBOX, platforms });
    const jobHandlers: Record<string, JobHandler> = { ...platformFree.handlers };
    const failureNotifiers: Array<(job: JobRecord, reason: string) => Promise<void>> = [];
    if (platforms.length === 0) {
      process.stderr.write(
        [
          "No chat platform is configured: running only the jobs that need none:",
          `  runs:     ${platformFree.runs.join(", ")}`,
          ...(platformFree.skipped.length > 0 ? [`  not run:  ${platformFree.skipped.join(", ")}`] : []),
          "  (no commands, approvals, digest or daily tasks; a job failed for good is only logged and listed by ccbot jobs list)",
          "For the committee in chat, set either or both:",
          "  Slack: SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode, the default), or SLACK_MODE=http with",
          "         SLACK_SIGNING_SECRET (README, 'Slack')",
          "  Teams: TEAMS_APP_ID, TEAMS_APP_PASSWORD and TEAMS_TENANT_ID (README, 'Microsoft Teams')",
          "Without an account, try:",
          "  npm run demo        a sample company on the embedded database: digest, tasks, letters, charts",
          "  npx ccbot --help    import your own files, reports, history",
          "",
        ].join("\n"),
      );
      log.warn({ runs: platformFree.runs, notRun: platformFree.skipped }, "no chat platform configured: running the jobs that need none");
    }

    if (slack) {
      const { app, init } = createSlackApp({ config: slack, db, policy, logger: log, documentsDir: env.DOCUMENTS_DIR, mailReady: mail !== null });
      // auth.test: a refused SLACK_BOT_TOKEN stops here, before anything says "running".
      const workspace = await init();
      log.info({ team: workspace.teamId }, "Slack workspace verified");
      Object.assign(jobHandlers, slackJobHandlers({ client: app.client, db, policy, logger: log }), slackMailJobHandlers({ client: app.client, db }));
      failureNotifiers.push(slackAdminNotifier(app.client, db, log));
      Object.assign(jobHandlers, slackImportSummaryHandlers({ client: app.client, db, channel: slack.SLACK_DIGEST_CHANNEL }));
      await (slack.SLACK_MODE === "http" ? app.start(slack.SLACK_PORT) : app.start());
      stops.push(async () => {
        await app.stop();
      });
      log.info(
        { mode: slack.SLACK_MODE, port: slack.SLACK_MODE === "http" ? slack.SLACK_PORT : undefined },
        "Slack bot running: /credit, /dispute, approvals",
      );
      if (slack.SLACK_DIGEST_CHANNEL) {
        await scheduleWeeklyDigest(
          { db, policy, publisher: slackDigestPublisher(app.client, slack.SLACK_DIGEST_CHANNEL), logger: log },
          slack.DIGEST_CRON,
        );
        log.info({ platform: "slack", cron: slack.DIGEST_CRON }, "weekly digest scheduled");
      } else {
        log.warn("SLACK_DIGEST_CHANNEL is not set: no weekly digest will be posted in Slack");
      }
      await scheduleDailyTasks(
        { db, policy, publisher: slackTaskPublisher(app.client, settings.currency, settings.locale, { mailReady: mail !== null }), logger: log },
        slack.TASKS_CRON,
      );
      log.info({ platform: "slack", cron: slack.TASKS_CRON }, "collectors' daily tasks scheduled");
    }

    if (teams) {
      const { app, messenger } = createTeamsApp({ config: teams, db, policy, logger: log, documentsDir: env.DOCUMENTS_DIR, mailReady: mail !== null });
      await app.start(teams.TEAMS_PORT);
      stops.push(() => app.stop());
      Object.assign(jobHandlers, teamsJobHandlers({ messenger, db, policy, logger: log }), teamsMailJobHandlers({ messenger, db }));
      failureNotifiers.push(teamsAdminNotifier(messenger, db, log));
      Object.assign(jobHandlers, teamsImportSummaryHandlers({ messenger, db, configured: teams.TEAMS_DIGEST_CONVERSATION }));
      log.info({ port: teams.TEAMS_PORT, endpoint: "/api/messages" }, "Teams bot running: credit, dispute, approvals");
      await scheduleWeeklyDigest(
        { db, policy, publisher: teamsDigestPublisher(messenger, db, teams.TEAMS_DIGEST_CONVERSATION), logger: log },
        teams.DIGEST_CRON,
      );
      log.info({ platform: "teams", cron: teams.DIGEST_CRON }, "weekly digest scheduled");
      await scheduleDailyTasks(
        { db, policy, publisher: teamsTaskPublisher(messenger, db, settings.currency, settings.locale, { mailReady: mail !== null }), logger: log },
        teams.TASKS_CRON,
      );
      log.info({ platform: "teams", cron: teams.TASKS_CRON }, "collectors' daily tasks scheduled");
    }

    // The import inbox (IMPORT_INBOX): files dropped there are claimed by one process and imported by a job.
    if (env.IMPORT_INBOX) {
      await new ImportInbox(env.IMPORT_INBOX, db, log).prepare();
      const polling = startInboxPolling({ dir: env.IMPORT_INBOX, db, logger: log, everyMs: env.IMPORT_INBOX_POLL_SECONDS * 1000 });
      stops.unshift(() => polling.stop());
      log.info({ everySeconds: env.IMPORT_INBOX_POLL_SECONDS }, "import inbox watched");
    }

    const worker = new JobWorker({
      db,
      logger: log,
      handlers: jobHandlers,
      onFailed: async (job, reason) => {
        for (const notify of failureNotifiers) await notify(job, reason);
      },
    });
    worker.start();
    log.info({ kinds: worker.kinds }, "decisions' effects worker running (ccbot jobs list)");
    stops.unshift(() => worker.stop());
    if (mail) {
      const stopMail = await scheduleMail({ db, policy, config: mail, logger: log }, mail.cron);
      stops.unshift(async () => stopMail());
      log.info({ cron: mail.cron, imap: mail.imap !== null }, "reminder e-mails scheduled");
    } else {
      log.info("SMTP is not configured: e-mail reminders stay tasks for the collectors (README, 'E-mail')");
    }

    const stop = async () => {
      for (const s of stops) await s();
      await db.close();
      process.exit(0);
    };
    process.once("SIGINT", () => void stop());
    process.once("SIGTERM", () => void stop());
  }
} catch (error) {
  log.error({ code: error instanceof AppError ? error.code : "unexpected" }, (error as Error).message);
  // A bot half started (one platform running, the other failed) must not keep running as if all were well.
  process.exit(exitCodeFor(error));
}
