// E-mail in `npm start`: the `email.send` handler for the worker, the day's automatic reminders on a cron
// (MAIL_CRON, company time zone, working days), and the reply-to mailbox read every IMAP_POLL_SECONDS. Each
// run claims its slot (job_run) so that several processes do it once.
import cron from "node-cron";
import type { Database } from "../db/database.js";
import { loadSettings } from "../db/settings.js";
import { calendarDateAt } from "../domain/calendarDate.js";
import type { Policy } from "../domain/policy.js";
import { AppError } from "../errors.js";
import type { Logger } from "../log.js";
import type { MailConfig } from "../mail/config.js";
import { pollInbox } from "../mail/inbox.js";
import { loadMailSettings, mailSettingsProblem } from "../mail/settings.js";
import { scheduleReminderEmails } from "../usecases/emailReminders.js";
import { claimSlot, finishSlot } from "./claims.js";
import { isWorkingDay } from "./dailyTasks.js";
import { EMAIL_SEND, mailSendHandler } from "./mailSend.js";
import { describeFailure, type JobHandler } from "./queue.js";

export const MAIL_REMINDERS = "mail-reminders";
export const MAIL_INBOX = "mail-inbox";

export function mailJobHandlers(deps: { policy: Policy; config: MailConfig }): { handlers: Record<string, JobHandler>; close(): void } {
  const send = mailSendHandler({ policy: deps.policy, config: deps.config });
  return { handlers: { [EMAIL_SEND]: send.handler }, close: send.close };
}

/** Starts the daily automatic reminders and the inbox polling; returns a stop function. */
export async function scheduleMail(
  deps: { db: Database; policy: Policy; config: MailConfig; logger: Logger },
  expression: string,
): Promise<() => void> {
  if (!cron.validate(expression)) throw new AppError("config.invalid", `MAIL_CRON "${expression}" is not a cron expression (e.g. "0 9 * * 1-5").`);
  const { db, policy, config, logger } = deps;
  const settings = await db.withConnection(loadSettings);
  const problem = mailSettingsProblem(await loadMailSettings(db));
  if (problem) logger.warn(`e-mail reminders will fail until fixed: ${problem}`);
  const daily = cron.schedule(
    expression,
    async () => {
      const asOf = calendarDateAt(new Date(), settings.timeZone);
      if (!isWorkingDay(asOf) || !(await claimSlot(db, MAIL_REMINDERS, asOf))) return;
      try {
        const report = await scheduleReminderEmails(db, policy, asOf);
        await finishSlot(db, MAIL_REMINDERS, asOf);
        logger.info({ job: MAIL_REMINDERS, queued: report.queued, already: report.alreadyQueued, noAddress: report.noAddress.length }, "automatic reminder e-mails queued");
      } catch (error) {
        logger.error({ job: MAIL_REMINDERS, err: describeFailure(error) }, "automatic reminder e-mails could not be queued");
      }
    },
    { timezone: settings.timeZone, name: MAIL_REMINDERS, noOverlap: true },
  );
  let poller: NodeJS.Timeout | undefined;
  if (config.imap) {
    const imap = config.imap;
    const poll = async () => {
      const slot = String(Math.floor(Date.now() / (imap.pollSeconds * 1000)));
      if (!(await claimSlot(db, MAIL_INBOX, slot, { leaseMs: imap.pollSeconds * 1000 }))) return;
      try {
        await pollInbox(db, imap, logger);
      } catch (error) {
        logger.warn({ job: MAIL_INBOX, err: describeFailure(error) }, "the reply-to mailbox could not be read; trying again at the next poll");
      } finally {
        await finishSlot(db, MAIL_INBOX, slot);
      }
    };
    poller = setInterval(() => void poll(), imap.pollSeconds * 1000);
    poller.unref();
    void poll();
  }
  return () => {
    void daily.stop();
    clearInterval(poller);
  };
}
