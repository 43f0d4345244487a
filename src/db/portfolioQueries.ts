// The queries that feed the credit engine: one pass over the open items per question, aggregated per
// customer in SQL, so a portfolio of a million invoices never travels to the application whole.
// Money comes back as text and becomes bigint; dates come back as text (YYYY-MM-DD).
import { addDays, type CalendarDate } from "../domain/calendarDate.js";
import { finishAging, type Aging } from "../domain/aging.js";
import type { Account, AccountPosition, AccountPromise } from "../domain/engine.js";
import { formatMinor } from "../domain/money.js";
import { asOfCtes, dayOf, settledOutsideOn, zoneLiteral } from "./asOfItems.js";
import {
  describePayer,
  monthSoFar,
  ON_TIME_GRACE_DAYS,
  payerProfileFromTotals,
  type MonthFigures,
  type PayerProfile,
  type RecoveryTotals,
} from "../domain/kpis.js";
import type { Segment } from "../domain/parties.js";
import { SEGMENTS } from "../domain/parties.js";
import { ACTION_KINDS, type ActionKind, type Policy } from "../domain/policy.js";
import type { Sql } from "./database.js";

export interface PortfolioAccount {
  account: Account;
  externalId: string;
  aging: Aging;
  payer: PayerProfile;
  salesOwner: { id: number; name: string } | null;
  collector: { id: number; name: string } | null;
}

const int = (value: unknown): number => Number(value ?? 0);
const money = (value: unknown): bigint => BigInt(String(value ?? "0"));

function preDueDays(policy: Policy, segment: Segment): number {
  const first = policy.segments[segment].levels[0];
  return first && first.day < 0 ? -first.day : -1;
}

/** The policy's pre-due windows (days before the due date, minimum invoice amount), each with the segments that have it. */
function preDueWindows(policy: Policy): Array<{ days: number; minimum: number; segments: Segment[] }> {
  const windows: Array<{ days: number; minimum: number; segments: Segment[] }> = [];
  for (const segment of SEGMENTS) {
    const days = Math.trunc(preDueDays(policy, segment));
    if (days <= 0) continue;
    const minimum = Math.trunc(policy.segments[segment].preDueMinimum);
    const known = windows.find((w) => w.days === days && w.minimum === minimum);
    if (known) known.segments.push(segment);
    else windows.push({ days, minimum, segments: [segment] });
  }
  return windows;
}

/**
 * Runs `work` with PostgreSQL's JIT compilation off on this connection, then restores the setting. The
 * portfolio query has a few hundred expressions (one aggregate per figure and bucket) and correlated
 * subqueries whose estimated cost passes the JIT thresholds on a large portfolio, so the server spends far
 * longer compiling it than running it: 7.2 s of JIT for 2.2 s of execution on 200,000 invoices (bench/digest.ts).
 * PGlite has no JIT; the setting exists there too, so both databases run the same statements.
 */
async function withoutJit<T>(sql: Sql, work: () => Promise<T>): Promise<T> {
  await sql.query("SET jit = off");
  try {
    return await work();
  } finally {
    // In a transaction that failed, the rollback restores the setting; the reset would only fail again.
    await sql.query("RESET jit").catch(() => undefined);
  }
}

export interface AccountFilter {
  customerIds?: number[];
  collectorId?: number;
}

/** How the payer's "why" is written (kpis.describePayer): amounts and language. */
export interface PayerWords {
  money: (minor: bigint) => string;
  locale: string;
}

const RULES_WORDS: PayerWords = { money: (m) => formatMinor(m), locale: "en-GB" };

/**
 * The portfolio as of a date, one account per customer. `words` writes the payer's "why" in the company's
 * currency and language (the engine quotes it): given here, it is written once per account, not again by
 * the caller; null leaves it to the caller, for the accounts it reviews (src/services/committeeViews.ts).
 */
export async function loadPortfolio(
  sql: Sql,
  asOf: CalendarDate,
  policy: Policy,
  timeZone: string,
  filter: AccountFilter = {},
  words: PayerWords | null = RULES_WORDS,
): Promise<PortfolioAccount[]> {
  const edges = policy.agingBuckets;
  const bucketSums = [
    `sum(o.undisputed) FILTER (WHERE o.days <= 0)`,
    ...edges.map((edge, i) => `sum(o.undisputed) FILTER (WHERE o.days > ${i === 0 ? 0 : edges[i - 1]} AND o.days <= ${edge})`),
    `sum(o.undisputed) FILTER (WHERE o.days > ${edges[edges.length - 1]})`,
  ].map((expr, i) => `coalesce(${expr}, 0)::text AS b${i}`);
  const where: string[] = [];
  const params: unknown[] = [asOf];
  if (filter.customerIds) {
    params.push(filter.customerIds);
    where.push(`c.id = ANY($${params.length}::int[])`);
  }
  if (filter.collectorId !== undefined) {
    params.push(filter.collectorId);
    where.push(`c."collectorId" = $${params.length}`);
  }
  // An invoice falls due soon when it is (partly) undisputed, above the segment's pre-due minimum and inside its
  // window. The sums are made once per distinct window of the policy, and each customer takes its segment's after
  // grouping: the invoices need no join to their customer (a million lookups) to know their window.
  const windows = preDueWindows(policy);
  const soon = (w: { days: number; minimum: number }) =>
    `o.undisputed > 0 AND NOT o.litigation AND o.days < 0 AND -o.days <= ${w.days} AND o.invoice_open >= ${w.minimum}`;
  const soonSums = windows.flatMap((w, k) => [
    `coalesce(sum(o.undisputed) FILTER (WHERE ${soon(w)}), 0)::text AS soon${k}_amount`,
    `count(*) FILTER (WHERE ${soon(w)})::int AS soon${k}_count`,
    `min(-o.days) FILTER (WHERE ${soon(w)}) AS soon${k}_days`,
    `coalesce(max(o.undisputed) FILTER (WHERE ${soon(w)}), 0)::text AS soon${k}_largest`,
  ]);
  const segmentSoon = (column: string, none: string) =>
    windows.length === 0
      ? `${none} AS soon_${column}`
      : `CASE c.segment::text ${windows.flatMap((w, k) => w.segments.map((s) => `WHEN '${s}' THEN p.soon${k}_${column}`)).join(" ")} ELSE ${none} END AS soon_${column}`;
  const customerFilter = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const newCustomerTargets = SEGMENTS.filter((s) => policy.segments[s].preDueFor?.newCustomerDays !== undefined);
  const newCustomerSegments = newCustomerTargets.length ? `c.segment::text IN (${newCustomerTargets.map((s) => `'${s}'`).join(", ")})` : "FALSE";

  const tz = zoneLiteral(timeZone);
  const day = (column: string) => dayOf(column, timeZone);
  // Everything as it stood at the end of $1 (src/db/asOfItems.ts): open amounts, credits, disputes,
  // promises, payments, actions and notices recorded after that day are left out.
  // Each row becomes its account as it arrives (sql.forEachRow): 50,000 rows of ~50 texts are not held whole.
  const accounts: PortfolioAccount[] = [];
  const cycles: Array<{ cid: number; since: CalendarDate }> = [];
  const toAccount = (r: Record<string, unknown>): PortfolioAccount => {
    const credits = money(r.credits);
    const buckets = Array.from({ length: edges.length + 2 }, (_, i) => money(r[`b${i}`]));
    const disputed = money(r.disputed);
    const position: AccountPosition = {
      overdue: money(r.overdue),
      maxDaysLate: int(r.max_days_late),
      disputed,
      disputedLate: money(r.disputed_late),
      openTotal: money(r.open_total),
      dueSoon: r.soon_count
        ? { amount: money(r.soon_amount), count: int(r.soon_count), inDays: int(r.soon_days), largest: money(r.soon_largest) }
        : null,
    };
    const payer = payerProfileFromTotals({
      paid: Number(r.paid ?? 0),
      weightedDaysLate: Number(r.weighted ?? 0),
      onTime: Number(r.on_time ?? 0),
      openLate: Number(r.open_late ?? 0),
      openWeightedDaysLate: Number(r.open_weighted ?? 0),
      openWithinGrace: Number(r.open_grace ?? 0),
      over90Days: money(r.over_90),
      oldestDaysLate: int(r.oldest_days_late),
      promisesKept: int(r.kept),
      promisesBroken: int(r.broken),
      openDisputes: int(r.open_disputes),
    });
    const sentOn = (r.sent_on as CalendarDate | null) ?? null;
    return {
      externalId: String(r.external_id),
      aging: finishAging({ buckets, disputed, credits: 0n, overdue: 0n, balance: 0n }, credits),
      payer,
      salesOwner: r.owner_id === null ? null : { id: int(r.owner_id), name: String(r.owner_name) },
      collector: r.collector_id === null ? null : { id: int(r.collector_id), name: String(r.collector_name) },
      account: {
        customerId: int(r.id),
        name: String(r.name),
        segment: r.segment as Segment,
        creditLimit: r.credit_limit === null ? null : money(r.credit_limit),
        blocked: Boolean(r.blocked),
        onHold: Boolean(r.on_hold),
        position,
        credits,
        payments: [],
        promises: [],
        stepsDone: [],
        formalNotice: sentOn ? { sentOn, deadline: addDays(sentOn, int(r.deadline_days)) } : null,
        pendingActionKinds: ((r.kinds as string[] | null) ?? []).filter((k): k is ActionKind =>
          (ACTION_KINDS as readonly string[]).includes(k),
        ),
        payerScore: payer.score,
        payerWhy: words ? describePayer(payer, words.money, words.locale) : undefined,
        payerGrade: payer.grade,
        payerAverageDaysLate: payer.averageDaysLate,
        firstInvoiceOn: (r.first_invoice_on as CalendarDate | null) ?? null,
      },
    };
  };
  await withoutJit(sql, () =>
    sql.forEachRow<Record<string, unknown>>(
      `WITH ${asOfCtes(1, timeZone, where.length ? where.join(" AND ") : "TRUE")},
     -- Each invoice open on the day, in two parts: what is disputed (paused) and what still follows the
     -- calendar (one row per invoice: a million invoices are aggregated in one pass).
     o AS (
       SELECT x.*, x.invoice_open - x.disputed_part AS undisputed FROM (
         SELECT i.cid, ($1::date - i.due) AS days, i.due, i.open AS invoice_open,
                CASE WHEN NOT i.disputed THEN 0 WHEN i.dispute_whole THEN i.open ELSE least(i.dispute_amount, i.open) END AS disputed_part,
                (i.status = 'LITIGATION') AS litigation
           FROM inv_asof i
          WHERE i.open > 0
         OFFSET 0) x -- computed once per invoice, not at every use in the aggregates below
     ),
     positions AS (
       SELECT o.cid,
              sum(o.invoice_open)::text AS open_total,
              coalesce(sum(o.disputed_part), 0)::text AS disputed,
              coalesce(sum(o.disputed_part) FILTER (WHERE o.days > 0), 0)::text AS disputed_late,
              coalesce(sum(o.undisputed) FILTER (WHERE NOT o.litigation AND o.days > 0), 0)::text AS overdue,
              coalesce(max(o.days) FILTER (WHERE o.undisputed > 0 AND NOT o.litigation AND o.days > 0), 0) AS max_days_late,
              ${soonSums.map((sum) => `${sum},
              `).join("")}              min(o.due)::text AS oldest_due,
              coalesce(sum(o.undisputed) FILTER (WHERE o.days > 0), 0)::text AS open_late,
              coalesce(sum(o.undisputed * o.days) FILTER (WHERE o.days > 0), 0)::text AS open_weighted,
              coalesce(sum(o.undisputed) FILTER (WHERE o.days > 0 AND o.days <= ${ON_TIME_GRACE_DAYS}), 0)::text AS open_grace,
              coalesce(sum(o.invoice_open) FILTER (WHERE o.days > 90), 0)::text AS over_90,
              coalesce(max(o.days) FILTER (WHERE o.days > 0), 0) AS oldest_days_late,
              ${bucketSums.join(",\n              ")}
         FROM o GROUP BY o.cid
     ),
     credits AS (
       SELECT cid, sum(open)::text AS credits FROM credit_asof WHERE open > 0 GROUP BY cid
     ),
     open_disputes AS (
       SELECT cid, count(*)::int AS n FROM dispute_asof GROUP BY cid
     ),
     payer AS (
       SELECT i."customerId" AS cid, sum(a.amount)::text AS paid,
              sum(a.amount * greatest(a."allocatedOn" - i."dueDate", 0))::text AS weighted,
              coalesce(sum(a.amount) FILTER (WHERE a."allocatedOn" - i."dueDate" <= ${ON_TIME_GRACE_DAYS}), 0)::text AS on_time
         FROM allocation a JOIN invoice i ON i.id = a."invoiceId"
         LEFT JOIN payment pa ON pa.id = a."paymentId"
         LEFT JOIN invoice cn ON cn.id = a."creditNoteId"
        WHERE a."allocatedOn" > $1::date - 365 AND a."allocatedOn" <= $1::date AND i."issueDate" <= $1::date
          AND coalesce(pa."paymentDate", cn."issueDate", a."allocatedOn") <= $1::date
        GROUP BY 1
     ),
     promises AS (
       SELECT "customerId" AS cid, count(*) FILTER (WHERE status = 'KEPT')::int AS kept,
              count(*) FILTER (WHERE status = 'BROKEN')::int AS broken
         FROM promise_to_pay
        WHERE "promisedDate" > $1::date - 365 AND "settledAt" IS NOT NULL AND ${day('"settledAt"')} <= $1::date
        GROUP BY 1
     ),
     actions AS (
       SELECT "customerId" AS cid, array_agg(DISTINCT kind::text) AS kinds
         FROM proposed_action WHERE status IN ('PROPOSED', 'APPROVED') AND ${day('"createdAt"')} <= $1::date GROUP BY 1
     ),
     notices AS (
       SELECT DISTINCT ON ("customerId") "customerId" AS cid, ("appliedAt" AT TIME ZONE ${tz})::date::text AS sent_on,
              coalesce((params->>'deadlineDays')::int, ${policy.rules.formalNotice.deadlineDays}) AS deadline_days
         FROM proposed_action WHERE kind = 'FORMAL_NOTICE' AND status = 'APPLIED' AND ${day('"appliedAt"')} <= $1::date
        ORDER BY "customerId", "appliedAt" DESC
     ),
     -- The first invoice's date, read only for the segments whose pre-due targets name new customers (the only
     -- use of it: engine preDueTarget), in one grouped pass: looked up per customer, it reads every invoice of the
     -- portfolio again, one at a time.
     first_invoices AS (
       SELECT x."customerId" AS cid, min(x."issueDate") AS first_on
         FROM invoice x
        WHERE x.kind = 'INVOICE' AND x."issueDate" <= $1::date
          AND x."customerId" IN (SELECT c.id FROM customer c WHERE ${[newCustomerSegments, ...where].join(" AND ")})
        GROUP BY 1
     )
     SELECT c.id, c."externalId" AS external_id, c.name, c.segment::text AS segment, c."creditLimit"::text AS credit_limit, c.blocked, c."onHold" AS on_hold,
            so.id AS owner_id, so.name AS owner_name, co.id AS collector_id, co.name AS collector_name,
            p.*, ${segmentSoon("amount", "'0'")}, ${segmentSoon("count", "0")}, ${segmentSoon("days", "NULL")}, ${segmentSoon("largest", "'0'")},
            coalesce(cr.credits, '0') AS credits, py.paid, py.weighted, py.on_time,
            coalesce(pr.kept, 0) AS kept, coalesce(pr.broken, 0) AS broken, coalesce(od.n, 0) AS open_disputes,
            ac.kinds, n.sent_on, n.deadline_days, fi.first_on::text AS first_invoice_on
       FROM customer c
       LEFT JOIN positions p ON p.cid = c.id
       LEFT JOIN credits cr ON cr.cid = c.id
       LEFT JOIN open_disputes od ON od.cid = c.id
       LEFT JOIN payer py ON py.cid = c.id
       LEFT JOIN promises pr ON pr.cid = c.id
       LEFT JOIN actions ac ON ac.cid = c.id
       LEFT JOIN notices n ON n.cid = c.id
       LEFT JOIN first_invoices fi ON fi.cid = c.id
       LEFT JOIN person so ON so.id = c."salesOwnerId"
       LEFT JOIN person co ON co.id = c."collectorId"
       ${customerFilter}
      ORDER BY c.id`,
      params,
      (r) => {
        accounts.push(toAccount(r));
        // The dunning cycle starts 30 days before the oldest open invoice falls due (attachPromisesAndSteps).
        if (r.oldest_due) cycles.push({ cid: int(r.id), since: addDays(r.oldest_due as CalendarDate, -30) });
      },
    ),
  );
  await attachPromisesAndSteps(sql, accounts, asOf, timeZone, cycles);
  return accounts;
}

/** Pending promises (with the payments since), and the reminder steps of the current dunning cycle. */
async function attachPromisesAndSteps(
  sql: Sql,
  accounts: PortfolioAccount[],
  asOf: CalendarDate,
  timeZone: string,
  cycles: Array<{ cid: number; since: CalendarDate }>,
) {
  const byId = new Map(accounts.map((a) => [a.account.customerId, a]));
  const ids = accounts.map((a) => a.account.customerId);
  if (ids.length === 0) return;
  // A payment plan's instalments (src/domain/paymentPlan.ts) count as one promise at a time: its first
  // instalment not yet paid, for the plan's amounts up to it, since the day the plan was agreed (so the
  // payments for earlier instalments count towards it). A missed instalment is still seen on the day it was
  // recorded missed (that day's tasks escalate it); after that the plan no longer pauses dunning.
  const tz = timeZone.replace(/'/g, "");
  const promises = await sql.query<{ id: number; cid: number; promised: string; amount: string; recorded: string }>(
    `SELECT id, cid, promised, amount, recorded FROM (
       SELECT q.id, q."customerId" AS cid, q."promisedDate"::text AS promised,
              (CASE WHEN q."paymentPlanId" IS NULL THEN q.amount
                    ELSE (SELECT sum(r.amount) FROM promise_to_pay r
                           WHERE r."paymentPlanId" = q."paymentPlanId" AND r."installmentNo" <= q."installmentNo") END)::text AS amount,
              (CASE WHEN q."paymentPlanId" IS NULL THEN (q."recordedAt" AT TIME ZONE '${tz}')::date ELSE pp."agreedOn" END)::text AS recorded,
              q."paymentPlanId" AS plan,
              row_number() OVER (PARTITION BY q."paymentPlanId" ORDER BY q."installmentNo") AS rank
         FROM promise_to_pay q
         LEFT JOIN payment_plan pp ON pp.id = q."paymentPlanId"
        WHERE q."customerId" = ANY($1::int[]) AND (q."recordedAt" AT TIME ZONE '${tz}')::date <= $2::date
          AND (q.status = 'PENDING'
               OR (q."settledAt" IS NOT NULL AND (q."settledAt" AT TIME ZONE '${tz}')::date > $2::date)
               OR (q."paymentPlanId" IS NOT NULL AND q.status = 'BROKEN' AND (q."settledAt" AT TIME ZONE '${tz}')::date = $2::date))
          AND (q."paymentPlanId" IS NULL OR NOT EXISTS (
                SELECT 1 FROM promise_to_pay b
                 WHERE b."paymentPlanId" = q."paymentPlanId" AND b.status = 'BROKEN' AND (b."settledAt" AT TIME ZONE '${tz}')::date < $2::date))
     ) x
     WHERE plan IS NULL OR rank = 1`,
    [ids, asOf],
  );
  for (const p of promises) {
    const promise: AccountPromise = {
      id: p.id,
      promisedDate: p.promised as CalendarDate,
      amount: money(p.amount),
      status: "PENDING",
      recordedOn: p.recorded as CalendarDate,
    };
    byId.get(p.cid)?.account.promises.push(promise);
  }
  const withPromises = [...new Set(promises.map((p) => p.cid))];
  if (withPromises.length > 0) {
    const payments = await sql.query<{ cid: number; on: string; amount: string }>(
      `SELECT p."customerId" AS cid, p."paymentDate"::text AS on, p.amount::text AS amount
         FROM payment p
        WHERE p."customerId" = ANY($1::int[]) AND p."paymentDate" <= $2::date
          AND p."paymentDate" >= (SELECT min(("recordedAt" AT TIME ZONE '${timeZone.replace(/'/g, "")}')::date) FROM promise_to_pay q
                                   WHERE q.id = ANY($3::int[]) AND q."customerId" = p."customerId")`,
      [withPromises, asOf, promises.map((p) => p.id)],
    );
    for (const p of payments) byId.get(p.cid)?.account.payments.push({ on: p.on as CalendarDate, amount: money(p.amount) });
  }
  // The dunning cycle starts 30 days before the oldest open invoice falls due (`cycles`): steps done before
  // that were about invoices since paid.
  if (cycles.length === 0) return;
  const steps = await sql.query<{ cid: number; level: string; on: string }>(
    `SELECT h."customerId" AS cid, h.data->>'levelId' AS level, (h."occurredAt" AT TIME ZONE '${timeZone.replace(/'/g, "")}')::date::text AS on
       FROM history_entry h
       JOIN unnest($1::int[], $2::date[]) AS cyc(cid, since) ON cyc.cid = h."customerId"
      WHERE h.kind = 'reminder.step' AND (h."occurredAt" AT TIME ZONE '${timeZone.replace(/'/g, "")}')::date >= cyc.since
        AND (h."occurredAt" AT TIME ZONE '${timeZone.replace(/'/g, "")}')::date <= $3::date
      ORDER BY h."occurredAt"`,
    [cycles.map((c) => c.cid), cycles.map((c) => c.since), asOf],
  );
  for (const s of steps) byId.get(s.cid)?.account.stepsDone.push({ levelId: s.level, on: s.on as CalendarDate });
}

/**
 * Sales and receivables month by month (for DSO), from the first month with data up to asOf's month; that
 * last month only counts its days elapsed when asOf is not its last day.
 */
export async function loadMonthlyFigures(sql: Sql, asOf: CalendarDate, months: number, timeZone: string): Promise<MonthFigures[]> {
  // Receivables at a month's end, as the aged balance of that day (src/db/asOfItems.ts) would give them:
  // invoices issued - credit notes issued - payments received - amounts settled outside the bot (on the
  // day asOfItems counts them). Allocations move money between invoices and credits: they do not change it.
  // Summed by day, then by month: the month's name is written once a day, not once an invoice. The day an
  // amount was settled outside is worked out only for the invoices that have one (a time zone conversion each).
  const settledOn = `greatest(x."issueDate", ${settledOutsideOn("x", timeZone)})`;
  const rows = await sql.query<{ month: string; sales: string; movement: string }>(
    `WITH m AS (
       SELECT "issueDate" AS day, amount AS sales, amount AS movement FROM invoice WHERE kind = 'INVOICE' AND "issueDate" <= $1::date
       UNION ALL
       SELECT x."issueDate", -x.amount,
              -(x."openAmount" + coalesce((SELECT sum(y.amount) FROM allocation y WHERE y."creditNoteId" = x.id), 0))
         FROM invoice x WHERE x.kind = 'CREDIT_NOTE' AND x."issueDate" <= $1::date
       UNION ALL
       SELECT "paymentDate", 0, -amount FROM payment WHERE "paymentDate" <= $1::date
       UNION ALL
       SELECT o.day, 0, -o.outside FROM (
         SELECT CASE WHEN x.amount - x."openAmount" - coalesce(s.settled, 0) > 0 THEN ${settledOn} END AS day,
                x.amount - x."openAmount" - coalesce(s.settled, 0) AS outside
           FROM invoice x LEFT JOIN (SELECT "invoiceId", sum(amount)::bigint AS settled FROM allocation GROUP BY 1) s ON s."invoiceId" = x.id
          WHERE x.kind = 'INVOICE') o
        WHERE o.day <= $1::date
     ),
     days AS (SELECT day, sum(sales) AS sales, sum(movement) AS movement FROM m GROUP BY day)
     SELECT to_char(day, 'YYYY-MM') AS month, sum(sales)::text AS sales, sum(movement)::text AS movement FROM days GROUP BY 1 ORDER BY 1`,
    [asOf],
  );
  let receivables = 0n;
  const all: MonthFigures[] = rows.map((r) => {
    receivables += money(r.movement);
    return { month: r.month, sales: money(r.sales), receivablesAtEnd: receivables };
  });
  // Months without activity still count (countback walks calendar months).
  const filled: MonthFigures[] = [];
  for (const month of monthRange(all[0]?.month ?? asOf.slice(0, 7), asOf.slice(0, 7))) {
    const found = all.find((m) => m.month === month);
    filled.push(found ?? { month, sales: 0n, receivablesAtEnd: filled.at(-1)?.receivablesAtEnd ?? 0n });
  }
  const current = monthSoFar(asOf);
  const last = filled.at(-1);
  if (last && last.month === current.month && current.daysElapsed !== undefined) last.daysElapsed = current.daysElapsed;
  return filled.slice(-Math.max(months, 1));
}

function nextMonthStart(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
}

export function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split("-").map(Number) as [number, number];
  const [ty, tm] = to.split("-").map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

/** Per month of due date: what fell due and what was collected within 30 and 90 days (settled-outside amounts on the due date). */
export async function loadRecoveryTotals(sql: Sql, months: string[], asOf?: CalendarDate): Promise<RecoveryTotals[]> {
  if (months.length === 0) return [];
  // As of a date: invoices issued and settlements dated by then only.
  const until = asOf ?? "9999-12-31";
  const rows = await sql.query<{ month: string; due: string; in30: string; in90: string }>(
    `WITH allocated AS (
       SELECT "invoiceId", sum(amount)::bigint AS total FROM allocation GROUP BY 1
     ),
     -- What fell due each day, and what was settled outside the bot (counted on the due date); summed by day,
     -- then by month (the month's name written once a day, not once an invoice).
     due AS (
       SELECT i."dueDate" AS day, sum(i.amount) AS due, sum(greatest(i.amount - i."openAmount" - coalesce(al.total, 0), 0)) AS outside
         FROM invoice i
         LEFT JOIN allocated al ON al."invoiceId" = i.id
        WHERE i.kind = 'INVOICE' AND i."dueDate" >= $1::date AND i."dueDate" < $2::date AND i."issueDate" <= $3::date
        GROUP BY 1
     ),
     -- What was allocated within 30 and 90 days of the due date, by due date: each allocation joined to its invoice
     -- once (joined to the invoices scanned, the lookups were made again by each parallel worker).
     paid AS (
       SELECT i."dueDate" AS day,
              sum(a.amount) FILTER (WHERE a."allocatedOn" <= i."dueDate" + 30 AND a."allocatedOn" <= $3::date) AS in30,
              sum(a.amount) FILTER (WHERE a."allocatedOn" <= i."dueDate" + 90 AND a."allocatedOn" <= $3::date) AS in90
         FROM allocation a
         JOIN invoice i ON i.id = a."invoiceId"
        WHERE i.kind = 'INVOICE' AND i."dueDate" >= $1::date AND i."dueDate" < $2::date AND i."issueDate" <= $3::date
        GROUP BY 1
     )
     SELECT to_char(d.day, 'YYYY-MM') AS month, sum(d.due)::text AS due,
            (sum(d.outside) + coalesce(sum(p.in30), 0))::text AS in30,
            (sum(d.outside) + coalesce(sum(p.in90), 0))::text AS in90
       FROM due d
       LEFT JOIN paid p ON p.day = d.day
      GROUP BY 1`,
    [`${months[0]}-01`, nextMonthStart(months[months.length - 1] as string), until],
  );
  const byMonth = new Map(rows.map((r) => [r.month, r]));
  return months.map((month) => {
    const r = byMonth.get(month);
    return { month, due: money(r?.due), within30Days: money(r?.in30), within90Days: money(r?.in90) };
  });
}
