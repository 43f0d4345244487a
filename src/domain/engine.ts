// The dunning engine: for one account as of a date, which promises are kept or broken, which reminder step
// is due, and which committee actions to propose, each with a reason a person can read.
// Rules: disputed amounts are never dunned and never count toward an action (a partial dispute pauses only
// the amount disputed: the rest of the invoice follows the calendar); a pending promise suspends dunning
// until its date (plus tolerance); a broken promise escalates (the next step is due at once). The segment's
// legal regime decides what may be proposed: never a delivery block to a public body (docs/legal.md).
// Catching up (going live on an old backlog, or after a long pause): an account with no step yet starts at
// the level its oldest overdue invoice's age warrants; while its calendar is behind, one step a week at most
// and one escalation proposal at a time; a block or a formal notice only after a written reminder
// (docs/policy.md, "Catching up").
import { splitDisputed } from "./aging.js";
import { addDays, daysBetween, type CalendarDate } from "./calendarDate.js";
import { formatDate, t } from "../i18n/index.js";
import { regimeRules } from "./legal.js";
import { formatMinor } from "./money.js";
import type { Segment } from "./parties.js";
import { levelName, type ActionKind, type Channel, type Level, type Policy, type PreDueTargets } from "./policy.js";

export interface AccountInvoice {
  id: number;
  number: string;
  dueDate: CalendarDate;
  openAmount: bigint;
  /** The part of the open amount under an open dispute (0 when none; more than the open amount counts as all of it). */
  disputedAmount: bigint;
  inLitigation: boolean;
}

/**
 * Where an account stands as of a date, in figures. Computed from the invoices by `positionOf`, or by the
 * equivalent SQL for a whole portfolio (src/db/portfolioQueries.ts); the two are tested to agree.
 */
export interface AccountPosition {
  /** Undisputed open amounts past due (the undisputed part of a partly disputed invoice included), not in litigation. */
  overdue: bigint;
  /** Days late of the oldest of those (0 when nothing is overdue). */
  maxDaysLate: number;
  disputed: bigint;
  /** Disputed amounts past due. */
  disputedLate: bigint;
  /** Every open invoice, disputed and in litigation included. */
  openTotal: bigint;
  /** Undisputed amounts (of invoices of at least the segment's pre-due minimum) falling due within its pre-due window. */
  dueSoon: { amount: bigint; count: number; inDays: number; largest?: bigint } | null;
}

/** The segment's pre-due window: its earliest (negative) level, in days before the due date. */
export function preDueWindow(policy: Policy, segment: Segment): { days: number; minimum: bigint } | null {
  const spec = policy.segments[segment];
  const first = spec.levels[0];
  return first && first.day < 0 ? { days: -first.day, minimum: BigInt(spec.preDueMinimum) } : null;
}

export function positionOf(
  invoices: readonly AccountInvoice[],
  asOf: CalendarDate,
  window: { days: number; minimum: bigint } | null,
): AccountPosition {
  const position: AccountPosition = { overdue: 0n, maxDaysLate: 0, disputed: 0n, disputedLate: 0n, openTotal: 0n, dueSoon: null };
  for (const i of invoices) {
    if (i.openAmount <= 0n) continue;
    position.openTotal += i.openAmount;
    const days = daysBetween(i.dueDate, asOf);
    const { disputed, undisputed } = splitDisputed(i.openAmount, i.disputedAmount);
    if (disputed > 0n) {
      position.disputed += disputed;
      if (days > 0) position.disputedLate += disputed;
    }
    if (undisputed > 0n && !i.inLitigation) {
      if (days > 0) {
        position.overdue += undisputed;
        position.maxDaysLate = Math.max(position.maxDaysLate, days);
      } else if (window && days < 0 && -days <= window.days && i.openAmount >= window.minimum) {
        const soon = position.dueSoon ?? { amount: 0n, count: 0, inDays: -days, largest: 0n };
        position.dueSoon = {
          amount: soon.amount + undisputed,
          count: soon.count + 1,
          inDays: Math.min(soon.inDays, -days),
          largest: undisputed > (soon.largest ?? 0n) ? undisputed : (soon.largest ?? 0n),
        };
      }
    }
  }
  return position;
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
  /** Dunning put on hold by the committee. */
  onHold: boolean;
  position: AccountPosition;
  /** Open credit notes and unallocated payments. */
  credits: bigint;
  /** Payments received since the oldest pending promise was made, for checking promises. */
  payments: Array<{ on: CalendarDate; amount: bigint }>;
  promises: AccountPromise[];
  /** Reminder steps done in the current dunning cycle, oldest first. */
  stepsDone: Array<{ levelId: string; on: CalendarDate }>;
  /** The latest formal notice, if any. */
  formalNotice: { sentOn: CalendarDate; deadline: CalendarDate } | null;
  /** Kinds of actions already proposed or approved and not yet applied. */
  pendingActionKinds: ActionKind[];
  payerScore: number | null;
  /** Why the payer scores as it does, in words (kpis.describePayer), for the reasons. */
  payerWhy?: string;
  /** For the pre-due targets (policy `preDueFor`): the payer's grade and average days late, the first invoice's date. */
  payerGrade?: "A" | "B" | "C" | "D" | null;
  payerAverageDaysLate?: number | null;
  /** Loaded for the segments whose pre-due targets name new customers (`newCustomerDays`), the only ones it is read for. */
  firstInvoiceOn?: CalendarDate | null;
}

/**
 * Why an account gets its segment's pre-due reminder (policy `preDueFor`: any one criterion), or null when it
 * does not. Without targets, every account with an invoice falling due in the window gets it.
 */
export function preDueTarget(
  targets: PreDueTargets | undefined,
  account: Account,
  asOf: CalendarDate,
  euros: MoneyText,
  locale: string = RULES_LOCALE,
): string | null {
  if (!targets) return "";
  const { openTotal, dueSoon } = account.position;
  if (targets.balanceMinimum !== undefined && openTotal >= BigInt(targets.balanceMinimum))
    return t(locale, "domain.preDue.largeAccount", { open: euros(openTotal), minimum: euros(BigInt(targets.balanceMinimum)) });
  if (targets.invoiceMinimum !== undefined && dueSoon?.largest !== undefined && dueSoon.largest >= BigInt(targets.invoiceMinimum))
    return t(locale, "domain.preDue.largeInvoice", { amount: euros(dueSoon.largest), minimum: euros(BigInt(targets.invoiceMinimum)) });
  if (targets.newCustomerDays !== undefined && account.firstInvoiceOn && daysBetween(account.firstInvoiceOn, asOf) <= targets.newCustomerDays)
    return t(locale, "domain.preDue.newCustomer", { date: formatDate(account.firstInvoiceOn, locale), days: targets.newCustomerDays });
  if (targets.payerGrades && account.payerGrade && targets.payerGrades.includes(account.payerGrade))
    return t(locale, "domain.payerGrade", { grade: account.payerGrade });
  if (targets.averageDaysLate !== undefined && account.payerAverageDaysLate != null && account.payerAverageDaysLate >= targets.averageDaysLate)
    return t(locale, "payer.late", { days: Math.round(account.payerAverageDaysLate) });
  return null;
}

export interface PromiseUpdate {
  promiseId: number;
  status: "KEPT" | "BROKEN";
  reason: string;
}

/** Which of the account's invoices an action or a step is about (resolved to invoice ids by the caller). */
export type InvoiceScope = "overdue" | "dueSoon" | "disputed" | "none";

export interface StepDue {
  level: Level;
  channel: Channel;
  reason: string;
  scope: InvoiceScope;
  /** True when a broken promise brought the step forward. */
  escalated: boolean;
}

export interface Proposal {
  kind: ActionKind;
  reason: string;
  scope: InvoiceScope;
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

/** How an amount is written in a reason: the caller passes the company's (formatMoney with its currency and locale). */
export type MoneyText = (minor: bigint) => string;
const plainMoney: MoneyText = (minor) => formatMinor(minor);
/**
 * The reasons' language when the caller names none (the rules' own tests): the use cases pass the company's
 * locale, and the reasons are written from the catalogues' engine.* messages in it.
 */
const RULES_LOCALE = "en-GB";

/**
 * A credit limit as a credit manager sets one: to two significant figures of the currency unit (4 978,79 →
 * 5 000; 45 965,98 → 46 000; 123 456 → 130 000 up or 120 000 down; 1 200 stays 1 200). Lowering rounds up (the
 * exposure the limit is lowered to stays within it), raising rounds down (never more than the policy's raise);
 * a raise that would round back to the current limit takes the next step up. Amounts in minor units.
 */
export function roundCreditLimit(minor: bigint, direction: "up" | "down", digits = 2): bigint {
  const unit = 10n ** BigInt(digits);
  const major = minor / unit;
  const step = (major >= 100n ? 10n ** BigInt(major.toString().length - 2) : 1n) * unit;
  const floor = (minor / step) * step;
  if (direction === "down" || floor === minor) return floor;
  return floor + step;
}

/** A promise is kept when the payments received since it was made reach its amount by its date plus tolerance. */
export function checkPromise(
  promise: AccountPromise,
  payments: Account["payments"],
  asOf: CalendarDate,
  toleranceDays: number,
  euros: MoneyText = plainMoney,
  locale: string = RULES_LOCALE,
): PromiseUpdate | null {
  if (promise.status !== "PENDING") return null;
  const deadline = addDays(promise.promisedDate, toleranceDays);
  const paid = payments.filter((p) => p.on >= promise.recordedOn && p.on <= deadline).reduce((s, p) => s + p.amount, 0n);
  if (paid >= promise.amount) {
    return {
      promiseId: promise.id,
      status: "KEPT",
      reason: t(locale, "engine.promiseKept", { paid: euros(paid), deadline: formatDate(deadline, locale), amount: euros(promise.amount) }),
    };
  }
  if (asOf > deadline) {
    return {
      promiseId: promise.id,
      status: "BROKEN",
      reason: t(locale, "engine.promiseBroken", {
        amount: euros(promise.amount),
        date: formatDate(promise.promisedDate, locale),
        paid: euros(paid),
        deadline: formatDate(deadline, locale),
      }),
    };
  }
  return null;
}

/** An account's figures as its review gives them (`AccountReview.figures`), without the review's reasons. */
export function accountFigures(account: Account): AccountReview["figures"] {
  const { overdue, disputed, maxDaysLate } = account.position;
  const exposure = account.position.openTotal - account.credits;
  const overLimit = account.creditLimit !== null && exposure > account.creditLimit ? exposure - account.creditLimit : 0n;
  return { overdue, disputed, exposure, maxDaysLate, overLimit };
}

export function reviewAccount(
  account: Account,
  asOf: CalendarDate,
  policy: Policy,
  euros: MoneyText = plainMoney,
  locale: string = RULES_LOCALE,
): AccountReview {
  const rules = policy.rules;
  const promiseUpdates = account.promises
    .map((p) => checkPromise(p, account.payments, asOf, rules.promises.toleranceDays, euros, locale))
    .filter((u): u is PromiseUpdate => u !== null);
  const statusOf = (p: AccountPromise) => promiseUpdates.find((u) => u.promiseId === p.id)?.status ?? p.status;
  const pending = account.promises.filter((p) => statusOf(p) === "PENDING");
  const newlyBroken = promiseUpdates.filter((u) => u.status === "BROKEN");

  const figures = accountFigures(account);

  const proposals = proposeActions(account, asOf, policy, { ...figures, newlyBroken }, euros, locale);

  let suspended: string | null = null;
  let step: StepDue | null = null;
  if (pending.length > 0) {
    const until = pending
      .map((p) => addDays(p.promisedDate, rules.promises.toleranceDays))
      .sort()
      .at(-1) as CalendarDate;
    suspended = t(locale, "engine.suspendedPromise", {
      amount: euros(pending.reduce((s, p) => s + p.amount, 0n)),
      date: formatDate(pending.map((p) => p.promisedDate).sort()[0] as CalendarDate, locale),
      until: formatDate(until, locale),
    });
  } else if (account.onHold) {
    suspended = t(locale, "engine.suspendedHold");
  } else if (account.pendingActionKinds.includes("HOLD")) {
    suspended = t(locale, "engine.suspendedHoldPending");
  } else {
    step = nextStep(account, asOf, policy, newlyBroken.length > 0, euros, locale);
  }
  return { promiseUpdates, step, proposals, suspended, figures };
}

/** Channels that leave a written trace: a block or a formal notice waits until one of them has gone out. */
export const WRITTEN_CHANNELS: readonly Channel[] = ["EMAIL", "LETTER"];
/** While catching up, at most one step per account in this many days. */
export const CATCH_UP_SPACING_DAYS = 7;

/** Where an account's calendar stands against its debt's age (the catch-up rule, docs/policy.md). */
export interface CalendarStanding {
  /** Levels after the last one done whose day has come, in calendar order. */
  dueByAge: Level[];
  /**
   * The calendar is behind the debt's age: at least two levels are due at once, or the one due is a week or
   * more past its day (a step done on its day, or a few days after, is the calendar as usual).
   */
  behind: boolean;
  /** No overdue level (day 0 or later) done yet in this cycle. */
  noStepYet: boolean;
  /** An overdue level was passed over (the account started past it: imported history, or a catch-up start). */
  startedLate: boolean;
  /** The latest step done, any level. */
  lastStepOn: CalendarDate | null;
  /** A written reminder (e-mail or letter, by the level's channel) has gone out in this cycle. */
  writtenDone: boolean;
}

export function calendarStanding(account: Account, policy: Policy): CalendarStanding {
  const levels = policy.segments[account.segment].levels;
  const done = new Set(account.stepsDone.map((s) => s.levelId));
  const lastDone = levels.reduce((last, l, i) => (done.has(l.id) ? i : last), -1);
  const { overdue, maxDaysLate } = account.position;
  const dueByAge = overdue > 0n ? levels.slice(lastDone + 1).filter((l) => l.day >= 0 && l.day <= maxDaysLate) : [];
  const overdueLevels = levels.filter((l) => l.day >= 0);
  const firstDoneAt = overdueLevels.findIndex((l) => done.has(l.id));
  const lastStepOn = account.stepsDone.reduce<CalendarDate | null>((last, s) => (last === null || s.on > last ? s.on : last), null);
  return {
    dueByAge,
    behind: dueByAge.length >= 2 || (dueByAge[0] !== undefined && maxDaysLate - dueByAge[0].day >= CATCH_UP_SPACING_DAYS),
    noStepYet: firstDoneAt < 0,
    startedLate: firstDoneAt > 0,
    lastStepOn,
    writtenDone: levels.some((l) => done.has(l.id) && WRITTEN_CHANNELS.includes(l.channel)),
  };
}

function nextStep(account: Account, asOf: CalendarDate, policy: Policy, escalate: boolean, euros: MoneyText, locale: string): StepDue | null {
  const segment = policy.segments[account.segment];
  const { overdue, maxDaysLate, dueSoon } = account.position;
  if (account.stepsDone.some((s) => s.on === asOf)) return null;
  const standing = calendarStanding(account, policy);
  if (standing.behind && !escalate) {
    // Catching up: one step a week at most, whatever the number of levels the debt's age has passed.
    if (standing.lastStepOn !== null && daysBetween(standing.lastStepOn, asOf) < CATCH_UP_SPACING_DAYS) return null;
    const level = (standing.noStepYet ? standing.dueByAge.at(-1) : standing.dueByAge[0]) as Level;
    const reason = standing.noStepYet
      ? t(locale, "engine.catchUpStart", { overdue: euros(overdue), days: maxDaysLate, level: levelName(level), day: level.day })
      : t(locale, "engine.catchUpBehind", { overdue: euros(overdue), days: maxDaysLate, steps: standing.dueByAge.length });
    return { level, channel: level.channel, reason, scope: "overdue", escalated: false };
  }
  const done = new Set(account.stepsDone.map((s) => s.levelId));
  const lastDone = segment.levels.reduce((last, l, i) => (done.has(l.id) ? i : last), -1);
  // Never go back to a step before the last one done.
  for (const level of segment.levels.slice(lastDone + 1)) {
    if (level.day < 0) {
      const target = dueSoon && dueSoon.inDays <= -level.day ? preDueTarget(segment.preDueFor, account, asOf, euros, locale) : null;
      if (dueSoon && target !== null) {
        const reason = t(locale, "engine.dueSoon", { count: dueSoon.count, amount: euros(dueSoon.amount), days: dueSoon.inDays }) + (target ? t(locale, "domain.preDue.target", { target }) : "");
        return { level, channel: level.channel, reason, scope: "dueSoon", escalated: false };
      }
      continue;
    }
    if (overdue > 0n && (maxDaysLate >= level.day || escalate)) {
      const reason = escalate
        ? t(locale, "engine.stepEscalated", { level: levelName(level), overdue: euros(overdue) })
        : t(locale, "engine.stepDue", { overdue: euros(overdue), days: maxDaysLate });
      return { level, channel: level.channel, reason, scope: "overdue", escalated: escalate };
    }
    return null;
  }
  return null;
}

/** Escalations a backlog account is proposed one at a time, the furthest first. */
const ESCALATIONS = ["LITIGATION", "FORMAL_NOTICE", "BLOCK_DELIVERIES"] as const satisfies readonly ActionKind[];
type Escalation = (typeof ESCALATIONS)[number];
const isEscalation = (kind: ActionKind): kind is Escalation => (ESCALATIONS as readonly ActionKind[]).includes(kind);

interface Figures {
  overdue: bigint;
  disputed: bigint;
  exposure: bigint;
  maxDaysLate: number;
  overLimit: bigint;
  newlyBroken: PromiseUpdate[];
}

function proposeActions(account: Account, asOf: CalendarDate, policy: Policy, f: Figures, euros: MoneyText, locale: string): Proposal[] {
  const rules = policy.rules;
  const proposals: Proposal[] = [];
  const pending = new Set(account.pendingActionKinds);
  const propose = (kind: ActionKind, reason: string, scope: InvoiceScope, params: Record<string, string> = {}) => {
    if (!pending.has(kind)) proposals.push({ kind, reason, scope, params });
  };
  const hasOpenDispute = f.disputed > 0n;
  const standing = calendarStanding(account, policy);

  // Hold: most of what is late is contested; sort out the disputes before pressing for payment.
  const disputedLate = account.position.disputedLate;
  const lateTotal = f.overdue + disputedLate;
  if (disputedLate > 0n && disputedLate * 2n >= lateTotal) {
    propose(
      "HOLD",
      t(locale, "engine.hold", { disputed: euros(disputedLate), late: euros(lateTotal) }),
      "disputed",
    );
  }

  const segment = policy.segments[account.segment];
  const legal = regimeRules(segment.regime);
  if (!legal.deliveryBlock) {
    // A public body is never cut off (the contract must go on being performed): only lift an old block.
    if (account.blocked) {
      propose(
        "UNBLOCK_DELIVERIES",
        t(locale, "engine.publicUnblock"),
        "none",
      );
    }
  } else if (!account.blocked) {
    // Never cut off a customer who has not been reminded in writing (an e-mail or a letter, imported or sent).
    if (standing.writtenDone && f.overdue >= BigInt(rules.blockDeliveries.minimumOverdue)) {
      const block = rules.blockDeliveries;
      if (f.overLimit > 0n && f.maxDaysLate >= block.overLimitDaysLate) {
        propose(
          "BLOCK_DELIVERIES",
          t(locale, "engine.blockOverLimit", {
            exposure: euros(f.exposure),
            over: euros(f.overLimit),
            limit: euros(account.creditLimit ?? 0n),
            late: f.overdue === f.exposure ? t(locale, "engine.allOfIt") : euros(f.overdue),
            days: f.maxDaysLate,
          }),
          "overdue",
        );
      } else if (f.maxDaysLate >= block.daysLate) {
        propose(
          "BLOCK_DELIVERIES",
          t(locale, "engine.blockLate", { overdue: euros(f.overdue), days: f.maxDaysLate, threshold: block.daysLate }),
          "overdue",
        );
      }
    }
  } else if (f.overLimit === 0n && f.maxDaysLate < rules.blockDeliveries.overLimitDaysLate) {
    propose(
      "UNBLOCK_DELIVERIES",
      t(locale, "engine.unblock", { days: rules.blockDeliveries.overLimitDaysLate }),
      "none",
    );
  }

  const lastLevel = segment.levels.at(-1) as Level;
  const lastLevelDone = account.stepsDone.some((s) => s.levelId === lastLevel.id);
  const notice = account.formalNotice;
  const noticeRunning = notice !== null && notice.deadline >= asOf;
  const noticeExpired = notice !== null && notice.deadline < asOf;
  const fn = rules.formalNotice;
  if (
    !noticeRunning &&
    !noticeExpired &&
    standing.writtenDone &&
    f.overdue >= BigInt(fn.minimumOverdue) &&
    ((lastLevelDone && f.maxDaysLate >= fn.daysLate) || (f.newlyBroken.length > 0 && lastLevelDone))
  ) {
    const publicBody = segment.regime === "public-procurement";
    propose(
      "FORMAL_NOTICE",
      (f.newlyBroken.length > 0
        ? t(locale, "engine.noticeBroken", { overdue: euros(f.overdue) })
        : t(locale, "engine.noticeLastStep", { level: levelName(lastLevel), overdue: euros(f.overdue), days: f.maxDaysLate })) +
        (publicBody ? t(locale, "engine.noticePublic", { points: legal.marginPoints, article: legal.interestArticle }) : ""),
      "overdue",
      { deadlineDays: String(fn.deadlineDays), regime: segment.regime },
    );
  }

  const lit = rules.litigation;
  if (
    !hasOpenDispute &&
    f.maxDaysLate >= lit.daysLate &&
    f.overdue >= BigInt(lit.minimumOverdue) &&
    (!lit.requiresExpiredFormalNotice || noticeExpired)
  ) {
    const publicBody = segment.regime === "public-procurement";
    propose(
      "LITIGATION",
      t(locale, "engine.litigation", {
        overdue: euros(f.overdue),
        days: f.maxDaysLate,
        expired: noticeExpired && notice ? t(locale, "engine.noticeExpired", { date: formatDate(notice.deadline, locale) }) : "",
      }) + (publicBody ? t(locale, "engine.litigationPublic") : ""),
      "overdue",
      publicBody ? { regime: segment.regime, route: "mandatement-d-office-or-administrative-judge" } : {},
    );
  }

  // Catching up on a backlog: one escalation at a time, the furthest the account has earned, and none while
  // another awaits the committee's decision.
  if (standing.behind || standing.startedLate) {
    const escalations = proposals.filter((p) => isEscalation(p.kind));
    const awaiting = account.pendingActionKinds.some(isEscalation);
    const keep = awaiting ? null : ESCALATIONS.map((k) => escalations.find((p) => p.kind === k)).find((p) => p !== undefined);
    const others = escalations
      .filter((p) => p !== keep)
      .map((p) => t(locale, `engine.escalation.${p.kind as Escalation}`));
    if (keep && others.length > 0) keep.reason += t(locale, "engine.backlog", { others: others.join(", ") });
    for (let i = proposals.length - 1; i >= 0; i--) {
      const p = proposals[i] as Proposal;
      if (isEscalation(p.kind) && p !== keep) proposals.splice(i, 1);
    }
  }

  const limit = rules.creditLimit;
  if (account.creditLimit !== null && account.payerScore !== null) {
    if (account.payerScore < limit.lowerBelowScore && account.creditLimit > (f.exposure > 0n ? f.exposure : 0n)) {
      const newLimit = roundCreditLimit(f.exposure > 0n ? f.exposure : 0n, "up");
      if (newLimit < account.creditLimit)
        propose(
          "CREDIT_LIMIT_CHANGE",
          t(locale, "engine.lowerLimit", {
            score: account.payerScore,
            threshold: limit.lowerBelowScore,
            why: account.payerWhy ? t(locale, "engine.lowerWhy", { why: account.payerWhy }) : "",
            from: euros(account.creditLimit),
            to: euros(newLimit),
            exposure: euros(f.exposure > 0n ? f.exposure : 0n),
          }),
          "none",
          { newCreditLimit: newLimit.toString(), previousCreditLimit: account.creditLimit.toString() },
        );
    } else if (
      account.payerScore >= limit.raiseAboveScore &&
      f.overdue === 0n &&
      account.creditLimit > 0n &&
      f.exposure * 100n >= account.creditLimit * BigInt(limit.nearLimitPercent)
    ) {
      const raised = roundCreditLimit((account.creditLimit * BigInt(100 + limit.raisePercent)) / 100n, "down");
      const newLimit = raised > account.creditLimit ? raised : roundCreditLimit(account.creditLimit + 1n, "up");
      propose(
        "CREDIT_LIMIT_CHANGE",
        t(locale, "engine.raiseLimit", {
          score: account.payerScore,
          why: account.payerWhy ? t(locale, "engine.raiseWhy", { why: account.payerWhy }) : "",
          percent: Math.round((Number(f.exposure) / Number(account.creditLimit)) * 100),
          from: euros(account.creditLimit),
          to: euros(newLimit),
          raise: limit.raisePercent,
        }),
        "none",
        { newCreditLimit: newLimit.toString(), previousCreditLimit: account.creditLimit.toString() },
      );
    }
  }
  return proposals;
}
