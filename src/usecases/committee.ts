// Getting the committee ready for its week: promises checked, undecided proposals carried over (or withdrawn),
// new proposals above the policy's thresholds recorded with their reasons and stakes, and the aged balance snapshotted for next week's trend. Running it twice in
// a week changes nothing the second time.
import type { Database } from "../db/database.js";
import { appendHistory } from "../db/history.js";
import { loadPortfolio, type PortfolioAccount } from "../db/portfolioQueries.js";
import { loadSettings } from "../db/settings.js";
import { addAging, emptyAging } from "../domain/aging.js";
import { calendarDateAt, calendarDateToDb, daysBetween, type CalendarDate } from "../domain/calendarDate.js";
import { isoWeek, moneyFormatter } from "../domain/digest.js";
import { reviewAccount, type AccountReview, type InvoiceScope, type Proposal } from "../domain/engine.js";
import { describePayer, withLossCover } from "../domain/kpis.js";
import { t } from "../i18n/index.js";
import { amountAtRisk, comesBack, isMaterial, lossLikelihood, stakesOf } from "../domain/priority.js";
import type { ActionKind, Policy } from "../domain/policy.js";
import { SYSTEM } from "./actor.js";
import { followPaymentPlans } from "./paymentPlans.js";

export interface CommitteePreparation {
  period: string;
  promisesKept: number;
  promisesBroken: number;
  /** Always 0: an undecided proposal is carried over with today's figures, never expired (kept for callers). */
  expired: number;
  /** Undecided proposals of earlier weeks carried over, figures refreshed. */
  carriedOver: number;
  /** Undecided proposals withdrawn because the engine no longer proposes them (paid, disputed, below the thresholds). */
  superseded: number;
  proposed: number;
  /** Proposals the engine made but left to the collector's calendar: below the segment's materiality thresholds. */
  belowThreshold: number;
  /** Proposals rejected before and kept off the agenda: not worse enough, cool-down not over. */
  heldBack: number;
}

/** The account with the payer's "why" in the company's language (the engine quotes it in limit reasons). */
export function inLocale(p: PortfolioAccount, money: (minor: bigint) => string, locale: string): PortfolioAccount {
  return { ...p, account: { ...p.account, payerWhy: describePayer(p.payer, money, locale) } };
}

/** What the engine proposes for one account, with what it puts at stake. */
interface Weighed {
  proposal: Proposal;
  atRisk: bigint;
  stakes: bigint;
  material: boolean;
}

function weigh(portfolio: PortfolioAccount, review: AccountReview, policy: Policy): Weighed[] {
  const account = portfolio.account;
  const figures = { overdue: review.figures.overdue, disputedLate: account.position.disputedLate, exposure: review.figures.exposure };
  const likelihood = lossLikelihood({
    maxDaysLate: review.figures.maxDaysLate,
    grade: portfolio.payer.grade,
    brokenPromises: portfolio.payer.promisesBroken,
    openDisputes: portfolio.payer.openDisputes,
  });
  const rule = policy.committee.materiality[account.segment];
  return review.proposals.map((proposal) => {
    const atRisk = amountAtRisk(proposal.kind, figures);
    return {
      proposal,
      atRisk,
      stakes: stakesOf(atRisk, likelihood),
      material: isMaterial(proposal.kind, atRisk, review.figures.maxDaysLate, rule),
    };
  });
}

/**
 * Gets the committee ready for the week of asOf. Undecided proposals of earlier weeks are carried over with
 * today's figures (their period stays: "pending since"), or withdrawn when the engine no longer proposes them.
 * New proposals are recorded only above the segment's materiality thresholds, and a proposal the committee
 * rejected comes back only when the account got worse past the policy's threshold or after its cool-down.
 */
export async function prepareCommittee(db: Database, policy: Policy, asOf: CalendarDate, now = new Date()): Promise<CommitteePreparation> {
  const { period, monday } = isoWeek(asOf);
  // Payment plans first, so that a missed instalment is recorded as such (with its indemnity and escalation)
  // rather than as a plain broken promise below.
  await followPaymentPlans(db, policy, asOf, now);
  const settings = await db.withConnection(loadSettings);
  const money = moneyFormatter(settings.currency, settings.locale);
  // Litigation proposals carry the sales needed to make up the loss (margin-rate setting, else the policy's).
  const margin = settings.marginRatePercent ?? policy.kpis.grossMarginPercent;
  // Reasons in the company's language (stored as said on the day: docs/i18n.md).
  const locale = settings.locale;
  // History entries are written in the company's language of the day and kept as recorded (sealed evidence).
  const kindWords = (kind: string) => t(locale, `cli.kind.${kind as ActionKind}`);
  const review = (account: PortfolioAccount["account"]) =>
    withLossCover(reviewAccount(account, asOf, policy, money, locale), margin, money, locale);

  const stale = await db.prisma.proposedAction.findMany({ where: { status: "PROPOSED", period: { lt: period } } });
  const accounts = (await db.withConnection((sql) => loadPortfolio(sql, asOf, policy, settings.timeZone))).map((a) => inLocale(a, money, locale));
  const reviews = accounts.map((a) => ({ portfolio: a, review: review(a.account) }));

  // What the engine would propose today for the accounts with proposals of earlier weeks, as if none were pending.
  const staleCustomers = new Set(stale.map((a) => a.customerId));
  const today = new Map<string, Weighed>();
  for (const { portfolio } of reviews) {
    if (!staleCustomers.has(portfolio.account.customerId)) continue;
    const fresh = review({ ...portfolio.account, pendingActionKinds: [] });
    for (const w of weigh(portfolio, fresh, policy)) today.set(`${portfolio.account.customerId}:${w.proposal.kind}`, w);
  }

  // The latest rejection of each (customer, kind), for the re-proposal rule.
  const rejections = new Map<string, { decidedAt: Date; atRisk: bigint }>();
  for (const r of await db.prisma.proposedAction.findMany({
    where: { status: "REJECTED" },
    select: { customerId: true, kind: true, decidedAt: true, amountAtRisk: true },
    orderBy: { decidedAt: "asc" },
  })) {
    if (r.decidedAt) rejections.set(`${r.customerId}:${r.kind}`, { decidedAt: r.decidedAt, atRisk: r.amountAtRisk });
  }

  const withProposals = [
    ...new Set([...reviews.filter((r) => r.review.proposals.length > 0).map((r) => r.portfolio.account.customerId), ...staleCustomers]),
  ];
  const scopes = await invoiceScopes(db, asOf, withProposals);

  let promisesKept = 0;
  let promisesBroken = 0;
  let proposed = 0;
  let carriedOver = 0;
  let superseded = 0;
  let belowThreshold = 0;
  let heldBack = 0;
  await db.prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext('ccbot-committee'))`);
      // Undecided proposals of earlier weeks: carried over with today's figures, or withdrawn.
      for (const action of stale) {
        const current = await tx.proposedAction.findUnique({ where: { id: action.id }, select: { status: true } });
        if (current?.status !== "PROPOSED") continue;
        const fresh = today.get(`${action.customerId}:${action.kind}`);
        if (fresh?.material) {
          await tx.proposedAction.update({
            where: { id: action.id },
            data: {
              reason: fresh.proposal.reason,
              params: fresh.proposal.params,
              amountAtRisk: fresh.atRisk,
              stakes: fresh.stakes,
              refreshedAt: now,
            },
          });
          carriedOver += 1;
          if (fresh.proposal.reason !== action.reason)
            await appendHistory(tx, {
              occurredAt: now,
              customerId: action.customerId,
              actorLabel: SYSTEM.label,
              origin: "JOB",
              channel: "SYSTEM",
              kind: "action.refreshed",
              text: t(locale, "history.refreshed", { since: action.period, period, kind: kindWords(action.kind), reason: fresh.proposal.reason }),
              actionId: action.id,
            });
          continue;
        }
        await tx.proposedAction.update({ where: { id: action.id }, data: { status: "SUPERSEDED", decidedAt: now } });
        superseded += 1;
        await appendHistory(tx, {
          occurredAt: now,
          customerId: action.customerId,
          actorLabel: SYSTEM.label,
          origin: "JOB",
          channel: "SYSTEM",
          kind: "action.superseded",
          text: fresh
            ? t(locale, "history.withdrawnBelow", { amount: money(fresh.atRisk), kind: kindWords(action.kind), period: action.period })
            : t(locale, "history.withdrawn", { kind: kindWords(action.kind), period: action.period }),
          actionId: action.id,
        });
      }

      for (const { portfolio, review: accountReview } of reviews) {
        const customerId = portfolio.account.customerId;
        for (const update of accountReview.promiseUpdates) {
          const changed = await tx.promiseToPay.updateMany({
            where: { id: update.promiseId, status: "PENDING" },
            data: { status: update.status, settledAt: now },
          });
          if (changed.count === 0) continue;
          if (update.status === "KEPT") promisesKept += 1;
          else promisesBroken += 1;
          await appendHistory(tx, {
            occurredAt: now,
            customerId,
            actorLabel: SYSTEM.label,
            origin: "JOB",
            channel: "SYSTEM",
            kind: update.status === "KEPT" ? "promise.kept" : "promise.broken",
            text: t(locale, update.status === "KEPT" ? "history.promiseKept" : "history.promiseBroken", { reason: update.reason }),
            data: { promiseId: update.promiseId },
          });
        }
        for (const { proposal, atRisk, stakes, material } of weigh(portfolio, accountReview, policy)) {
          if (!material) {
            belowThreshold += 1;
            continue;
          }
          const exists = await tx.proposedAction.findFirst({
            where: { customerId, kind: proposal.kind, status: { in: ["PROPOSED", "APPROVED"] } },
          });
          if (exists) continue;
          const rejected = rejections.get(`${customerId}:${proposal.kind}`);
          let backBecause: string | null = null;
          if (rejected) {
            const decidedOn = calendarDateAt(rejected.decidedAt, settings.timeZone);
            backBecause = comesBack(
              { decidedOn, daysSince: daysBetween(decidedOn, asOf), atRisk: rejected.atRisk },
              atRisk,
              policy.committee.afterRejection,
              money,
              locale,
            );
            if (backBecause === null) {
              heldBack += 1;
              continue;
            }
          }
          const invoiceIds = scopes.get(customerId)?.[proposal.scope] ?? [];
          const action = await tx.proposedAction.create({
            data: {
              customerId,
              kind: proposal.kind,
              reason: proposal.reason,
              params: proposal.params,
              period,
              createdAt: now,
              amountAtRisk: atRisk,
              stakes,
              backBecause,
              invoices: invoiceIds.length ? { create: invoiceIds.map((invoiceId) => ({ invoiceId })) } : undefined,
            },
          });
          proposed += 1;
          await appendHistory(tx, {
            occurredAt: now,
            customerId,
            actorLabel: SYSTEM.label,
            origin: "JOB",
            channel: "SYSTEM",
            kind: "action.proposed",
            text: t(locale, "history.proposed", {
              kind: kindWords(proposal.kind),
              reason: proposal.reason,
              back: backBecause ? t(locale, "history.back", { why: backBecause }) : "",
            }),
            actionId: action.id,
            invoiceIds,
          });
        }
      }
      const totals = reviews.reduce((sum, r) => addAging(sum, r.portfolio.aging), emptyAging(policy.agingBuckets));
      const snapshot = {
        asOf: calendarDateToDb(asOf),
        buckets: totals.buckets,
        disputed: totals.disputed,
        credits: totals.credits,
        overdue: totals.overdue,
        balance: totals.balance,
        takenAt: now,
      };
      await tx.agingSnapshot.upsert({
        where: { weekStart: calendarDateToDb(monday) },
        create: { weekStart: calendarDateToDb(monday), ...snapshot },
        update: snapshot,
      });
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  return { period, promisesKept, promisesBroken, expired: 0, carriedOver, superseded, proposed, belowThreshold, heldBack };
}

/**
 * The invoice ids each scope names, per customer. A partly disputed invoice is in both the disputed scope
 * (for its disputed part) and the overdue one (for the rest, which follows the calendar).
 */
export async function invoiceScopes(
  db: Database,
  asOf: CalendarDate,
  customerIds: number[],
): Promise<Map<number, Record<InvoiceScope, number[]>>> {
  const result = new Map<number, Record<InvoiceScope, number[]>>();
  if (customerIds.length === 0) return result;
  const rows = await db.withConnection((sql) =>
    sql.query<{ cid: number; id: number; disputed: boolean; undisputed: boolean; late: boolean }>(
      `SELECT i."customerId" AS cid, i.id,
              (d.id IS NOT NULL) AS disputed,
              (d.id IS NULL OR (NOT d.whole AND d.amount < i."openAmount")) AS undisputed,
              (i."dueDate" < $2::date AND i.status <> 'LITIGATION') AS late
         FROM invoice i
         LEFT JOIN (SELECT "invoiceId" AS id, coalesce(sum("amountDisputed"), 0) AS amount, bool_or("amountDisputed" IS NULL) AS whole
                      FROM dispute WHERE status = 'OPEN' GROUP BY 1) d ON d.id = i.id
        WHERE i.kind = 'INVOICE' AND i."openAmount" > 0 AND i."customerId" = ANY($1::int[])
        ORDER BY i."dueDate", i.id`,
      [customerIds, asOf],
    ),
  );
  for (const row of rows) {
    const scopes = result.get(row.cid) ?? { overdue: [], dueSoon: [], disputed: [], none: [] };
    if (row.disputed) scopes.disputed.push(row.id);
    if (row.undisputed) scopes[row.late ? "overdue" : "dueSoon"].push(row.id);
    result.set(row.cid, scopes);
  }
  return result;
}

export type { PortfolioAccount, AccountReview };
