// The weekly committee digest and a collector's daily task list, as plain view models: no chat types.
// Slack (Block Kit), Teams (Adaptive Cards) and the terminal each render these.
import type { Aging } from "./aging.js";
import { bucketLabels } from "./aging.js";
import type { CalendarDate } from "./calendarDate.js";
import type { AccountReview } from "./engine.js";
import { describePayer, type LossCover, type PayerProfile, type RecoveryRate } from "./kpis.js";
import { formatMinor, formatMoney } from "./money.js";
import type { Segment } from "./parties.js";
import type { ActionKind, Channel, Policy } from "./policy.js";
import { rankAccounts, type PriorityInput } from "./priority.js";

export interface DigestAccount {
  customerId: number;
  externalId: string;
  name: string;
  segment: Segment;
  blocked: boolean;
  aging: Aging;
  payer: PayerProfile;
  creditLimit: bigint | null;
  review: AccountReview;
  salesOwnerName: string | null;
  collectorName: string | null;
  brokenPromises: number;
  formalNotice: { sentOn: CalendarDate; deadline: CalendarDate } | null;
}

export interface PendingAction {
  actionId: number;
  customerId: number;
  customerName: string;
  kind: ActionKind;
  status: "PROPOSED" | "APPROVED";
  reason: string;
  proposedOn: CalendarDate;
  approvedBy: string[];
  missing: string[];
  invoiceNumbers: string[];
}

export interface OpenDispute {
  disputeId: number;
  invoiceNumber: string;
  customerName: string;
  category: string;
  reason: string;
  amount: bigint;
  openedOn: CalendarDate;
  ageDays: number;
  openedBy: string | null;
}

export interface PromiseLine {
  promiseId: number;
  customerName: string;
  amount: bigint;
  promisedDate: CalendarDate;
  status: "PENDING" | "KEPT" | "BROKEN";
}

export interface DigestKpis {
  dsoSimple: number | null;
  dsoCountback: number | null;
  /** Overdue / receivables now, and at last week's snapshot. */
  overdueRate: number | null;
  previousOverdueRate: number | null;
  /** The latest months whose 1- and 3-month horizons are over. */
  recovery1Month: RecoveryRate | null;
  recovery3Months: RecoveryRate | null;
}

export interface Digest {
  companyName: string;
  currency: string;
  locale: string;
  asOf: CalendarDate;
  period: string;
  bucketLabels: string[];
  totals: Aging;
  /** Change of each bucket since last week's snapshot (null the first week). */
  change: bigint[] | null;
  kpis: DigestKpis;
  priorities: Array<{
    rank: number;
    score: number;
    reasons: string[];
    account: DigestAccount;
  }>;
  actions: PendingAction[];
  disputes: OpenDispute[];
  promises: PromiseLine[];
  /** Accounts counted, with something owed. */
  accountsWithBalance: number;
}

export interface DigestInput {
  companyName: string;
  currency: string;
  locale: string;
  asOf: CalendarDate;
  period: string;
  accounts: DigestAccount[];
  totals: Aging;
  previous: Aging | null;
  kpis: DigestKpis;
  actions: PendingAction[];
  disputes: OpenDispute[];
  promises: PromiseLine[];
}

/** The payer's grade and why, for a reason: "payer C: pays 38 days late on average; 2 promises broken". */
export function payerReason(payer: PayerProfile, money: (minor: bigint) => string = (m) => formatMinor(m)): string {
  return payer.grade === null ? "no payment history" : `payer ${payer.grade}: ${describePayer(payer, money)}`;
}

/** What the priority ranking reads of an account. */
export function priorityInputOf(a: DigestAccount, money?: (minor: bigint) => string): PriorityInput {
  return {
    customerId: a.customerId,
    overdue: a.review.figures.overdue,
    maxDaysLate: a.review.figures.maxDaysLate,
    payerScore: a.payer.score,
    payerWhy: payerReason(a.payer, money),
    overLimit: a.review.figures.overLimit,
    creditLimit: a.creditLimit,
    brokenPromises: a.brokenPromises,
  };
}

export function composeDigest(input: DigestInput, policy: Policy): Digest {
  const money = (minor: bigint) => formatMoney(minor, input.currency, input.locale);
  const ranked = rankAccounts(input.accounts, (a) => priorityInputOf(a, money), policy, policy.committee.topAccounts);
  return {
    companyName: input.companyName,
    currency: input.currency,
    locale: input.locale,
    asOf: input.asOf,
    period: input.period,
    bucketLabels: bucketLabels(policy.agingBuckets),
    totals: input.totals,
    change: input.previous ? input.totals.buckets.map((v, i) => v - (input.previous?.buckets[i] ?? 0n)) : null,
    kpis: input.kpis,
    priorities: ranked
      .slice(0, policy.committee.topAccounts)
      .map((r) => ({ rank: r.rank, score: r.score, reasons: r.reasons, account: r.account })),
    actions: input.actions,
    disputes: input.disputes,
    promises: input.promises,
    accountsWithBalance: input.accounts.reduce((n, a) => (a.aging.balance !== 0n ? n + 1 : n), 0),
  };
}

/** ISO week of a date, e.g. "2026-W48": the committee's period. */
export function isoWeek(date: CalendarDate): { period: string; monday: CalendarDate } {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const utc = new Date(Date.UTC(y, m - 1, d));
  const weekday = (utc.getUTCDay() + 6) % 7; // Monday = 0
  const monday = new Date(utc.getTime() - weekday * 86_400_000);
  const thursday = new Date(monday.getTime() + 3 * 86_400_000);
  const yearStart = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 1));
  const week = Math.floor((thursday.getTime() - yearStart.getTime()) / (7 * 86_400_000)) + 1;
  return {
    period: `${thursday.getUTCFullYear()}-W${String(week).padStart(2, "0")}`,
    monday: monday.toISOString().slice(0, 10) as CalendarDate,
  };
}

/** The call's thread (seed 004): what a collector goes through on every call. */
export const CALL_CHECKLIST = [
  "Introduce yourself and your company",
  "Check who you are speaking to (name, role, can they pay or get it paid?)",
  "State the subject: the invoices, amounts and due dates",
  "Listen: let them explain, note every reason given",
  "Negotiate: let them make the first offer; take time before accepting a payment plan",
  "Get a commitment: an amount and a date",
  "Restate the agreement, and confirm it in writing",
  "Close politely and record the outcome",
] as const;

export interface CollectorTask {
  customerId: number;
  externalId: string;
  customerName: string;
  kind: "step" | "promise-check" | "notice-follow-up";
  /** For steps: the policy level and its channel. */
  levelId: string | null;
  channel: Channel | null;
  title: string;
  reason: string;
  overdue: bigint;
  maxDaysLate: number;
}

export interface CustomerFile {
  customerId: number;
  name: string;
  segment: Segment;
  blocked: boolean;
  blockedReason: string | null;
  contacts: Array<{ name: string; jobTitle: string | null; email: string | null; phone: string | null }>;
  overdueInvoices: Array<{ number: string; dueDate: CalendarDate; openAmount: bigint; daysLate: number; disputed: boolean }>;
  commitments: Array<{ amount: bigint; promisedDate: CalendarDate; status: string }>;
  lastHistory: Array<{ on: string; kind: string; text: string; by: string | null }>;
  payer: PayerProfile;
  /** The customer file (`/credit`): the sales needed to make up the overdue amount if it were lost. */
  lossCover?: LossCover | null;
  /** The customer file (`/credit`): its payment plans, one line each (src/services/paymentPlans.ts). */
  paymentPlans?: string[];
}

/** What a collector can report about a task (besides a promise to pay, which has its own form). */
export const TASK_OUTCOMES = {
  no_answer: "No answer / voicemail",
  reached: "Reached, no commitment",
  already_paid: "Already paid",
  wrong_contact: "Wrong contact",
  dispute: "Dispute raised",
} as const;
export type TaskOutcome = keyof typeof TASK_OUTCOMES;

export function isTaskOutcome(value: unknown): value is TaskOutcome {
  return typeof value === "string" && Object.hasOwn(TASK_OUTCOMES, value);
}

/** A proposed action as the digest shows it: pending (with votes and what is missing) or decided. */
export interface ActionView extends PendingAction {
  /** For decided actions: "APPLIED", "REJECTED"... */
  finalStatus?: string;
  appliedText?: string | null;
}

export interface TaskList {
  collectorName: string;
  asOf: CalendarDate;
  tasks: Array<CollectorTask & { file: CustomerFile }>;
  checklist: readonly string[];
}
