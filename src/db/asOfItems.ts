// What was open on a date: invoices, credit notes and unallocated payments as they stood at the end of
// that day, whatever has been recorded since (docs/kpis.md, "as-of figures").
//
// The tables hold today's open amounts. Going back to a date D adds back what was settled after D:
//   - an allocation counts from the day it is known: its own date, the payment's date (or the credit
//     note's issue date) and the invoice's issue date all on or before D;
//   - an amount settled outside the bot (an ERP open amount lower than the allocations explain) counts on
//     the due date, or on the day it was recorded if that is earlier;
//   - invoices and credit notes issued after D, and payments dated after D, did not exist yet.
// So on any date: open invoices - open credit notes - unallocated payments = invoices issued - credit notes
// issued - payments received - amounts settled outside, the receivables the DSO series uses.
import type { CalendarDate } from "../domain/calendarDate.js";
import type { Sql } from "./database.js";

/** A time zone name safe to inline in SQL (validated IANA names; quotes removed in any case). */
export function zoneLiteral(timeZone: string): string {
  return `'${timeZone.replace(/'/g, "")}'`;
}

/** The day an instant column falls on in the company's time zone. */
export function dayOf(column: string, timeZone: string): string {
  return `(${column} AT TIME ZONE ${zoneLiteral(timeZone)})::date`;
}

/** The day an amount settled outside the bot counts as settled (see the header). */
export function settledOutsideOn(invoice: string, timeZone: string): string {
  return `least(${invoice}."dueDate", ${dayOf(`${invoice}."updatedAt"`, timeZone)})`;
}

/**
 * Whether the amount an invoice settled outside the bot counts as settled only after the day `d` (an SQL
 * date): `settledOutsideOn(...) > d`, written so that no row's instant is converted to the time zone (the
 * end of d is computed once): due after d, and recorded after the end of d in the company's time zone.
 */
export function settledOutsideAfter(invoice: string, timeZone: string, d: string): string {
  return `(${invoice}."dueDate" > ${d} AND ${invoice}."updatedAt" >= ((${d} + 1)::timestamp AT TIME ZONE ${zoneLiteral(timeZone)}))`;
}

/**
 * CTEs (to put after WITH) for the open items on the date in parameter `$n`, restricted to the customers
 * of `customerWhere` (a condition on `c`, the customer, or "TRUE"):
 *   later_alloc(iid, pid, cnid, amount)   allocations not yet known on the date
 *   inv_asof(id, cid, number, issue, due, status, amount, open, disputed)   invoices issued by then, open amount then
 *   credit_asof(cid, kind, id, ref, dated, amount, open)   credit notes and payments, what was unallocated then
 *   dispute_asof(id, cid, iid)            disputes open on the date
 */
export function asOfCtes(n: number, timeZone: string, customerWhere = "TRUE"): string {
  const d = `$${n}::date`;
  const customers = customerWhere === "TRUE" ? "" : `AND x."customerId" IN (SELECT c.id FROM customer c WHERE ${customerWhere})`;
  return `
     later_alloc AS (
       SELECT a."invoiceId" AS iid, a."paymentId" AS pid, a."creditNoteId" AS cnid, a.amount
         FROM allocation a
         JOIN invoice x ON x.id = a."invoiceId"
         LEFT JOIN payment p ON p.id = a."paymentId"
         LEFT JOIN invoice cn ON cn.id = a."creditNoteId"
        WHERE (a."allocatedOn" > ${d} OR x."issueDate" > ${d} OR coalesce(p."paymentDate", cn."issueDate") > ${d}) ${customers}
     ),
     dispute_asof AS (
       SELECT x.id, x."customerId" AS cid, x."invoiceId" AS iid, x."amountDisputed" AS amount
         FROM dispute x
        WHERE ${dayOf('x."openedAt"', timeZone)} <= ${d}
          AND (x.status = 'OPEN' OR (x."resolvedAt" IS NOT NULL AND ${dayOf('x."resolvedAt"', timeZone)} > ${d})) ${customers}
     ),
     inv_asof AS (
       SELECT x.id, x."customerId" AS cid, x.number, x."issueDate" AS issue, x."dueDate" AS due, x.status, x.amount,
              -- bigint (minor units), not the numeric of sum(): the portfolio sums it a million times over.
              (x."openAmount" + coalesce(l.amount, 0)
                + CASE WHEN ${settledOutsideAfter("x", timeZone, d)}
                       THEN greatest(x.amount - x."openAmount" - coalesce((SELECT sum(y.amount) FROM allocation y WHERE y."invoiceId" = x.id), 0), 0)
                       ELSE 0 END)::bigint AS open,
              (ds.iid IS NOT NULL) AS disputed,
              -- A dispute without an amount covers the whole invoice; otherwise only the amounts disputed are paused.
              coalesce(ds.whole, false) AS dispute_whole,
              coalesce(ds.amount, 0)::bigint AS dispute_amount
         FROM invoice x
         LEFT JOIN (SELECT iid, sum(amount) AS amount FROM later_alloc GROUP BY iid) l ON l.iid = x.id
         -- Joined once per invoice (not a subquery per invoice: a million invoices would scan the disputes a million times).
         LEFT JOIN (SELECT iid, bool_or(amount IS NULL) AS whole, sum(amount) AS amount FROM dispute_asof GROUP BY iid) ds ON ds.iid = x.id
        WHERE x.kind = 'INVOICE' AND x."issueDate" <= ${d}
          AND (x."openAmount" > 0 OR l.iid IS NOT NULL OR ${settledOutsideAfter("x", timeZone, d)}) ${customers}
       -- OFFSET 0 keeps this a subquery of its own, so that the open amount is computed once per invoice: flattened into
       -- the query using it, its expression is evaluated again at every use.
       OFFSET 0
     ),
     credit_asof AS (
       SELECT x."customerId" AS cid, 'credit note' AS kind, x.id, x.number AS ref, x."issueDate" AS dated, x.amount,
              x."openAmount" + coalesce(l.amount, 0) AS open
         FROM invoice x
         LEFT JOIN (SELECT cnid, sum(amount) AS amount FROM later_alloc WHERE cnid IS NOT NULL GROUP BY cnid) l ON l.cnid = x.id
        WHERE x.kind = 'CREDIT_NOTE' AND x."issueDate" <= ${d} AND (x."openAmount" > 0 OR l.cnid IS NOT NULL) ${customers}
       UNION ALL
       SELECT x."customerId", 'payment', x.id, x.reference, x."paymentDate", x.amount, x."unallocatedAmount" + coalesce(l.amount, 0)
         FROM payment x
         LEFT JOIN (SELECT pid, sum(amount) AS amount FROM later_alloc WHERE pid IS NOT NULL GROUP BY pid) l ON l.pid = x.id
        WHERE x."paymentDate" <= ${d} AND (x."unallocatedAmount" > 0 OR l.pid IS NOT NULL) ${customers}
     )`;
}

export interface OpenInvoiceAsOf {
  id: number;
  customerId: number;
  number: string;
  issueDate: CalendarDate;
  dueDate: CalendarDate;
  status: string;
  amount: bigint;
  open: bigint;
  disputed: boolean;
  /** The part of `open` under an open dispute on the day (the whole when a dispute gives no amount). */
  disputedAmount: bigint;
}

export interface OpenCreditAsOf {
  customerId: number;
  kind: "credit note" | "payment";
  id: number;
  reference: string;
  on: CalendarDate;
  amount: bigint;
  open: bigint;
}

/** The open invoices and credits of some customers on a date, one line each (a customer's aged balance, its file). */
export async function loadOpenItems(
  sql: Sql,
  asOf: CalendarDate,
  timeZone: string,
  customerIds: number[],
): Promise<{ invoices: OpenInvoiceAsOf[]; credits: OpenCreditAsOf[] }> {
  if (customerIds.length === 0) return { invoices: [], credits: [] };
  const ctes = asOfCtes(1, timeZone, "c.id = ANY($2::int[])");
  const invoices = await sql.query<Record<string, unknown>>(
    `WITH ${ctes}
     SELECT id, cid, number, issue::text AS issue, due::text AS due, status::text AS status, amount::text AS amount, open::text AS open, disputed,
            (CASE WHEN NOT disputed THEN 0 WHEN dispute_whole THEN open ELSE least(dispute_amount, open) END)::text AS disputed_amount
       FROM inv_asof WHERE open > 0 ORDER BY cid, due, number`,
    [asOf, customerIds],
  );
  const credits = await sql.query<Record<string, unknown>>(
    `WITH ${ctes}
     SELECT cid, kind, id, ref, dated::text AS dated, amount::text AS amount, open::text AS open
       FROM credit_asof WHERE open > 0 ORDER BY cid, dated, ref`,
    [asOf, customerIds],
  );
  return {
    invoices: invoices.map((r) => ({
      id: Number(r.id),
      customerId: Number(r.cid),
      number: String(r.number),
      issueDate: r.issue as CalendarDate,
      dueDate: r.due as CalendarDate,
      status: String(r.status),
      amount: BigInt(String(r.amount)),
      open: BigInt(String(r.open)),
      disputed: Boolean(r.disputed),
      disputedAmount: BigInt(String(r.disputed_amount ?? "0")),
    })),
    credits: credits.map((r) => ({
      customerId: Number(r.cid),
      kind: r.kind as OpenCreditAsOf["kind"],
      id: Number(r.id),
      reference: String(r.ref),
      on: r.dated as CalendarDate,
      amount: BigInt(String(r.amount)),
      open: BigInt(String(r.open)),
    })),
  };
}
