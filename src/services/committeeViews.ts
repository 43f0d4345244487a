// Read side of the committee: the weekly digest and a collector's daily tasks, assembled from the database
// and the pure engine. Nothing here writes.
import { digestPaymentPlans, planLines } from "./paymentPlans.js";
import type { Database } from "../db/database.js";
import { loadMonthlyFigures, loadPortfolio, loadRecoveryTotals, monthRange, type PortfolioAccount } from "../db/portfolioQueries.js";
import { loadSettings, type CompanySettings } from "../db/settings.js";
import { addAging, emptyAging, type Aging } from "../domain/aging.js";
import { addDays, calendarDateAt, calendarDateFromDb, daysBetween, type CalendarDate } from "../domain/calendarDate.js";
import { checkVoter, tallyVotes } from "../domain/approvals.js";
import {
  CALL_CHECKLIST,
  composeDigest,
  followUpOf,
  isoWeek,
  moneyFormatter,
  type DecisionFacts,
  type CollectorTask,
  type CustomerFile,
  type Digest,
  type DigestAccount,
  type DigestKpis,
  type OpenDispute,
  type ActionView,
  type PendingAction,
  type TaskList,
} from "../domain/digest.js";
import { accountFigures, reviewAccount, type AccountReview } from "../domain/engine.js";
import {
  countbackDso,
  lossCoverOf,
  withLossCover,
  overdueRate,
  receivablesOf,
  recoveryRates,
  simpleDso,
  type MonthFigures,
  type PayerProfile,
  type RecoveryTotals,
} from "../domain/kpis.js";
import { dayOf, loadOpenItems } from "../db/asOfItems.js";
import type { Role } from "../domain/parties.js";
import { stepAssignee } from "../domain/taskWork.js";
import { levelName, type ActionKind, type Policy } from "../domain/policy.js";
import { AppError } from "../errors.js";
import { say } from "../i18n/index.js";
import { APPLIED_PREFIX } from "../usecases/votes.js";
import { inLocale } from "../usecases/committee.js";
import { formatMinor } from "../domain/money.js";
import { wrongContacts } from "../mail/bounces.js";
import { NOTICE_EMAILED } from "../mail/noticeEmail.js";
import { noticeEmailKey } from "../jobs/mailSend.js";

export interface PortfolioReview {
  settings: CompanySettings;
  accounts: DigestAccount[];
  totals: Aging;
}

export async function reviewPortfolio(
  db: Database,
  policy: Policy,
  asOf: CalendarDate,
  filter: { collectorId?: number; customerIds?: number[] } = {},
): Promise<PortfolioReview> {
  const settings = await db.withConnection(loadSettings);
  const margin = marginPercentOf(settings, policy);
  const money = moneyFormatter(settings.currency, settings.locale);
  const portfolio = await db.withConnection((sql) =>
    loadPortfolio(sql, asOf, policy, settings.timeZone, filter, { money, locale: settings.locale }),
  );
  const accounts = portfolio.map((p) => toDigestAccount(p, engineReview(p, policy, asOf, margin, money, settings.locale)));
  const totals = accounts.reduce((sum, a) => addAging(sum, a.aging), emptyAging(policy.agingBuckets));
  return { settings, accounts, totals };
}

/**
 * The portfolio as the weekly digest uses it: every account with its aging and the figures its ranking reads
 * (src/domain/engine.ts accountFigures), and `complete` for the engine's review with its reasons, asked for the
 * few accounts the digest shows. Written for every account of a large portfolio (tens of thousands), the reasons
 * cost seconds for the handful read; the figures are the same either way.
 */
async function digestPortfolio(
  db: Database,
  policy: Policy,
  asOf: CalendarDate,
): Promise<PortfolioReview & { complete: (account: DigestAccount) => DigestAccount }> {
  const settings = await db.withConnection(loadSettings);
  const margin = marginPercentOf(settings, policy);
  const money = moneyFormatter(settings.currency, settings.locale);
  // The payer's "why" is written by `complete` too (inLocale), for the accounts reviewed.
  const portfolio = await db.withConnection((sql) => loadPortfolio(sql, asOf, policy, settings.timeZone, {}, null));
  const byCustomer = new Map(portfolio.map((p) => [p.account.customerId, p]));
  const accounts = portfolio.map((p) => toDigestAccount(p, figuresOnly(p)));
  const totals = accounts.reduce((sum, a) => addAging(sum, a.aging), emptyAging(policy.agingBuckets));
  const complete = (account: DigestAccount): DigestAccount => {
    const p = byCustomer.get(account.customerId);
    return p ? toDigestAccount(p, engineReview(inLocale(p, money, settings.locale), policy, asOf, margin, money, settings.locale)) : account;
  };
  return { settings, accounts, totals, complete };
}

/** The engine's review of an account, in the company's words; a litigation proposal says what losing the debt would cost in sales (seed "Piloter le recouvrement"). */
function engineReview(
  p: PortfolioAccount,
  policy: Policy,
  asOf: CalendarDate,
  marginPercent: number,
  money: (minor: bigint) => string,
  locale: string,
): AccountReview {
  return withLossCover(reviewAccount(p.account, asOf, policy, money, locale), marginPercent, money, locale);
}

/** A review holding the account's figures only: no promise checked, no step, no proposal (see digestPortfolio). */
function figuresOnly(p: PortfolioAccount): AccountReview {
  return { promiseUpdates: [], step: null, proposals: [], suspended: null, figures: accountFigures(p.account) };
}

/** The gross margin rate for the cost of an unpaid invoice: settings margin-rate, else the policy's. */
export function marginPercentOf(settings: CompanySettings, policy: Policy): number {
  return settings.marginRatePercent ?? policy.kpis.grossMarginPercent;
}

function toDigestAccount(p: PortfolioAccount, review: AccountReview): DigestAccount {
  return {
    customerId: p.account.customerId,
    externalId: p.externalId,
    name: p.account.name,
    segment: p.account.segment,
    blocked: p.account.blocked,
    aging: p.aging,
    payer: p.payer,
    creditLimit: p.account.creditLimit,
    review,
    salesOwnerName: p.salesOwner?.name ?? null,
    collectorName: p.collector?.name ?? null,
    brokenPromises: p.payer.promisesBroken,
    formalNotice: p.account.formalNotice,
  };
}

/** The month-by-month series behind the KPIs (they do not depend on the portfolio: load them alongside). */
export async function kpiSeries(db: Database, asOf: CalendarDate): Promise<{ months: MonthFigures[]; recovery: RecoveryTotals[] }> {
  const recoveryMonths = monthRange(addDays(asOf, -400).slice(0, 7), asOf.slice(0, 7));
  const { timeZone } = await db.withConnection(loadSettings);
  const [months, recovery] = await Promise.all([
    db.withConnection((sql) => loadMonthlyFigures(sql, asOf, 24, timeZone)),
    db.withConnection((sql) => loadRecoveryTotals(sql, recoveryMonths, asOf)),
  ]);
  return { months, recovery };
}

export async function kpisAsOf(
  db: Database,
  policy: Policy,
  asOf: CalendarDate,
  totals: Aging,
  previous: Aging | null,
  series?: Promise<{ months: MonthFigures[]; recovery: RecoveryTotals[] }>,
): Promise<{ kpis: DigestKpis; months: MonthFigures[] }> {
  const { months, recovery } = await (series ?? kpiSeries(db, asOf));
  const convention = {
    yearDays: policy.kpis.dsoYearDays,
    salesIncludeVat: policy.kpis.dsoSalesIncludeVat,
    vatRatePercent: policy.kpis.vatRatePercent,
  };
  const last = months.length - 1;
  const rates = recoveryRates(recovery, asOf);
  // One definition of receivables (docs/kpis.md): the aged balance, net of credits, like the DSO's.
  const receivables = receivablesOf(totals);
  return {
    months,
    kpis: {
      dsoSimple: last >= 0 ? simpleDso(months, last, convention) : null,
      dsoCountback: last >= 0 ? countbackDso(months, last, convention) : null,
      overdueRate: overdueRate(totals.overdue, receivables),
      previousOverdueRate: previous ? overdueRate(previous.overdue, receivablesOf(previous)) : null,
      recovery1Month: [...rates].reverse().find((r) => r.within1Month !== null) ?? null,
      recovery3Months: [...rates].reverse().find((r) => r.within3Months !== null) ?? null,
    },
  };
}

export async function buildDigest(db: Database, policy: Policy, asOf: CalendarDate): Promise<Digest> {
  const { period, monday } = isoWeek(asOf);
  // The portfolio, the KPI series and the lists are independent: on a server they run side by side.
  const series = kpiSeries(db, asOf);
  series.catch(() => undefined); // awaited below; keep an early failure from being unhandled meanwhile
  const { timeZone } = await db.withConnection(loadSettings);
  const [review, previousRow, actions, disputes, promises, decisions, cashCollected, paymentPlans] = await Promise.all([
    digestPortfolio(db, policy, asOf),
    db.prisma.agingSnapshot.findFirst({ where: { weekStart: { lt: new Date(`${monday}T00:00:00Z`) } }, orderBy: { weekStart: "desc" } }),
    pendingActions(db, policy),
    openDisputes(db, asOf, timeZone),
    promisesToWatch(db, asOf, timeZone),
    decisionFacts(db, asOf, timeZone),
    cashCollectedIn(db, addDays(asOf, -6), asOf),
    digestPaymentPlans(db, asOf, policy, timeZone),
  ]);
  const { settings, accounts, totals, complete } = review;
  const money = moneyFormatter(settings.currency, settings.locale);
  const previous: Aging | null = previousRow
    ? {
        buckets: previousRow.buckets,
        disputed: previousRow.disputed,
        credits: previousRow.credits,
        overdue: previousRow.overdue,
        balance: previousRow.balance,
      }
    : null;
  const { kpis } = await kpisAsOf(db, policy, asOf, totals, previous, series);
  return composeDigest(
    {
      companyName: settings.companyName,
      currency: settings.currency,
      locale: settings.locale,
      asOf,
      period,
      accounts,
      complete,
      totals,
      previous,
      kpis,
      actions,
      disputes,
      promises,
      followUp: decisions.map((f) => followUpOf(f, money, settings.locale)),
      cashCollected,
      paymentPlans,
    },
    policy,
  );
}

/** Payments received from `from` to `to` (calendar dates, both included). */
async function cashCollectedIn(db: Database, from: CalendarDate, to: CalendarDate): Promise<bigint> {
  const rows = await db.withConnection((sql) =>
    sql.query<{ total: string }>(
      `SELECT coalesce(sum(amount), 0)::text AS total FROM payment WHERE "paymentDate" BETWEEN $1::date AND $2::date`,
      [from, to],
    ),
  );
  return BigInt(rows[0]?.total ?? "0");
}

/**
 * The decisions since the last committee (applied or rejected from a week before asOf, that day included, up to
 * asOf, in the company's time zone) with what happened since: the letter, the block, payments and promises.
 */
export async function decisionFacts(db: Database, asOf: CalendarDate, timeZone: string): Promise<DecisionFacts[]> {
  const from = new Date(`${addDays(asOf, -8)}T00:00:00Z`);
  const to = new Date(`${addDays(asOf, 2)}T00:00:00Z`);
  const decided = await db.prisma.proposedAction.findMany({
    where: { status: { in: ["APPLIED", "REJECTED"] }, decidedAt: { gte: from, lt: to } },
    include: {
      customer: true,
      history: { where: { kind: { in: ["document.formal_notice", "letter.sent"] } }, orderBy: { id: "asc" } },
    },
    orderBy: [{ decidedAt: "asc" }, { id: "asc" }],
  });
  const inWeek = decided.filter((a) => {
    const on = calendarDateAt(a.decidedAt as Date, timeZone);
    return on >= addDays(asOf, -7) && on <= asOf;
  });
  if (inWeek.length === 0) return [];
  const customerIds = [...new Set(inWeek.map((a) => a.customerId))];
  const [payments, promises] = await Promise.all([
    db.prisma.payment.findMany({
      where: { customerId: { in: customerIds }, paymentDate: { gte: new Date(`${addDays(asOf, -7)}T00:00:00Z`) } },
      select: { customerId: true, paymentDate: true, amount: true },
    }),
    db.prisma.promiseToPay.findMany({
      where: { customerId: { in: customerIds }, recordedAt: { gte: from }, status: { in: ["PENDING", "KEPT", "BROKEN"] } },
      orderBy: [{ promisedDate: "asc" }, { id: "asc" }],
    }),
  ]);
  return inWeek.map((a) => {
    const decidedOn = calendarDateAt(a.decidedAt as Date, timeZone);
    const produced = a.history.find((h) => h.kind === "document.formal_notice");
    const sent = a.history.find((h) => h.kind === "letter.sent");
    const sentData = (sent?.data ?? {}) as { registeredMail?: unknown };
    return {
      actionId: a.id,
      customerName: a.customer.name,
      externalId: a.customer.externalId,
      kind: a.kind as ActionKind,
      decision: a.status as "APPLIED" | "REJECTED",
      decidedOn,
      letterProducedOn: produced ? calendarDateAt(produced.occurredAt, timeZone) : null,
      letterSent: sent
        ? {
            on: calendarDateAt(sent.occurredAt, timeZone),
            registeredMail: typeof sentData.registeredMail === "string" ? sentData.registeredMail : null,
          }
        : null,
      blockedNow: a.customer.blocked,
      onHoldNow: a.customer.onHold,
      creditLimitNow: a.customer.creditLimit,
      paidSince: payments
        .filter(
          (p) =>
            p.customerId === a.customerId && calendarDateFromDb(p.paymentDate) >= decidedOn && calendarDateFromDb(p.paymentDate) <= asOf,
        )
        .reduce((sum, p) => sum + p.amount, 0n),
      promisesSince: promises
        .filter(
          (p) =>
            p.customerId === a.customerId &&
            calendarDateAt(p.recordedAt, timeZone) >= decidedOn &&
            calendarDateAt(p.recordedAt, timeZone) <= asOf,
        )
        .map((p) => ({
          amount: p.amount,
          promisedDate: calendarDateFromDb(p.promisedDate),
          status: p.status as "PENDING" | "KEPT" | "BROKEN",
        })),
    };
  });
}

export async function pendingActions(db: Database, policy: Policy, filter: { actionIds?: number[] } = {}): Promise<PendingAction[]> {
  const { currency, locale } = await db.withConnection(loadSettings);
  const actions = await db.prisma.proposedAction.findMany({
    where: { status: { in: ["PROPOSED", "APPROVED"] }, ...(filter.actionIds ? { id: { in: filter.actionIds } } : {}) },
    include: {
      customer: { include: { salesOwner: true } },
      votes: { include: { person: true } },
      invoices: { include: { invoice: true } },
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return actions.map((a) => {
    const outcome = tallyVotes(
      {
        kind: a.kind as ActionKind,
        proposedById: a.proposedById,
        salesOwnerId: a.customer.salesOwnerId,
        salesOwnerName: a.customer.salesOwner?.name ?? null,
      },
      a.votes.map((v) => ({ voter: { personId: v.personId, name: v.person.name, roles: v.person.roles as Role[] }, decision: v.decision })),
      policy,
    );
    return {
      actionId: a.id,
      customerId: a.customerId,
      customerName: a.customer.name,
      kind: a.kind as ActionKind,
      status: a.status as "PROPOSED" | "APPROVED",
      reason: a.reason,
      proposedOn: a.createdAt.toISOString().slice(0, 10) as CalendarDate,
      approvedBy: outcome.approvers.map((p) => p.name),
      missing: outcome.missing.map((m) => say(locale, m)),
      needs: outcome.missing,
      invoiceNumbers: a.invoices.map((i) => i.invoice.number),
      pendingSince: a.period,
      externalId: a.customer.externalId,
      segment: a.customer.segment,
      amountAtRisk: a.amountAtRisk,
      stakes: a.stakes,
      backBecause: a.backBecause,
      currency,
      locale,
    };
  });
}

/**
 * The actions of one digest message, in the order shown: pending ones with their votes, decided ones with
 * their outcome (so a re-rendered message keeps every action in place and drops the buttons of decided ones).
 */
export async function actionViews(db: Database, policy: Policy, actionIds: number[]): Promise<ActionView[]> {
  const pending = new Map((await pendingActions(db, policy, { actionIds })).map((a) => [a.actionId, a]));
  const decided = await db.prisma.proposedAction.findMany({
    where: { id: { in: actionIds.filter((id) => !pending.has(id)) } },
    include: { customer: true, history: { where: { kind: { in: ["action.applied", "action.rejected"] } } } },
  });
  return actionIds.flatMap((id): ActionView[] => {
    const open = pending.get(id);
    if (open) return [open];
    const done = decided.find((d) => d.id === id);
    if (!done) return [];
    return [
      {
        actionId: done.id,
        customerId: done.customerId,
        customerName: done.customer.name,
        kind: done.kind as ActionKind,
        status: "PROPOSED",
        reason: done.reason,
        proposedOn: done.createdAt.toISOString().slice(0, 10) as CalendarDate,
        approvedBy: [],
        missing: [],
        invoiceNumbers: [],
        finalStatus: done.status,
        // "applied: deliveries blocked (approved by …)", said once.
        appliedText: done.history[0]?.text.replace(APPLIED_PREFIX, "") ?? null,
      },
    ];
  });
}

/** The actions awaiting a decision on which this person may vote and has not voted yet (App Home). */
export async function awaitingVoteOf(db: Database, policy: Policy, personId: number): Promise<PendingAction[]> {
  const person = await db.prisma.person.findUnique({ where: { id: personId } });
  if (!person) return [];
  const open = await db.prisma.proposedAction.findMany({
    where: { status: "PROPOSED" },
    include: { customer: { include: { salesOwner: true } }, votes: { select: { personId: true } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const voter = { personId: person.id, name: person.name, roles: person.roles as Role[] };
  const mine = open.filter(
    (a) =>
      !a.votes.some((v) => v.personId === personId) &&
      checkVoter(
        {
          kind: a.kind as ActionKind,
          proposedById: a.proposedById,
          salesOwnerId: a.customer.salesOwnerId,
          salesOwnerName: a.customer.salesOwner?.name ?? null,
        },
        voter,
        policy,
      ).allowed,
  );
  return pendingActions(db, policy, { actionIds: mine.map((a) => a.id) });
}

/**
 * The disputes open at the end of asOf (opened by then, not resolved or withdrawn by then), in the company's
 * time zone. Selected in SQL: a large portfolio has thousands of disputes closed long ago.
 */
async function openDisputes(db: Database, asOf: CalendarDate, timeZone: string): Promise<OpenDispute[]> {
  const rows = await db.withConnection((sql) =>
    sql.query<Record<string, unknown>>(
      `SELECT d.id, i.number, c.name AS customer, d.category::text AS category, d.reason,
              coalesce(d."amountDisputed", i."openAmount")::text AS amount, ${dayOf('d."openedAt"', timeZone)}::text AS opened_on,
              p.name AS opened_by
         FROM dispute d
         JOIN invoice i ON i.id = d."invoiceId"
         JOIN customer c ON c.id = d."customerId"
         LEFT JOIN person p ON p.id = d."openedById"
        WHERE ${dayOf('d."openedAt"', timeZone)} <= $1::date
          AND (d.status = 'OPEN' OR (d."resolvedAt" IS NOT NULL AND ${dayOf('d."resolvedAt"', timeZone)} > $1::date))
        ORDER BY d."openedAt", d.id`,
      [asOf],
    ),
  );
  return rows.map((r) => {
    const openedOn = r.opened_on as CalendarDate;
    return {
      disputeId: Number(r.id),
      invoiceNumber: String(r.number),
      customerName: String(r.customer),
      category: String(r.category),
      reason: String(r.reason),
      amount: BigInt(String(r.amount)),
      openedOn,
      ageDays: daysBetween(openedOn, asOf),
      openedBy: r.opened_by === null ? null : String(r.opened_by),
    };
  });
}

/**
 * Promises falling due within a week, and those broken in the last week, as they stood at the end of asOf
 * (a promise recorded later is left out; one settled later was still pending). A payment plan's instalments
 * are the digest's payment plans, not promises here.
 */
async function promisesToWatch(db: Database, asOf: CalendarDate, timeZone: string) {
  const soon = addDays(asOf, 7);
  const weekAgo = addDays(asOf, -7);
  const promises = await db.prisma.promiseToPay.findMany({
    where: { status: { in: ["PENDING", "KEPT", "BROKEN"] }, paymentPlanId: null, promisedDate: { lte: new Date(`${soon}T00:00:00Z`) } },
    include: { customer: true },
    orderBy: [{ promisedDate: "asc" }, { id: "asc" }],
  });
  return promises.flatMap((p) => {
    if (calendarDateAt(p.recordedAt, timeZone) > asOf) return [];
    const settledOn = p.settledAt ? calendarDateAt(p.settledAt, timeZone) : null;
    const status = p.status === "PENDING" || settledOn === null || settledOn > asOf ? "PENDING" : p.status;
    if (status === "KEPT" || (status === "BROKEN" && (settledOn as CalendarDate) < weekAgo)) return [];
    return [
      {
        promiseId: p.id,
        customerName: p.customer.name,
        amount: p.amount,
        promisedDate: calendarDateFromDb(p.promisedDate),
        status: status as "PENDING" | "BROKEN",
      },
    ];
  });
}

/**
 * A person's tasks for the day. Every calendar step is someone's (src/domain/taskWork.ts stepAssignee): the
 * sales visit is the account's sales owner's (the collector's when it has none), every other step the
 * collector's. The collector also sees the visits of their accounts, to follow them up and record them once
 * done, since the calendar waits for them.
 */
export async function collectorTasks(db: Database, policy: Policy, asOf: CalendarDate, collectorId: number): Promise<TaskList> {
  const collector = await db.prisma.person.findUnique({ where: { id: collectorId } });
  if (!collector) throw new AppError("not_found", `Person #${collectorId} is unknown.`);
  const owned = await db.prisma.customer.findMany({
    where: { OR: [{ collectorId }, { salesOwnerId: collectorId }] },
    select: { id: true, salesOwner: { select: { id: true, name: true } }, collector: { select: { id: true, name: true } } },
  });
  const owners = new Map(owned.map((c) => [c.id, { salesOwner: c.salesOwner, collector: c.collector }]));
  const { accounts } = owned.length
    ? await reviewPortfolio(db, policy, asOf, { customerIds: owned.map((c) => c.id) })
    : { accounts: [] as DigestAccount[] };
  const tasks: CollectorTask[] = [];
  for (const a of accounts) {
    const base = {
      customerId: a.customerId,
      externalId: a.externalId,
      customerName: a.name,
      overdue: a.review.figures.overdue,
      maxDaysLate: a.review.figures.maxDaysLate,
    };
    const accountOwners = owners.get(a.customerId) ?? { salesOwner: null, collector: null };
    const isCollector = accountOwners.collector?.id === collectorId;
    const step = a.review.step;
    const assignee = step ? stepAssignee(step.level.by, accountOwners) : null;
    if (step && assignee && (assignee.person.id === collectorId || isCollector)) {
      const mine = assignee.person.id === collectorId;
      const by = mine
        ? assignee.note
          ? ` — ${assignee.note}`
          : ""
        : ` — by ${assignee.person.name}, the sales owner: follow it up and record it`;
      tasks.push({
        ...base,
        kind: "step",
        levelId: step.level.id,
        channel: step.channel,
        // The level's name, not its id: "Last reminder — send the letter", "First call — call".
        title: `${levelName(step.level)} — ${stepVerb(step.channel)}${by}`,
        reason: step.reason,
        ...(step.channel === "EMAIL" && step.level.send === "propose" ? { proposeEmail: true } : {}),
      });
    }
    // The other tasks are the collector's: a sales owner gets only the visits.
    if (!isCollector) continue;
    for (const update of a.review.promiseUpdates) {
      tasks.push({
        ...base,
        kind: "promise-check",
        levelId: null,
        channel: "PHONE",
        title: update.status === "BROKEN" ? "Promise broken: call back" : "Promise kept: thank the customer",
        reason: update.reason,
      });
    }
    const notice = a.formalNotice?.deadline ?? null;
    if (notice && notice < asOf && a.review.figures.overdue > 0n) {
      tasks.push({
        ...base,
        kind: "notice-follow-up",
        levelId: null,
        channel: "PHONE",
        title: "Formal notice deadline passed",
        reason: `the formal notice's deadline was ${notice} and ${formatMinor(a.review.figures.overdue)} is still overdue: check for payment, ${
          policy.segments[a.segment].regime === "public-procurement"
            ? "prepare the request for mandatement d'office to the prefect, or the référé-provision before the administrative judge"
            : "prepare the litigation file"
        }`,
      });
    }
  }
  // A formal notice issued (its letter job ran) and not yet recorded as sent: post it by registered letter.
  const mine = accounts.filter((a) => owners.get(a.customerId)?.collector?.id === collectorId);
  const issued = mine.length
    ? await db.prisma.historyEntry.findMany({
        where: { kind: "document.formal_notice", customerId: { in: mine.map((a) => a.customerId) }, actionId: { not: null } },
        select: { actionId: true, customerId: true, data: true },
        orderBy: { id: "asc" },
      })
    : [];
  const sentActions = new Set(
    (
      await db.prisma.historyEntry.findMany({
        where: { kind: "letter.sent", actionId: { in: issued.map((e) => e.actionId as number) } },
        select: { actionId: true },
      })
    ).map((e) => e.actionId),
  );
  // Sent, or being sent, by e-mail where the policy says "instead" (src/mail/noticeEmail.ts): no registered
  // letter to post, unless the e-mail could not go (its job failed, or it ended without a `notice.emailed`
  // entry: bounced, address suppressed), and then the task is back.
  const emailed = new Set<number | null>(
    (
      await db.prisma.historyEntry.findMany({
        where: { kind: NOTICE_EMAILED, actionId: { in: issued.map((e) => e.actionId as number) } },
        select: { actionId: true },
      })
    ).map((e) => e.actionId),
  );
  const noticeKeys = new Map(issued.map((e) => [noticeEmailKey(e.actionId as number), e.actionId]));
  if (noticeKeys.size)
    for (const job of await db.prisma.job.findMany({ where: { key: { in: [...noticeKeys.keys()] }, state: { in: ["PENDING", "RUNNING"] } }, select: { key: true } }))
      emailed.add(noticeKeys.get(job.key) ?? null);
  const byCustomer = new Map(mine.map((a) => [a.customerId, a]));
  for (const e of issued) {
    const a = e.customerId === null ? undefined : byCustomer.get(e.customerId);
    if (!a || sentActions.has(e.actionId)) continue;
    if (emailed.has(e.actionId) && policy.segments[a.segment].formalNoticeEmail === "instead") continue;
    const deadline = (e.data as { deadline?: string } | null)?.deadline;
    tasks.push({
      customerId: a.customerId,
      externalId: a.externalId,
      customerName: a.name,
      overdue: a.review.figures.overdue,
      maxDaysLate: a.review.figures.maxDaysLate,
      kind: "notice-letter",
      levelId: null,
      channel: "LETTER",
      actionId: e.actionId as number,
      title: "Formal notice: send it by registered letter",
      reason: `the committee approved formal notice #${e.actionId}${deadline ? ` (deadline ${deadline})` : ""}: print the letter, send it by registered letter with acknowledgement of receipt and record its tracking number`,
    });
  }
  // An e-mail refused for its recipient (src/mail/bounces.ts): the contact must be corrected. One task per
  // customer, whatever the number of addresses that bounced (its correction replaces them all, and a task list
  // holds one row per customer and kind).
  const collected = new Map(accounts.map((a) => [a.customerId, a]));
  const bounced = new Map<number, Array<{ address: string; reason: string }>>();
  for (const w of await wrongContacts(db, accounts.filter((a) => owners.get(a.customerId)?.collector?.id === collectorId).map((a) => a.customerId)))
    bounced.set(w.customerId, [...(bounced.get(w.customerId) ?? []), { address: w.address, reason: w.reason }]);
  for (const [customerId, addresses] of bounced) {
    const a = collected.get(customerId);
    if (!a) continue;
    tasks.push({
      customerId: a.customerId,
      externalId: a.externalId,
      customerName: a.name,
      overdue: a.review.figures.overdue,
      maxDaysLate: a.review.figures.maxDaysLate,
      kind: "wrong-contact",
      levelId: null,
      channel: "PHONE",
      title: "Wrong contact: an e-mail bounced",
      reason: `${addresses.map((w) => `the e-mail to ${w.address} was refused (${w.reason})`).join("; ")}; e-mail reminders to ${addresses.length > 1 ? "them" : "it"} are stopped: find the right billing contact and correct it`,
    });
  }
  const files = await customerFiles(db, asOf, [...new Set(tasks.map((t) => t.customerId))], accounts);
  tasks.sort((x, y) => y.maxDaysLate - x.maxDaysLate || Number(y.overdue - x.overdue));
  return {
    collectorName: collector.name,
    asOf,
    tasks: tasks.map((t) => ({ ...t, file: files.get(t.customerId) as CustomerFile })),
    checklist: CALL_CHECKLIST,
  };
}

function stepVerb(channel: string): string {
  return { EMAIL: "send the e-mail", PHONE: "call", LETTER: "send the letter", VISIT: "visit" }[channel] ?? "remind";
}

/** The files of some customers as they stood at the end of asOf: invoices open then, promises and history recorded by then. */
export async function customerFiles(
  db: Database,
  asOf: CalendarDate,
  customerIds: number[],
  accounts: DigestAccount[],
): Promise<Map<number, CustomerFile>> {
  const { timeZone } = await db.withConnection(loadSettings);
  // The end of asOf in the company's time zone, for instants (at most a day later than midnight UTC).
  const endOfDay = new Date(`${addDays(asOf, 2)}T00:00:00Z`);
  const [customers, open] = await Promise.all([
    db.prisma.customer.findMany({
      where: { id: { in: customerIds } },
      include: {
        contacts: { orderBy: [{ isPrimary: "desc" }, { id: "asc" }] },
        promises: {
          where: { status: { in: ["PENDING", "BROKEN", "KEPT"] }, recordedAt: { lt: endOfDay } },
          orderBy: { promisedDate: "desc" },
          take: 10,
        },
        // What people did and said, not the engine's bookkeeping.
        history: {
          where: { kind: { notIn: ["action.proposed", "action.expired", "action.superseded"] }, occurredAt: { lt: endOfDay } },
          orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
          take: 10,
          include: { actor: true },
        },
      },
    }),
    db.withConnection((sql) => loadOpenItems(sql, asOf, timeZone, customerIds)),
  ]);
  const payers = new Map(accounts.map((a) => [a.customerId, a.payer]));
  const onOrBefore = (instant: Date) => calendarDateAt(instant, timeZone) <= asOf;
  return new Map(
    customers.map((c) => [
      c.id,
      {
        customerId: c.id,
        name: c.name,
        segment: c.segment,
        blocked: c.blocked,
        blockedReason: c.blockedReason,
        contacts: c.contacts.map((k) => ({ name: k.name, jobTitle: k.jobTitle, email: k.email, phone: k.phone })),
        overdueInvoices: open.invoices
          .filter((i) => i.customerId === c.id)
          .map((i) => ({
            number: i.number,
            dueDate: i.dueDate,
            openAmount: i.open,
            daysLate: daysBetween(i.dueDate, asOf),
            disputed: i.disputed,
          }))
          .filter((i) => i.daysLate > 0)
          .slice(0, 20),
        commitments: c.promises
          .filter((p) => onOrBefore(p.recordedAt))
          .map((p) => ({
            amount: p.amount,
            promisedDate: calendarDateFromDb(p.promisedDate),
            status: p.status === "PENDING" || !p.settledAt || !onOrBefore(p.settledAt) ? "PENDING" : p.status,
          }))
          .filter((p) => p.status !== "KEPT")
          .slice(0, 5),
        lastHistory: c.history
          .filter((h) => onOrBefore(h.occurredAt))
          .slice(0, 5)
          .map((h) => ({
            on: h.occurredAt.toISOString().slice(0, 10),
            kind: h.kind,
            text: h.text,
            by: h.actor?.name ?? h.actorLabel,
          })),
        payer: payers.get(c.id) ?? emptyPayer(),
      },
    ]),
  );
}

function emptyPayer(): PayerProfile {
  return {
    averageDaysLate: null,
    onTimeShare: null,
    promisesBroken: 0,
    openDisputes: 0,
    over90Days: 0n,
    oldestDaysLate: 0,
    score: null,
    grade: null,
    gradeCap: null,
  };
}

/** One customer's file as of a date (what `/credit` shows): its position, aging and file. */
export async function accountView(
  db: Database,
  policy: Policy,
  asOf: CalendarDate,
  customerId: number,
): Promise<{ settings: CompanySettings; account: DigestAccount; file: CustomerFile }> {
  const { settings, accounts } = await reviewPortfolio(db, policy, asOf, { customerIds: [customerId] });
  const account = accounts[0];
  const file = (await customerFiles(db, asOf, [customerId], accounts)).get(customerId);
  if (!account || !file) throw new AppError("not_found", `Customer #${customerId} is unknown.`);
  return {
    settings,
    account,
    file: {
      ...file,
      lossCover: lossCoverOf(account.review.figures.overdue, marginPercentOf(settings, policy)),
      paymentPlans: (await planLines(db, policy, asOf, customerId)) ?? [],
    },
  };
}
