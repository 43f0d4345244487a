// The weekly committee digest and a collector's daily task list, as plain view models: no chat types.
// Slack (Block Kit), Teams (Adaptive Cards) and the terminal each render these.
import type { Aging } from "./aging.js";
import { bucketLabels } from "./aging.js";
import { addDays, type CalendarDate } from "./calendarDate.js";
import type { AccountReview } from "./engine.js";
import { describePayer, type LossCover, type PayerProfile, type RecoveryRate } from "./kpis.js";
import { formatMinor, formatMoney, minorDigits } from "./money.js";
import type { PlanStanding } from "./paymentPlan.js";
import type { Segment } from "./parties.js";
import type { ActionKind, Channel, Policy } from "./policy.js";
import { rankAccounts, type PriorityInput } from "./priority.js";
import { formatDate, t, type Phrase } from "../i18n/index.js";

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
  /** What is still needed to decide, said in the company's language (the digest's words). */
  missing: string[];
  /** The same as catalogue Phrases (approvals.tallyVotes), for outputs in a fixed language (ccbot digest --format json). */
  needs?: Phrase[];
  invoiceNumbers: string[];
  /** The committee week it was first proposed for ("2026-W45"): carried over since, figures refreshed. */
  pendingSince?: string;
  externalId?: string;
  segment?: Segment;
  /** The amount the proposal is about, and amount x likelihood of loss (docs/kpis.md). */
  amountAtRisk?: bigint;
  stakes?: bigint;
  /** Why a proposal rejected before is back on the agenda. */
  backBecause?: string | null;
  /** The company's currency and locale, to show the amounts above. */
  currency?: string;
  locale?: string;
}

/**
 * formatMoney for one currency and locale, with its Intl.NumberFormat built once: the engine writes reasons for
 * every account of a portfolio (tens of thousands), and building a formatter per amount costs seconds.
 */
export function moneyFormatter(currency: string, locale: string): (minor: bigint) => string {
  const digits = minorDigits(currency);
  const format = new Intl.NumberFormat(locale, { style: "currency", currency, minimumFractionDigits: digits });
  return (minor) => format.format(formatMinor(minor, digits) as unknown as number);
}

/** An amount to subtract, as shown: "−1 234,56 €", and "0,00 €" (never "-0,00 €") when there is none. */
export function minusMoney(minor: bigint, currency: string, locale: string): string {
  return minor === 0n ? formatMoney(0n, currency, locale) : `−${formatMoney(minor < 0n ? -minor : minor, currency, locale)}`;
}

/** The digest's date as people write it: "Friday 20 November 2026" (company locale). */
export function longDate(date: CalendarDate, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: "UTC", weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(
    new Date(`${date}T12:00:00Z`),
  );
}

/** Where a decision of last week stands now (the committee reviews what it decided, seeds). */
export interface FollowUpLine {
  actionId: number;
  customerName: string;
  externalId: string;
  kind: ActionKind;
  decision: "APPLIED" | "REJECTED";
  decidedOn: CalendarDate;
  /** What happened since, in words: "letter produced on 2026-11-24", "block in force", "1 200,00 € paid since". */
  since: string[];
  paidSince: bigint;
  /** The facts the line was written from, for a platform that says them in the company's language (src/bot/words.ts). */
  facts?: DecisionFacts;
}

/** The facts a follow-up line is written from (loaded by the service, judged here). */
export interface DecisionFacts {
  actionId: number;
  customerName: string;
  externalId: string;
  kind: ActionKind;
  decision: "APPLIED" | "REJECTED";
  decidedOn: CalendarDate;
  letterProducedOn: CalendarDate | null;
  letterSent: { on: CalendarDate; registeredMail: string | null } | null;
  blockedNow: boolean;
  onHoldNow: boolean;
  creditLimitNow: bigint | null;
  paidSince: bigint;
  promisesSince: Array<{ amount: bigint; promisedDate: CalendarDate; status: "PENDING" | "KEPT" | "BROKEN" }>;
}

/** The separator of a list of clauses: "; " in English, " ; " in French (a space before it). */
export function listSeparator(locale: string): string {
  return locale.toLowerCase().startsWith("fr") ? " ; " : "; ";
}

const PROMISE_STATUSES = new Set(["PENDING", "KEPT", "BROKEN"]);
/** A promise's status in words ("tenue" / "kept"); an unknown one as it is stored. */
export function promiseStatusText(status: string, locale: string): string {
  return PROMISE_STATUSES.has(status) ? t(locale, `chat.promiseStatus.${status as "PENDING" | "KEPT" | "BROKEN"}`) : status.toLowerCase();
}

/**
 * What happened since a decision, in the language of `locale`: "lettre produite le 16/11/2026", "blocage en
 * vigueur", "1 200,00 € payés depuis", each promise since and its status. The chat and the terminal say these.
 */
export function followUpSince(f: DecisionFacts, money: (minor: bigint) => string, locale = "en-GB"): string[] {
  const date = (d: CalendarDate) => formatDate(d, locale);
  const since: string[] = [];
  if (f.decision === "REJECTED") since.push(t(locale, "chat.followUp.rejected"));
  else
    switch (f.kind) {
      case "FORMAL_NOTICE":
        if (!f.letterProducedOn) since.push(t(locale, "chat.followUp.letterNotProduced"));
        else {
          since.push(t(locale, "chat.followUp.letterProduced", { date: date(f.letterProducedOn) }));
          const sent = f.letterSent;
          since.push(
            !sent
              ? t(locale, "chat.followUp.letterNotSent")
              : sent.registeredMail
                ? t(locale, "chat.followUp.letterSentRegistered", { date: date(sent.on), number: sent.registeredMail })
                : t(locale, "chat.followUp.letterSent", { date: date(sent.on) }),
          );
        }
        break;
      case "BLOCK_DELIVERIES":
        since.push(t(locale, f.blockedNow ? "chat.followUp.blockInForce" : "chat.followUp.blockLifted"));
        break;
      case "UNBLOCK_DELIVERIES":
        since.push(t(locale, f.blockedNow ? "chat.followUp.blockedAgain" : "chat.followUp.deliveriesOpen"));
        break;
      case "HOLD":
        since.push(t(locale, f.onHoldNow ? "chat.followUp.onHold" : "chat.followUp.holdLifted"));
        break;
      case "CREDIT_LIMIT_CHANGE":
        since.push(f.creditLimitNow === null ? t(locale, "chat.followUp.noLimit") : t(locale, "chat.followUp.limitNow", { limit: money(f.creditLimitNow) }));
        break;
      case "LITIGATION":
        since.push(t(locale, "chat.followUp.litigation"));
        break;
    }
  since.push(f.paidSince > 0n ? t(locale, "chat.followUp.paidSince", { amount: money(f.paidSince) }) : t(locale, "chat.followUp.nothingPaid"));
  for (const p of f.promisesSince)
    since.push(t(locale, "chat.followUp.promise", { amount: money(p.amount), date: date(p.promisedDate), status: promiseStatusText(p.status, locale) }));
  return since;
}

/** A decision's follow-up in a credit manager's words, in the language of `locale`. */
export function followUpOf(f: DecisionFacts, money: (minor: bigint) => string, locale = "en-GB"): FollowUpLine {
  return {
    actionId: f.actionId,
    customerName: f.customerName,
    externalId: f.externalId,
    kind: f.kind,
    decision: f.decision,
    decidedOn: f.decidedOn,
    since: followUpSince(f, money, locale),
    paidSince: f.paidSince,
    facts: f,
  };
}

/** The committee's agenda: undecided proposals by stakes (largest first), at most `max` of them; the rest apart. */
export function agendaOf(actions: readonly PendingAction[], max: number): { shown: PendingAction[]; more: PendingAction[] } {
  const ranked = [...actions].sort(
    (a, b) => cmp(b.stakes ?? 0n, a.stakes ?? 0n) || cmp(b.amountAtRisk ?? 0n, a.amountAtRisk ?? 0n) || a.actionId - b.actionId,
  );
  return { shown: ranked.slice(0, max), more: ranked.slice(max) };
}

const cmp = (a: bigint, b: bigint) => (a > b ? 1 : a < b ? -1 : 0);

/**
 * The batch approvals a message of proposals offers: per kind, the undecided proposals of that kind in it
 * (only when there are at least two: one has its own button).
 */
export function batchesOf(actions: readonly ActionView[]): Array<{ kind: ActionKind; actionIds: number[] }> {
  const byKind = new Map<ActionKind, number[]>();
  for (const a of actions) {
    if (a.finalStatus && a.finalStatus !== "PROPOSED") continue;
    if (a.status !== "PROPOSED") continue;
    byKind.set(a.kind, [...(byKind.get(a.kind) ?? []), a.actionId]);
  }
  return [...byKind.entries()]
    .filter(([, ids]) => ids.length >= 2)
    .map(([kind, actionIds]) => ({ kind, actionIds }));
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

/** An instalment of a payment plan as the digest shows it: what is still owed on it. */
export interface DigestInstalment {
  no: number;
  dueDate: CalendarDate;
  amount: bigint;
  /** The amount less what the payments put on it. */
  outstanding: bigint;
}

/** A missed instalment, with the escalation the daily follow-up recorded for it (null: not recorded yet). */
export interface DigestMissedInstalment extends DigestInstalment {
  indemnity: bigint;
  escalation: string | null;
  escalatedOn: CalendarDate | null;
}

/** A payment plan in the digest's follow-through: agreed, instalments due this week, instalments missed. */
export interface DigestPlan {
  planId: number;
  customerId: number;
  externalId: string;
  customerName: string;
  /** ACTIVE, or COMPLETED / BROKEN in the 7 days up to the digest's date. */
  status: "ACTIVE" | "COMPLETED" | "BROKEN";
  agreedOn: CalendarDate;
  /** Agreed in the 7 days up to the digest's date. */
  agreedThisWeek: boolean;
  currency: string;
  instalments: number;
  firstDue: CalendarDate | null;
  lastDue: CalendarDate | null;
  paidInstalments: number;
  total: bigint;
  paid: bigint;
  remaining: bigint;
  indemnity: bigint;
  /** Unpaid instalments falling due by the digest's date + 7 days (those due within the grace included). */
  dueThisWeek: DigestInstalment[];
  /** Instalments missed (past their date plus the grace) and not paid since. */
  missed: DigestMissedInstalment[];
}

/** The facts a digest plan is made of (the service loads them; src/usecases/paymentPlans.ts computes the standing). */
export interface PlanFacts {
  planId: number;
  customerId: number;
  externalId: string;
  customerName: string;
  status: "ACTIVE" | "COMPLETED" | "BROKEN";
  agreedOn: CalendarDate;
  currency: string;
  standing: PlanStanding;
  /** The escalation recorded for each missed instalment, by instalment number. */
  escalations: ReadonlyMap<number, { text: string; on: CalendarDate }>;
}

/** A plan as the committee follows it on asOf. */
export function digestPlanOf(f: PlanFacts, asOf: CalendarDate): DigestPlan {
  const s = f.standing;
  const soon = addDays(asOf, 7);
  const outstanding = (i: PlanStanding["instalments"][number]) => i.amount - i.paid;
  return {
    planId: f.planId,
    customerId: f.customerId,
    externalId: f.externalId,
    customerName: f.customerName,
    status: f.status,
    agreedOn: f.agreedOn,
    agreedThisWeek: f.agreedOn > addDays(asOf, -7) && f.agreedOn <= asOf,
    currency: f.currency,
    instalments: s.instalments.length,
    firstDue: s.instalments[0]?.dueDate ?? null,
    lastDue: s.instalments.at(-1)?.dueDate ?? null,
    paidInstalments: s.instalments.filter((i) => i.paidOn !== null).length,
    total: s.total,
    paid: s.paid,
    remaining: s.remaining,
    indemnity: s.indemnity,
    dueThisWeek: s.instalments
      .filter((i) => (i.state === "due" || i.state === "upcoming") && i.dueDate <= soon)
      .map((i) => ({ no: i.no, dueDate: i.dueDate, amount: i.amount, outstanding: outstanding(i) })),
    missed: s.instalments
      .filter((i) => i.state === "missed")
      .map((i) => {
        const escalation = f.escalations.get(i.no) ?? null;
        return {
          no: i.no,
          dueDate: i.dueDate,
          amount: i.amount,
          outstanding: outstanding(i),
          indemnity: i.indemnity,
          escalation: escalation?.text ?? null,
          escalatedOn: escalation?.on ?? null,
        };
      }),
  };
}

/** Whether the committee has something to look at in a plan this week (else it is "on track", counted). */
export function planNeedsAttention(p: DigestPlan): boolean {
  return p.agreedThisWeek || p.status !== "ACTIVE" || p.dueThisWeek.length > 0 || p.missed.length > 0;
}

/**
 * The plans of the digest in the order the committee reads them: missed instalments first, then broken plans,
 * instalments due this week, plans agreed this week, completed ones; the ones on track last.
 */
export function orderPlans(plans: readonly DigestPlan[]): DigestPlan[] {
  const rank = (p: DigestPlan) =>
    p.missed.length > 0 ? 0 : p.status === "BROKEN" ? 1 : p.dueThisWeek.length > 0 ? 2 : p.agreedThisWeek ? 3 : p.status === "COMPLETED" ? 4 : 5;
  return [...plans].sort((a, b) => rank(a) - rank(b) || (a.agreedOn < b.agreedOn ? 1 : a.agreedOn > b.agreedOn ? -1 : b.planId - a.planId));
}

/**
 * A plan's line (without the customer's name, which each platform sets in bold), in the language of `locale`:
 * "échéancier n° 3 accordé le 05/10/2026 : échéance 2 de 1 000,00 € du 12/11/2026 manquée, … · 1 échéance payée
 * sur 3, reste 2 000,00 €". A missed instalment's escalation is the history's text, as it was recorded.
 */
export function planLineText(p: DigestPlan, locale: string): string {
  const money = (minor: bigint) => formatMoney(minor, p.currency, locale);
  const date = (d: CalendarDate) => formatDate(d, locale);
  const left = (i: DigestInstalment) => (i.outstanding === i.amount ? null : money(i.outstanding));
  const parts: string[] = [];
  if (p.agreedThisWeek && p.firstDue && p.lastDue)
    parts.push(t(locale, "chat.plan.agreed", { count: p.instalments, total: money(p.total), from: date(p.firstDue), to: date(p.lastDue) }));
  for (const m of p.missed) {
    const l = left(m);
    const missed = t(locale, "chat.plan.missed", {
      no: m.no,
      amount: money(m.amount),
      date: date(m.dueDate),
      left: l ? t(locale, "chat.plan.leftUnpaid", { left: l }) : "",
      indemnity: money(m.indemnity),
    });
    parts.push(`${missed}${listSeparator(locale)}${m.escalation ?? t(locale, "chat.plan.notEscalated")}`);
  }
  for (const i of p.dueThisWeek) {
    const l = left(i);
    parts.push(`${t(locale, "chat.plan.due", { no: i.no, amount: money(i.amount), date: date(i.dueDate) })}${l ? t(locale, "chat.plan.leftToPay", { left: l }) : ""}`);
  }
  if (p.status === "COMPLETED") parts.push(t(locale, "chat.plan.completed", { total: money(p.total) }));
  else if (p.status === "BROKEN") parts.push(t(locale, "chat.plan.broken", { remaining: money(p.remaining) }));
  else parts.push(t(locale, "chat.plan.standing", { paid: p.paidInstalments, count: p.instalments, remaining: money(p.remaining) }));
  const head = t(locale, "chat.plan.of", { planId: p.planId, date: date(p.agreedOn) });
  return t(locale, "chat.labelled", { label: head, text: parts.join(" · ") });
}

/**
 * What a chat message shows of the plans: those with something this week (at most DIGEST_PLANS_SHOWN), how many
 * more there are, how many run quietly on track.
 */
export function plansToShow(plans: readonly DigestPlan[]): { shown: DigestPlan[]; more: number; onTrack: number } {
  const noted = plans.filter(planNeedsAttention);
  return { shown: noted.slice(0, DIGEST_PLANS_SHOWN), more: Math.max(0, noted.length - DIGEST_PLANS_SHOWN), onTrack: plans.length - noted.length };
}

/** The counts of the plans' line: agreed this week, instalments due this week, instalments missed. */
export function planCounts(plans: readonly DigestPlan[]): { agreed: number; due: number; missed: number; onTrack: number } {
  return {
    agreed: plans.filter((p) => p.agreedThisWeek).length,
    due: plans.reduce((n, p) => n + p.dueThisWeek.length, 0),
    missed: plans.reduce((n, p) => n + p.missed.length, 0),
    onTrack: plans.filter((p) => !planNeedsAttention(p)).length,
  };
}

/** At most this many plans are written out in a chat message; the rest are counted (ccbot plan list has them all). */
export const DIGEST_PLANS_SHOWN = 10;

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
  /** The policy's bucket edges the labels are made from (to say them in the company's language). */
  agingBuckets?: readonly number[];
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
  /** The agenda: undecided proposals by stakes, at most the policy's maxProposals. */
  actions: PendingAction[];
  /** The other undecided proposals, smaller: one click away. */
  moreActions: PendingAction[];
  disputes: OpenDispute[];
  promises: PromiseLine[];
  /** Accounts counted, with something owed. */
  accountsWithBalance: number;
  /** Last week's decisions and where they stand. */
  followUp: FollowUpLine[];
  /** Payments received in the 7 days up to asOf. */
  cashCollected: bigint;
  /** Payment plans: active ones, and those completed or broken in the 7 days up to asOf, in reading order. */
  paymentPlans: DigestPlan[];
}

export interface DigestInput {
  companyName: string;
  currency: string;
  locale: string;
  asOf: CalendarDate;
  period: string;
  accounts: DigestAccount[];
  /**
   * When `accounts` carry their figures only (no reasons: src/services/committeeViews.ts digestPortfolio), the
   * engine's full review of an account the digest shows. The ranking reads the figures only.
   */
  complete?: (account: DigestAccount) => DigestAccount;
  totals: Aging;
  previous: Aging | null;
  kpis: DigestKpis;
  actions: PendingAction[];
  disputes: OpenDispute[];
  promises: PromiseLine[];
  followUp?: FollowUpLine[];
  cashCollected?: bigint;
  paymentPlans?: DigestPlan[];
}

/** The payer's grade and why, for a reason: "payer C: pays 38 days late on average; 2 promises broken". */
export function payerReason(payer: PayerProfile, money: (minor: bigint) => string = (m) => formatMinor(m), locale = "en-GB"): string {
  return payer.grade === null ? t(locale, "payer.noHistory") : t(locale, "payer.grade", { grade: payer.grade, why: describePayer(payer, money, locale) });
}

/** What the priority ranking reads of an account. */
export function priorityInputOf(a: DigestAccount, money?: (minor: bigint) => string, locale = "en-GB"): PriorityInput {
  return {
    customerId: a.customerId,
    overdue: a.review.figures.overdue,
    maxDaysLate: a.review.figures.maxDaysLate,
    payerScore: a.payer.score,
    payerWhy: () => payerReason(a.payer, money, locale),
    overLimit: a.review.figures.overLimit,
    creditLimit: a.creditLimit,
    brokenPromises: a.brokenPromises,
  };
}

export function composeDigest(input: DigestInput, policy: Policy): Digest {
  const money = moneyFormatter(input.currency, input.locale);
  const ranked = rankAccounts(input.accounts, (a) => priorityInputOf(a, money, input.locale), policy, policy.committee.topAccounts, money, input.locale);
  const agenda = agendaOf(input.actions, policy.committee.maxProposals);
  return {
    companyName: input.companyName,
    currency: input.currency,
    locale: input.locale,
    asOf: input.asOf,
    period: input.period,
    bucketLabels: bucketLabels(policy.agingBuckets),
    agingBuckets: policy.agingBuckets,
    totals: input.totals,
    change: input.previous ? input.totals.buckets.map((v, i) => v - (input.previous?.buckets[i] ?? 0n)) : null,
    kpis: input.kpis,
    priorities: ranked
      .slice(0, policy.committee.topAccounts)
      .map((r) => ({ rank: r.rank, score: r.score, reasons: r.reasons, account: input.complete ? input.complete(r.account) : r.account })),
    actions: agenda.shown,
    moreActions: agenda.more,
    disputes: input.disputes,
    promises: input.promises,
    accountsWithBalance: input.accounts.reduce((n, a) => (a.aging.balance !== 0n ? n + 1 : n), 0),
    followUp: input.followUp ?? [],
    cashCollected: input.cashCollected ?? 0n,
    paymentPlans: orderPlans(input.paymentPlans ?? []),
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

/** The call's thread (seed 004): what a collector goes through on every call, as catalogue keys (checklistSteps says them). */
export const CALL_CHECKLIST = [
  "chat.checklist.0",
  "chat.checklist.1",
  "chat.checklist.2",
  "chat.checklist.3",
  "chat.checklist.4",
  "chat.checklist.5",
  "chat.checklist.6",
  "chat.checklist.7",
] as const;

/** The steps of a task list's call checklist in the language of `locale`: the catalogue's for the standard one, else as given. */
export function checklistSteps(list: { checklist: readonly string[] }, locale: string): string[] {
  const standard = list.checklist.length === CALL_CHECKLIST.length && list.checklist.every((s, i) => s === CALL_CHECKLIST[i]);
  return standard ? CALL_CHECKLIST.map((key) => t(locale, key)) : [...list.checklist];
}

export interface CollectorTask {
  customerId: number;
  externalId: string;
  customerName: string;
  kind: "step" | "promise-check" | "notice-follow-up" | "notice-letter" | "wrong-contact";
  /** For steps: the policy level and its channel. */
  levelId: string | null;
  channel: Channel | null;
  title: string;
  reason: string;
  overdue: bigint;
  maxDaysLate: number;
  /** An e-mail step the policy proposes to the collector (send: "propose"): Send / Edit then send when SMTP is set. */
  proposeEmail?: boolean;
  /** A formal notice letter issued and not yet recorded as sent ("notice-letter"): its action. */
  actionId?: number;
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

/** What a collector can report about a task (besides a promise to pay, which has its own form): said by `chat.outcome.*`. */
export const TASK_OUTCOMES = ["sent", "no_answer", "reached", "already_paid", "wrong_contact", "dispute"] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

/** A task outcome in the language of `locale`: "Pas de réponse / messagerie" / "No answer / voicemail". */
export function taskOutcomeText(outcome: TaskOutcome, locale: string): string {
  return t(locale, `chat.outcome.${outcome}`);
}

/**
 * The outcomes a task's buttons offer, by its channel: a letter or an e-mail is "Sent" (or could not be: wrong
 * contact, already paid, disputed), never "No answer / voicemail"; a call or a visit is answered or not.
 */
export function outcomesFor(channel: Channel | null): TaskOutcome[] {
  return channel === "EMAIL" || channel === "LETTER"
    ? ["sent", "already_paid", "wrong_contact", "dispute"]
    : ["no_answer", "reached", "already_paid", "wrong_contact", "dispute"];
}

export function isTaskOutcome(value: unknown): value is TaskOutcome {
  return typeof value === "string" && (TASK_OUTCOMES as readonly string[]).includes(value);
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
