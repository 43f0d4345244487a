// The effect jobs that need no chat platform: formal notice letters, webhooks to other systems, reminder
// e-mails (when SMTP is configured) and the import inbox's batches (when IMPORT_INBOX is set). `npm start`
// runs them beside the chat platforms, or alone when none is configured; `ccbot jobs run [--once]` runs
// them for deployments that start a process from cron (README, "Operations").
import type { Policy } from "../domain/policy.js";
import type { MailConfig } from "../mail/config.js";
import type { AnnouncePlatform } from "../import/inbox.js";
import { letterJobHandlers, webhookJobHandlers } from "./effects.js";
import { importInboxJobHandlers } from "./importInbox.js";
import { mailJobHandlers } from "./mailJobs.js";
import type { JobHandler } from "./queue.js";

export interface PlatformFreeDeps {
  policy: Policy;
  documentsDir: string;
  /** SMTP configured: reminder e-mails are sent. */
  mail: MailConfig | null;
  /** IMPORT_INBOX: its claimed batches are imported. */
  inboxDir?: string;
  /** The chat platforms running beside (where inbox summaries go); none for a runner alone. */
  platforms?: readonly AnnouncePlatform[];
}

export interface PlatformFreeJobs {
  handlers: Record<string, JobHandler>;
  /** What runs, in words, for the start-up message: "webhooks, formal notice letters, ...". */
  runs: string[];
  /** What does not run and why ("reminder e-mails (SMTP is not configured)"). */
  skipped: string[];
  /** The same as codes, for a text in the company's language (cli.jobs.part.*, cli.jobs.skip.*). */
  parts: { runs: JobPart[]; skipped: Array<Exclude<JobPart, "webhooks" | "letters">> };
  close(): void;
}

export type JobPart = "webhooks" | "letters" | "emails" | "inbox";

export function platformFreeJobs(deps: PlatformFreeDeps): PlatformFreeJobs {
  const handlers: Record<string, JobHandler> = {
    ...webhookJobHandlers(),
    ...letterJobHandlers({ policy: deps.policy, documentsDir: deps.documentsDir, mailReady: deps.mail !== null }),
  };
  const runs = ["webhooks", "formal notice letters"];
  const skipped: string[] = [];
  const parts: PlatformFreeJobs["parts"] = { runs: ["webhooks", "letters"], skipped: [] };
  let close = () => undefined as void;
  if (deps.mail) {
    const mail = mailJobHandlers({ policy: deps.policy, config: deps.mail });
    Object.assign(handlers, mail.handlers);
    close = mail.close;
    runs.push("reminder e-mails");
    parts.runs.push("emails");
  } else {
    skipped.push("reminder e-mails (SMTP is not configured)");
    parts.skipped.push("emails");
  }
  if (deps.inboxDir) {
    Object.assign(handlers, importInboxJobHandlers({ dir: deps.inboxDir, policy: deps.policy, platforms: deps.platforms ?? [] }));
    runs.push("import inbox batches");
    parts.runs.push("inbox");
  } else {
    skipped.push("import inbox (IMPORT_INBOX is not set)");
    parts.skipped.push("inbox");
  }
  return { handlers, runs, skipped, parts, close };
}
