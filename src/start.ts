// `npm start`: the bot and its scheduled jobs. The Slack and Teams adapters are not built yet: this entry
// point prepares the database and says so plainly, instead of pretending to run.
import { readEnv } from "./config/env.js";
import { openDatabase } from "./db/database.js";
import { migrate } from "./db/migrate.js";
import { AppError, exitCodeFor } from "./errors.js";
import { createLogger } from "./log.js";

const log = createLogger();
try {
  const env = readEnv();
  const db = await openDatabase(env.DATABASE_URL);
  try {
    const report = await migrate(db);
    log.info({ database: db.kind, applied: report.applied.length }, "database ready");
  } finally {
    await db.close();
  }
  process.stderr.write(
    [
      "The database is ready, but this version has no chat adapter yet: the Slack and Teams bots and the",
      "scheduled digest are the next milestones. Meanwhile:",
      "  npm run demo        imports a sample company on the embedded database and prints what it loaded",
      "  npx ccbot --help    imports your own files, settings, people, history export",
      "",
    ].join("\n"),
  );
  process.exitCode = 1;
} catch (error) {
  log.error({ code: error instanceof AppError ? error.code : "unexpected" }, (error as Error).message);
  process.exitCode = exitCodeFor(error);
}
