// `npm run demo`: the week's reminder e-mails sent for real over SMTP to a local sink (smtp-server on an
// ephemeral loopback port, started and stopped here), through the same job as in production; each message
// the sink received is written to out/emails/ as a .eml file a newcomer can open in any mail client.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import type { Database } from "../db/database.js";
import type { CalendarDate } from "../domain/calendarDate.js";
import type { Policy } from "../domain/policy.js";
import { EMAIL_SEND, mailSendHandler } from "../jobs/mailSend.js";
import { JobWorker } from "../jobs/queue.js";
import type { Logger } from "../log.js";
import { reviewPortfolio } from "../services/committeeViews.js";
import { scheduleReminderEmails, sendReminderFromTask } from "../usecases/emailReminders.js";
import { loadMailSettings, updateMailSettings } from "./settings.js";
import { zonedInstant } from "./window.js";
import { formatDate, t } from "../i18n/index.js";

export async function demoReminderEmails(
  db: Database,
  policy: Policy,
  asOf: CalendarDate,
  outDir: string,
  logger: Logger,
  timeZone: string,
  locale: string,
): Promise<string> {
  const received: Buffer[] = [];
  const sink = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push(Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", () => resolve()));
  const address = sink.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  try {
    if (!(await loadMailSettings(db)).fromAddress)
      await updateMailSettings(db, [
        ["from", "relances@demo.example"],
        ["from-name", "Service recouvrement"],
        ["reply-to", "relances@demo.example"],
        ["payment-instructions", "Virement : IBAN FR76 3000 6000 0112 3456 7890 189 — BIC AGRIFRPP | Référence : numéros de facture"],
      ]);
    // 10:00 on the demo's day, inside the sending window.
    const now = zonedInstant(asOf, "10:00", timeZone);
    const auto = await scheduleReminderEmails(db, policy, asOf, now);
    // The proposed ones: as if each collector pressed Send on their task.
    let proposed = 0;
    const { accounts } = await reviewPortfolio(db, policy, asOf);
    for (const a of accounts) {
      const step = a.review.step;
      if (!step || step.channel !== "EMAIL" || step.level.send !== "propose") continue;
      const customer = await db.prisma.customer.findUnique({ where: { id: a.customerId }, select: { collectorId: true } });
      if (!customer?.collectorId) continue;
      try {
        const r = await sendReminderFromTask(db, policy, { personId: customer.collectorId, origin: "CLI" }, { customerId: a.customerId, levelId: step.level.id }, now);
        if (r.status === "queued") proposed += 1;
      } catch {
        // No address, nothing left to remind: the task stays for the collector.
      }
    }
    const send = mailSendHandler({ policy, config: { smtp: { host: "127.0.0.1", port, tls: "none", user: null, password: null, ca: null }, imap: null, cron: "0 9 * * 1-5" } });
    await new JobWorker({ db, logger, handlers: { [EMAIL_SEND]: send.handler }, now: () => now }).runDue();
    send.close();
    const dir = path.join(outDir, "emails");
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(dir)) if (f.endsWith(".eml")) rmSync(path.join(dir, f));
    received.forEach((bytes, i) => writeFileSync(path.join(dir, `reminder-${String(i + 1).padStart(2, "0")}.eml`), bytes));
    const bounced = await db.prisma.emailMessage.count({ where: { status: "BOUNCED" } });
    return t(locale, "demo.emails", {
      date: formatDate(asOf, locale),
      queued: auto.queued,
      proposed,
      received: received.length,
      dir: `${path.relative(process.cwd(), dir)}/`,
      noAddress: auto.noAddress.length,
      bounced,
    });
  } finally {
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  }
}
