// The dunning engine: for one account as of a date, which promises are kept or broken, which reminder step
// is due, and which committee actions to propose, each with a reason a person can read.
// Rules: disputed invoices are never dunned and never count toward an action; a pending promise suspends
// dunning until its date (plus tolerance); a broken promise escalates (the next step is due at once).
import { addDays, daysBetween, type CalendarDate } from "./calendarDate.js";
import { formatMinor } from "./money.js";
import type { Segment } from "./parties.js";
import type { ActionKind, Channel, Level, Policy } from "./policy.js";

export interface AccountInvoice {
  id: number;
  number: string;
  dueDate: CalendarDate;
  openAmount: bigint;
  disputed: boolean;
  inLitigation: boolean;
}

export interface AccountPromise {
  id: number;
  promisedDate: CalendarDate;
  amount: bigint;
  status: "PENDING" | "KEPT" | "BROKEN" | "CANCELLED";
  recordedOn: CalendarDate;
  /** When the broken promise was recorded as broken (for escalation). */
  brokenOn?: CalendarDate | null;
}

export interface Account {
  customerId: number;
  name: string;
  segment: Segment;
  creditLimit: bigint | null;
  blocked: boolean;
  invoices: AccountInvoice[];
  /** Open credit notes and unallocated payments. */
  credits: bigint;
  /** Payments received, for checking promises. */
  payments: Array<{ on: CalendarDate; amount: bigint }>;
  promises: AccountPromise[];
  /** Reminder steps done in the current dunning cycle, oldest first. */
  stepsDone: Array<{ levelId: string; on: CalendarDate }>;
  /** The latest formal notice, if any. */
  formalNotice: { sentOn: CalendarDate; deadline: CalendarDate } | null;
  /** Kinds of actions already proposed or approved and not yet applied. */
  pendingActionKinds: ActionKind[];
  payerScore: number | null;
}

export interface PromiseUpdate {
  promiseId: number;
  status: "KEPT" | "BROKEN";
  reason: string;
}

export interface StepDue {
  level: Level;
  channel: Channel;
  reason: string;
  invoiceIds: number[];
  /** True when a broken promise brought the step forward. */
  escalated: boolean;
}

export interface Proposal {
  kind: ActionKind;
  reason: string;
  invoiceIds: number[];
  params: Record<string, string>;
}

export interface AccountReview {
  promiseUpdates: PromiseUpdate[];
  step: StepDue | null;
  proposals: Proposal[];
  /** Why dunning is paused, when it is. */
  suspended: string | null;
  figures: {
    overdue: bigint;
    disputed: bigint;
    exposure: bigint;
    maxDaysLate: number;
    overLimit: bigint;
  };
}

const euros = (minor: bigint) => formatMinor(minor);

/** A promise is kept when the payments received since it was made reach its amount by its date plus tolerance. */
export function checkPromise(
  promise: AccountPromise,
  payments: Account["payments"],
  asOf: CalendarDate,
  toleranceDays: number,
): PromiseUpdate | null {
  if (promise.status !== "PENDING") return null;
  const deadline = addDays(promise.promisedDate, toleranceDays);
  const paid = payments.filter((p) => p.on >= promise.recordedOn && p.on <= deadline).reduce((s, p) => s + p.amount, 0n);
  if (paid >= promise.amount) {
    return {
      promiseId: promise.id,
      status: "KEPT",
      reason: `${euros(paid)} received by ${deadline} for a promise of ${euros(promise.amount)}`,
    };
  }
  if (asOf > deadline) {
    return {
      promiseId: promise.id,
      status: "BROKEN",
      reason: `promised ${euros(promise.amount)} by ${promise.promisedDate}; ${euros(paid)} received by ${deadline}`,
    };
  }
  return null;
}

export function reviewAccount(account: Account, asOf: CalendarDate, policy: Policy): AccountReview {
  const rules = policy.rules;
  const promiseUpdates = account.promises
    .map((p) => checkPromise(p, account.payments, asOf, rules.promises.toleranceDays))
    .filter((u): u is PromiseUpdate => u !== null);
  const statusOf = (p: AccountPromise) => promiseUpdates.find((u) => u.promiseId === p.id)?.status ?? p.status;
  const pending = account.promises.filter((p) => statusOf(p) === "PENDING");
  const newlyBroken = promiseUpdates.filter((u) => u.status === "BROKEN");

  const dunnable = account.invoices.filter((i) => !i.disputed && !i.inLitigation && i.openAmount > 0n);
  const overdueInvoices = dunnable.filter((i) => daysBetween(i.dueDate, asOf) > 0);
  const overdue = overdueInvoices.reduce((s, i) => s + i.openAmount, 0n);
  const disputed = account.invoices.filter((i) => i.disputed).reduce((s, i) => s + i.openAmount, 0n);
  const openTotal = account.invoices.reduce((s, i) => s + i.openAmount, 0n);
  const exposure = openTotal - account.credits;
  const maxDaysLate = overdueInvoices.reduce((m, i) => Math.max(m, daysBetween(i.dueDate, asOf)), 0);
  const overLimit = account.creditLimit !== null && exposure > account.creditLimit ? exposure - account.creditLimit : 0n;
  const figures = { overdue, disputed, exposure, maxDaysLate, overLimit };

  const proposals = proposeActions(account, asOf, policy, {
    overdueInvoices,
    overdue,
    disputed,
    exposure,
    maxDaysLate,
    overLimit,
    newlyBroken,
  });

  let suspended: string | null = null;
  let step: StepDue | null = null;
  if (pending.length > 0) {
    const until = pending
      .map((p) => addDays(p.promisedDate, rules.promises.toleranceDays))
      .sort()
      .at(-1) as CalendarDate;
    suspended = `promise to pay ${euros(pending.reduce((s, p) => s + p.amount, 0n))} by ${pending.map((p) => p.promisedDate).sort()[0]}: dunning paused until ${until}`;
  } else if (account.pendingActionKinds.includes("HOLD")) {
    suspended = "the committee is deciding on a hold";
  } else {
    step = nextStep(account, asOf, policy, dunnable, newlyBroken.length > 0);
  }
  return { promiseUpdates, step, proposals, suspended, figures };
}

function nextStep(account: Account, asOf: CalendarDate, policy: Policy, dunnable: AccountInvoice[], escalate: boolean): StepDue | null {
  const segment = policy.segments[account.segment];
  const done = new Set(account.stepsDone.map((s) => s.levelId));
  const doneToday = account.stepsDone.some((s) => s.on === asOf);
  if (doneToday) return null;
  const remaining = segment.levels.filter((l) => !done.has(l.id));
  const lastDone = segment.levels.reduce((last, l, i) => (done.has(l.id) ? i : last), -1);
  for (const level of remaining) {
    if (segment.levels.indexOf(level) < lastDone) continue; // never go back to an earlier step
    const concerned = dunnable.filter((i) => {
      const days = daysBetween(i.dueDate, asOf);
      if (level.day < 0) return days < 0 && days >= level.day && i.openAmount >= BigInt(segment.preDueMinimum);
      return days >= level.day || (escalate && days > 0);
    });
    if (concerned.length === 0) continue;
    const total = concerned.reduce((s, i) => s + i.openAmount, 0n);
    const reason = escalate
      ? `promise broken: ${level.id} brought forward for ${euros(total)} overdue`
      : level.day < 0
        ? `${concerned.length} invoice(s) of ${euros(total)} fall due within ${-level.day} days`
        : `${euros(total)} overdue, oldest ${Math.max(...concerned.map((i) => daysBetween(i.dueDate, asOf)))} days`;
    return { level, channel: level.channel, reason, invoiceIds: concerned.map((i) => i.id), escalated: escalate };
  }
  return null;
}

interface Figures {
  overdueInvoices: AccountInvoice[];
  overdue: bigint;
  disputed: bigint;
  exposure: bigint;
  maxDaysLate: number;
  overLimit: bigint;
  newlyBroken: PromiseUpdate[];
}

function proposeActions(account: Account, asOf: CalendarDate, policy: Policy, f: Figures): Proposal[] {
  const rules = policy.rules;
  const proposals: Proposal[] = [];
  const pending = new Set(account.pendingActionKinds);
  const overdueIds = f.overdueInvoices.map((i) => i.id);
  const propose = (kind: ActionKind, reason: string, invoiceIds: number[], params: Record<string, string> = {}) => {
    if (!pending.has(kind)) proposals.push({ kind, reason, invoiceIds, params });
  };
  const hasOpenDispute = account.invoices.some((i) => i.disputed);

  // Hold: most of what is late is contested; sort out the disputes before pressing for payment.
  const lateTotal =
    f.overdue + account.invoices.filter((i) => i.disputed && daysBetween(i.dueDate, asOf) > 0).reduce((s, i) => s + i.openAmount, 0n);
  if (f.disputed > 0n && lateTotal > 0n && f.disputed * 2n >= lateTotal) {
    propose(
      "HOLD",
      `${euros(f.disputed)} disputed out of ${euros(lateTotal)} late: pause dunning on the account until the disputes are settled`,
      account.invoices.filter((i) => i.disputed).map((i) => i.id),
    );
  }

  if (!account.blocked) {
    const block = rules.blockDeliveries;
    if (f.overLimit > 0n && f.maxDaysLate >= block.overLimitDaysLate) {
      propose(
        "BLOCK_DELIVERIES",
        `exposure ${euros(f.exposure)} is ${euros(f.overLimit)} over the credit limit of ${euros(account.creditLimit ?? 0n)} and ${euros(f.overdue)} is up to ${f.maxDaysLate} days late`,
        overdueIds,
      );
    } else if (f.maxDaysLate >= block.daysLate) {
      propose(
        "BLOCK_DELIVERIES",
        `${euros(f.overdue)} overdue, oldest ${f.maxDaysLate} days late (threshold ${block.daysLate})`,
        overdueIds,
      );
    }
  } else if (f.overLimit === 0n && f.maxDaysLate < rules.blockDeliveries.overLimitDaysLate) {
    propose(
      "UNBLOCK_DELIVERIES",
      `deliveries are blocked but nothing is more than ${rules.blockDeliveries.overLimitDaysLate} days late and the exposure is within the limit`,
      [],
    );
  }

  const segment = policy.segments[account.segment];
  const lastLevel = segment.levels.at(-1) as Level;
  const lastLevelDone = account.stepsDone.some((s) => s.levelId === lastLevel.id);
  const notice = account.formalNotice;
  const noticeRunning = notice !== null && notice.deadline >= asOf;
  const noticeExpired = notice !== null && notice.deadline < asOf;
  const fn = rules.formalNotice;
  if (
    !noticeRunning &&
    !noticeExpired &&
    f.overdue >= BigInt(fn.minimumOverdue) &&
    ((lastLevelDone && f.maxDaysLate >= fn.daysLate) || (f.newlyBroken.length > 0 && lastLevelDone))
  ) {
    propose(
      "FORMAL_NOTICE",
      f.newlyBroken.length > 0
        ? `promise broken after the last reminder: ${euros(f.overdue)} overdue`
        : `last reminder (${lastLevel.id}) done and ${euros(f.overdue)} still overdue, oldest ${f.maxDaysLate} days`,
      overdueIds,
      { deadlineDays: String(fn.deadlineDays) },
    );
  }

  const lit = rules.litigation;
  if (
    !hasOpenDispute &&
    f.maxDaysLate >= lit.daysLate &&
    f.overdue >= BigInt(lit.minimumOverdue) &&
    (!lit.requiresExpiredFormalNotice || noticeExpired)
  ) {
    propose(
      "LITIGATION",
      `${euros(f.overdue)} overdue, oldest ${f.maxDaysLate} days${noticeExpired ? `, formal notice expired on ${notice?.deadline}` : ""}, no open dispute`,
      overdueIds,
    );
  }

  const limit = rules.creditLimit;
  if (account.creditLimit !== null && account.payerScore !== null) {
    if (account.payerScore < limit.lowerBelowScore && account.creditLimit > (f.exposure > 0n ? f.exposure : 0n)) {
      const newLimit = f.exposure > 0n ? f.exposure : 0n;
      propose(
        "CREDIT_LIMIT_CHANGE",
        `payer score ${account.payerScore} is below ${limit.lowerBelowScore}: lower the limit from ${euros(account.creditLimit)} to the current exposure ${euros(newLimit)}`,
        [],
        { newCreditLimit: newLimit.toString(), previousCreditLimit: account.creditLimit.toString() },
      );
    } else if (
      account.payerScore >= limit.raiseAboveScore &&
      f.overdue === 0n &&
      account.creditLimit > 0n &&
      f.exposure * 100n >= account.creditLimit * BigInt(limit.nearLimitPercent)
    ) {
      const newLimit = (account.creditLimit * BigInt(100 + limit.raisePercent)) / 100n;
      propose(
        "CREDIT_LIMIT_CHANGE",
        `good payer (score ${account.payerScore}) using ${Math.round((Number(f.exposure) / Number(account.creditLimit)) * 100)}% of its limit: raise it by ${limit.raisePercent}% to ${euros(newLimit)}`,
        [],
        { newCreditLimit: newLimit.toString(), previousCreditLimit: account.creditLimit.toString() },
      );
    }
  }
  return proposals;
}
