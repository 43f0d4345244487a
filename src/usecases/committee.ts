// Getting the committee ready for its week: promises checked, stale proposals expired, new proposals
// recorded with their reasons, and the aged balance snapshotted for next week's trend. Running it twice in
// a week changes nothing the second time.
import type { Database } from "../db/database.js";
import { appendHistory } from "../db/history.js";
import { loadPortfolio, type PortfolioAccount } from "../db/portfolioQueries.js";
import { loadSettings } from "../db/settings.js";
import { addAging, emptyAging } from "../domain/aging.js";
import { calendarDateToDb, type CalendarDate } from "../domain/calendarDate.js";
import { isoWeek } from "../domain/digest.js";
import { reviewAccount, type AccountReview, type InvoiceScope } from "../domain/engine.js";
import { describeKind } from "../domain/approvals.js";
import { withLossCover } from "../domain/kpis.js";
import { formatMinor } from "../domain/money.js";
import type { ActionKind, Policy } from "../domain/policy.js";
import { SYSTEM } from "./actor.js";
import { followPaymentPlans } from "./paymentPlans.js";

export interface CommitteePreparation {
  period: string;
  promisesKept: number;
  promisesBroken: number;
  expired: number;
  proposed: number;
}

export async function prepareCommittee(db: Database, policy: Policy, asOf: CalendarDate, now = new Date()): Promise<CommitteePreparation> {
  const { period, monday } = isoWeek(asOf);
  // Payment plans first, so that a missed instalment is recorded as such (with its indemnity and escalation)
  // rather than as a plain broken promise below.
  await followPaymentPlans(db, policy, asOf, now);
  const settings = await db.withConnection(loadSettings);
  // Proposals of earlier weeks that nobody decided: superseded when the engine no longer proposes them (the
  // situation changed: paid, disputed...), expired otherwise (and proposed again below, with today's figures).
  const stale = await db.prisma.proposedAction.findMany({ where: { status: "PROPOSED", period: { lt: period } } });
  if (stale.length > 0) {
    const current = await db.withConnection((sql) =>
      loadPortfolio(sql, asOf, policy, settings.timeZone, { customerIds: [...new Set(stale.map((a) => a.customerId))] }),
    );
    const stillProposed = new Set(
      current.flatMap((p) =>
        reviewAccount({ ...p.account, pendingActionKinds: [] }, asOf, policy).proposals.map((x) => `${p.account.customerId}:${x.kind}`),
      ),
    );
    await db.prisma.$transaction(async (tx) => {
      for (const action of stale) {
        const status = stillProposed.has(`${action.customerId}:${action.kind}`) ? "EXPIRED" : "SUPERSEDED";
        await tx.proposedAction.update({ where: { id: action.id }, data: { status, decidedAt: now } });
        await appendHistory(tx, {
          occurredAt: now,
          customerId: action.customerId,
          actorLabel: SYSTEM.label,
          origin: "JOB",
          channel: "SYSTEM",
          kind: status === "EXPIRED" ? "action.expired" : "action.superseded",
          text:
            status === "EXPIRED"
              ? `Proposal expired undecided: ${describeKind(action.kind as ActionKind)} (${action.period})`
              : `Proposal withdrawn, the situation changed: ${describeKind(action.kind as ActionKind)} (${action.period})`,
          actionId: action.id,
        });
      }
    });
  }

  const accounts = await db.withConnection((sql) => loadPortfolio(sql, asOf, policy, settings.timeZone));
  // Litigation proposals carry the sales needed to make up the loss (margin-rate setting, else the policy's).
  const margin = settings.marginRatePercent ?? policy.kpis.grossMarginPercent;
  const reviews = accounts.map((a) => ({ portfolio: a, review: withLossCover(reviewAccount(a.account, asOf, policy), margin, formatMinor) }));
  const withProposals = reviews.filter((r) => r.review.proposals.length > 0).map((r) => r.portfolio.account.customerId);
  const scopes = await invoiceScopes(db, asOf, withProposals);

  let promisesKept = 0;
  let promisesBroken = 0;
  let proposed = 0;
  await db.prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext('ccbot-committee'))`);
      for (const { portfolio, review } of reviews) {
        const customerId = portfolio.account.customerId;
        for (const update of review.promiseUpdates) {
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
            text: `Promise ${update.status === "KEPT" ? "kept" : "broken"}: ${update.reason}`,
            data: { promiseId: update.promiseId },
          });
        }
        for (const proposal of review.proposals) {
          const exists = await tx.proposedAction.findFirst({
            where: { customerId, kind: proposal.kind, status: { in: ["PROPOSED", "APPROVED"] } },
          });
          if (exists) continue;
          const invoiceIds = scopes.get(customerId)?.[proposal.scope] ?? [];
          const action = await tx.proposedAction.create({
            data: {
              customerId,
              kind: proposal.kind,
              reason: proposal.reason,
              params: proposal.params,
              period,
              createdAt: now,
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
            text: `Proposed to the committee: ${describeKind(proposal.kind)}, because ${proposal.reason}`,
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
  return { period, promisesKept, promisesBroken, expired: stale.length, proposed };
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
