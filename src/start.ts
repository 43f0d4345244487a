// `npm start`: the Slack bot on the configured database. Without chat credentials it says what to set.
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

const log = createLogger();
try {
  const env = readEnv();
  const slack = readSlackConfig();
  if (!slack) {
    process.stderr.write(
      [
        "No chat platform is configured. To run the Slack bot, set SLACK_BOT_TOKEN and either SLACK_APP_TOKEN",
        "(Socket Mode, the default) or SLACK_MODE=http with SLACK_SIGNING_SECRET (see the README, 'Slack').",
        "Microsoft Teams is not available yet. Without an account, try:",
        "  npm run demo        a sample company on the embedded database: digest, tasks, letters, charts",
        "  npx ccbot --help    import your own files, reports, history",
        "",
      ].join("\n"),
    );
    process.exitCode = 1;
  } else {
    const policy = loadPolicy(env.POLICY_FILE);
    const db = await openDatabase(env.DATABASE_URL);
    const report = await migrate(db);
    log.info({ database: db.kind, applied: report.applied.length }, "database ready");
    const { app } = createSlackApp({ config: slack, db, policy, logger: log });
    await (slack.SLACK_MODE === "http" ? app.start(slack.SLACK_PORT) : app.start());
    log.info(
      { mode: slack.SLACK_MODE, port: slack.SLACK_MODE === "http" ? slack.SLACK_PORT : undefined },
      "Slack bot running: /credit, /dispute, approvals",
    );
    if (slack.SLACK_DIGEST_CHANNEL) {
      await scheduleWeeklyDigest(
        { db, policy, publisher: slackDigestPublisher(app.client, slack.SLACK_DIGEST_CHANNEL), logger: log },
        slack.DIGEST_CRON,
      );
      log.info({ cron: slack.DIGEST_CRON }, "weekly digest scheduled");
    } else {
      log.warn("SLACK_DIGEST_CHANNEL is not set: no weekly digest will be posted");
    }
    const settings = await db.withConnection(loadSettings);
    await scheduleDailyTasks(
      { db, policy, publisher: slackTaskPublisher(app.client, settings.currency, settings.locale), logger: log },
      slack.TASKS_CRON,
    );
    log.info({ cron: slack.TASKS_CRON }, "collectors' daily tasks scheduled");
    log.warn("App Home, the Comment button and the /dispute modal are not available in this version");
    const stop = async () => {
      await app.stop();
      await db.close();
      process.exit(0);
    };
    process.once("SIGINT", () => void stop());
    process.once("SIGTERM", () => void stop());
  }
} catch (error) {
  log.error({ code: error instanceof AppError ? error.code : "unexpected" }, (error as Error).message);
  process.exitCode = exitCodeFor(error);
}
