// Pre-due courtesy reminders (seed "relances préventives") for the customers the policy names in
// `segments.<SEGMENT>.preDueFor`: large accounts (balance or invoice), new customers, past late payers. Never
// for disputed invoices, promised amounts, accounts on hold or suppressed addresses. Sent for real over SMTP.
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { calendarDate } from "../../src/domain/calendarDate.js";
import { DEFAULT_POLICY, parsePolicy, PolicyError, type Policy, type PolicyInput } from "../../src/domain/policy.js";
import { EMAIL_SEND, mailSendHandler } from "../../src/jobs/mailSend.js";
import { JobWorker } from "../../src/jobs/queue.js";
import { createLogger } from "../../src/log.js";
import { collectorTasks, reviewPortfolio } from "../../src/services/committeeViews.js";
import { scheduleReminderEmails } from "../../src/usecases/emailReminders.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { type MailFixture, peerMailConfig, seedMailCompany } from "./fixtures.js";
import { startSmtpPeer, type SmtpPeer } from "./smtpPeer.js";

const logger = createLogger("silent");
// Tuesday 24 November 2026, 10:00 in Paris; the invoices fall due on Friday 27th, within the 5-day window.
const NOW = new Date("2026-11-24T09:00:00Z");
const AS_OF = calendarDate("2026-11-24");
const BEFORE = new Date("2026-11-20T10:00:00Z");

function policyWith(preDueFor: unknown): PolicyInput {
  const input = structuredClone(DEFAULT_POLICY);
  input.segments.SME.levels = [
    { id: "pre-due-courtesy", day: -5, channel: "EMAIL", template: "reminder-courtesy", by: "COLLECTOR", send: "auto" },
    ...input.segments.SME.levels,
  ];
  (input.segments.SME as Record<string, unknown>).preDueFor = preDueFor;
  return input;
}

describe("pre-due targets in the policy: errors name the field", () => {
  const problem = (preDueFor: unknown, mutate?: (p: PolicyInput) => void) => {
    const input = policyWith(preDueFor);
    mutate?.(input);
    try {
      parsePolicy(input, "policy.json");
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyError);
      return (error as Error).message;
    }
    return "accepted";
  };
  it("a grade that does not exist, an amount that is not one, an empty or unknown criterion", () => {
    expect(problem({ payerGrades: ["E"] })).toContain("segments.SME.preDueFor.payerGrades.0: a payer grade is one of: A, B, C, D");
    expect(problem({ balanceMinimum: "10k" })).toContain("segments.SME.preDueFor.balanceMinimum: balanceMinimum is a positive whole amount in minor units (10000 = 100.00)");
    expect(problem({ newCustomerDays: 0 })).toContain("segments.SME.preDueFor.newCustomerDays: newCustomerDays is a whole number of days from 1 to 730");
    expect(problem({})).toContain("segments.SME.preDueFor: name at least one of balanceMinimum, invoiceMinimum, newCustomerDays, payerGrades, averageDaysLate");
    expect(problem({ newCustomers: 30 })).toMatch(/segments\.SME\.preDueFor: Unrecognized key.*newCustomers/);
  });
  it("targets for a segment without a pre-due level are refused", () => {
    expect(problem({ balanceMinimum: 100 }, (p) => (p.segments.SME.levels = p.segments.SME.levels.filter((l) => l.day >= 0)))).toContain(
      "segments.SME.preDueFor: the segment has no pre-due level (a level with a negative day) to send",
    );
  });
});

let peer: SmtpPeer;
beforeAll(async () => {
  peer = await startSmtpPeer();
});
afterAll(async () => {
  await peer.close();
  await dropTestSchemas();
});

describe.each(targets)("pre-due courtesy reminders ($name)", (target) => {
  let db: Database;
  let fx: MailFixture;
  const policy: Policy = parsePolicy(policyWith({ balanceMinimum: 1_000_000, newCustomerDays: 30, payerGrades: ["C", "D"] }), "test policy");
  beforeAll(async () => {
    db = await freshDatabase(target);
    const due = "2026-11-27";
    fx = await seedMailCompany(db, [
      { key: "large", name: "Test Large SA", email: "ap@large.test", due, amount: 1_500_000n },
      { key: "newbie", name: "Test Newbie SARL", email: "ap@newbie.test", due, amount: 20_000n },
      { key: "late", name: "Test Late Payer SAS", email: "ap@late.test", due, amount: 30_000n },
      { key: "plain", name: "Test Plain SAS", email: "ap@plain.test", due, amount: 40_000n },
      { key: "disputed", name: "Test Disputed SA", email: "ap@disputed.test", due, amount: 1_600_000n },
      { key: "promised", name: "Test Promised SA", email: "ap@promised.test", due, amount: 1_700_000n },
      { key: "hold", name: "Test Hold SA", email: "ap@hold.test", due, amount: 1_800_000n },
      { key: "bounced", name: "Test Bounced SA", email: "ap@bounced.test", due, amount: 1_900_000n },
    ]);
    const id = (k: string) => (fx.customers[k] as { id: number }).id;
    // A new customer: its first invoice issued 14 days ago.
    await db.prisma.invoice.updateMany({ where: { customerId: id("newbie") }, data: { issueDate: new Date("2026-11-10T00:00:00Z") } });
    // A past late payer: an invoice of last spring paid 50 days late.
    const old = await db.prisma.invoice.create({
      data: { customerId: id("late"), number: "F-OLD", issueDate: new Date("2026-04-01T00:00:00Z"), dueDate: new Date("2026-05-01T00:00:00Z"), amount: 100_000n, openAmount: 0n, currency: "EUR", source: "CLI" },
    });
    const payment = await db.prisma.payment.create({
      data: { customerId: id("late"), reference: "PAY-LATE", paymentDate: new Date("2026-06-20T00:00:00Z"), amount: 100_000n, unallocatedAmount: 0n, currency: "EUR", source: "CLI" },
    });
    await db.prisma.allocation.create({ data: { invoiceId: old.id, paymentId: payment.id, amount: 100_000n, allocatedOn: new Date("2026-06-20T00:00:00Z"), source: "CLI" } });
    // The plain customer has been with us since last year and paid on time.
    await db.prisma.invoice.create({
      data: { customerId: id("plain"), number: "F-2025", issueDate: new Date("2025-12-01T00:00:00Z"), dueDate: new Date("2026-01-01T00:00:00Z"), amount: 10_000n, openAmount: 0n, currency: "EUR", source: "CLI" },
    });
    const disputedInvoice = await db.prisma.invoice.findFirstOrThrow({ where: { customerId: id("disputed") } });
    await db.prisma.dispute.create({ data: { invoiceId: disputedInvoice.id, customerId: id("disputed"), category: "PRICE", reason: "price", openedAt: BEFORE } });
    await db.prisma.promiseToPay.create({ data: { customerId: id("promised"), promisedDate: new Date("2026-11-30T00:00:00Z"), amount: 1_700_000n, currency: "EUR", recordedAt: BEFORE } });
    await db.prisma.customer.update({ where: { id: id("hold") }, data: { onHold: true } });
    await db.prisma.emailSuppression.create({ data: { address: "ap@bounced.test", customerId: id("bounced"), reason: "550 5.1.1 user unknown" } });
  });
  afterAll(async () => {
    await db.close();
  });

  it("the calendar sends the courtesy e-mail to the large account, the new customer and the past late payer only", async () => {
    const id = (k: string) => (fx.customers[k] as { id: number }).id;
    const report = await scheduleReminderEmails(db, policy, AS_OF, NOW);
    expect(report).toEqual({ queued: 3, alreadyQueued: 0, noAddress: [id("bounced")] });
    const before = peer.received.length;
    const send = mailSendHandler({ policy, config: peerMailConfig(peer), retryFloorMs: 0 });
    await new JobWorker({ db, logger, handlers: { [EMAIL_SEND]: send.handler }, concurrency: 1, now: () => NOW }).runDue();
    send.close();
    const mine = peer.received.slice(before);
    expect(mine.map((m) => m.recipients[0]).sort()).toEqual(["ap@large.test", "ap@late.test", "ap@newbie.test"]);
    const large = await simpleParser(mine.find((m) => m.recipients.includes("ap@large.test"))?.bytes as Buffer);
    expect(large.subject).toBe("Échéance prochaine de vos factures — Test Large SA");
    expect(large.text).toContain("à échéance le 27 novembre 2026");
    // Why each was reminded, in the collector's tasks of the day (before the e-mails): the policy's criterion.
    const tasks = await collectorTasks(db, policy, AS_OF, fx.collectorId);
    const reasons = new Map(tasks.tasks.filter((t) => t.levelId === "pre-due-courtesy").map((t) => [t.customerName, t.reason]));
    expect([...reasons.keys()].sort()).toEqual(["Test Bounced SA"]);
    const entries = await db.prisma.historyEntry.findMany({ where: { kind: "reminder.step", customerId: { in: [id("large"), id("newbie"), id("late")] } } });
    expect(entries.map((e) => (e.data as { levelId: string }).levelId)).toEqual(["pre-due-courtesy", "pre-due-courtesy", "pre-due-courtesy"]);
  });

  it("the step's reason names the criterion: large account, new customer, payer grade", async () => {
    const id = (k: string) => (fx.customers[k] as { id: number }).id;
    const { accounts } = await reviewPortfolio(db, policy, AS_OF, { customerIds: [id("large"), id("newbie"), id("late"), id("plain")] });
    const step = (k: string) => accounts.find((a) => a.customerId === id(k))?.review.step;
    // The e-mails above are done for today; the day's review is asked as of the day before.
    const { accounts: yesterday } = await reviewPortfolio(db, policy, calendarDate("2026-11-23"), { customerIds: [id("large"), id("newbie"), id("late"), id("plain")] });
    const reason = (k: string) => yesterday.find((a) => a.customerId === id(k))?.review.step?.reason ?? null;
    // The company is French (the default locale): the criterion is said in French, its date as the French write it.
    expect(reason("large")).toMatch(/\(grand compte : .* d’encours, au moins /);
    expect(reason("newbie")).toContain("(nouveau client : première facture le 10/11/2026, il y a 30 jours au plus)");
    expect(reason("late")).toMatch(/\(payeur [CD]\)/);
    expect(reason("plain")).toBeNull();
    expect(step("plain")).toBeNull();
  });
});
