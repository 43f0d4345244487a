// The job worker as `npm start` runs it beside the Slack app: the letter handler and the Slack handlers, the
// admins told of a failure by direct message, the Web API sent to the stand-in. Tests call runDue().
import { WebClient } from "@slack/web-api";
import { slackAdminNotifier, slackJobHandlers } from "../../src/bot/slack/jobs.js";
import type { Database } from "../../src/db/database.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { letterJobHandlers } from "../../src/jobs/effects.js";
import { JobWorker } from "../../src/jobs/queue.js";
import { createLogger } from "../../src/log.js";

export function slackJobWorker(db: Database, slackUrl: string, options: { now?: () => Date; documentsDir?: string } = {}): JobWorker {
  const logger = createLogger(process.env.TEST_LOG ?? "silent");
  const client = new WebClient("xoxb-test", { slackApiUrl: `${slackUrl}/api/` });
  return new JobWorker({
    db,
    logger,
    handlers: {
      ...letterJobHandlers({ policy: defaultPolicy, documentsDir: options.documentsDir ?? "data/documents" }),
      ...slackJobHandlers({ client, db, policy: defaultPolicy, logger }),
    },
    onFailed: slackAdminNotifier(client, db, logger),
    ...(options.now ? { now: options.now } : {}),
  });
}
