// The benchmark's reference: the digest's aged balance computed by one hand-written SQL query, written
// apart from the application's queries (src/db/asOfItems.ts, src/db/portfolioQueries.ts) so that each checks
// the other. It follows the same definition (docs/kpis.md): what was known at the end of the as-of day D in
// the company's time zone:
//   - invoices issued by D, with what was allocated after D added back (an allocation counts from the latest
//     of its own date, the payment's date or the credit note's issue date and the invoice's issue date);
//   - an amount settled outside the bot (open amount lower than the allocations explain) counts as settled
//     on the due date, or on the day it was recorded if earlier: added back when that day is after D;
//   - disputes opened by D (in the company's time zone) and not resolved by D; a dispute without an amount
//     pauses the whole invoice, otherwise only the amounts disputed (at most the open amount);
//   - credits: credit notes issued and payments received by D, what was unallocated on D.
// balance = buckets + disputed - credits.
import type { CalendarDate } from "../src/domain/calendarDate.js";

export interface ReferenceAging {
  buckets: bigint[];
  disputed: bigint;
  credits: bigint;
  balance: bigint;
}

/** Anything that runs a parameterised query and returns its rows (pg.Client through a wrapper, or src/db's Sql). */
export type RunQuery = (text: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

/** The query, for the bucket edges given (days past due, e.g. [30, 60, 90]). Parameters: $1 the date, $2 the time zone. */
export function referenceQuery(edges: readonly number[]): string {
  const undisputed = "(x.open - x.disputed)";
  const bucket = (from: number | null, to: number | null) =>
    `coalesce(sum(${undisputed}) FILTER (WHERE ${[from === null ? null : `x.days >= ${from}`, to === null ? null : `x.days <= ${to}`]
      .filter(Boolean)
      .join(" AND ")}), 0)::text`;
  const columns = [
    bucket(null, 0),
    ...edges.map((edge, i) => bucket(i === 0 ? 1 : (edges[i - 1] as number) + 1, edge)),
    bucket((edges.at(-1) ?? 0) + 1, null),
  ];
  return `
    WITH known_later AS (
      SELECT a."invoiceId", a."paymentId", a."creditNoteId", a.amount
        FROM allocation a
        JOIN invoice i ON i.id = a."invoiceId"
        LEFT JOIN payment p ON p.id = a."paymentId"
        LEFT JOIN invoice cn ON cn.id = a."creditNoteId"
       WHERE greatest(a."allocatedOn", i."issueDate", coalesce(p."paymentDate", cn."issueDate", a."allocatedOn")) > $1::date
    ),
    allocated AS (SELECT "invoiceId", sum(amount) AS total FROM allocation GROUP BY 1),
    disputes AS (
      SELECT "invoiceId", bool_or("amountDisputed" IS NULL) AS whole, coalesce(sum("amountDisputed"), 0) AS amount
        FROM dispute
       WHERE ("openedAt" AT TIME ZONE $2)::date <= $1::date
         AND (status = 'OPEN' OR ("resolvedAt" IS NOT NULL AND ("resolvedAt" AT TIME ZONE $2)::date > $1::date))
       GROUP BY 1
    ),
    invoices AS (
      SELECT $1::date - i."dueDate" AS days,
             i."openAmount" + coalesce(later.amount, 0)
               + CASE WHEN least(i."dueDate", (i."updatedAt" AT TIME ZONE $2)::date) > $1::date
                      THEN greatest(i.amount - i."openAmount" - coalesce(al.total, 0), 0) ELSE 0 END AS open,
             d.whole, d.amount AS disputed_amount
        FROM invoice i
        LEFT JOIN (SELECT "invoiceId", sum(amount) AS amount FROM known_later GROUP BY 1) later ON later."invoiceId" = i.id
        LEFT JOIN allocated al ON al."invoiceId" = i.id
        LEFT JOIN disputes d ON d."invoiceId" = i.id
       WHERE i.kind = 'INVOICE' AND i."issueDate" <= $1::date
    ),
    x AS (
      SELECT days, open,
             CASE WHEN whole IS NULL THEN 0 WHEN whole THEN open ELSE least(disputed_amount, open) END AS disputed
        FROM invoices WHERE open > 0
    ),
    credits AS (
      SELECT cn."openAmount" + coalesce(k.amount, 0) AS open
        FROM invoice cn
        LEFT JOIN (SELECT "creditNoteId", sum(amount) AS amount FROM known_later WHERE "creditNoteId" IS NOT NULL GROUP BY 1) k
          ON k."creditNoteId" = cn.id
       WHERE cn.kind = 'CREDIT_NOTE' AND cn."issueDate" <= $1::date
      UNION ALL
      SELECT p."unallocatedAmount" + coalesce(k.amount, 0)
        FROM payment p
        LEFT JOIN (SELECT "paymentId", sum(amount) AS amount FROM known_later WHERE "paymentId" IS NOT NULL GROUP BY 1) k ON k."paymentId" = p.id
       WHERE p."paymentDate" <= $1::date
    )
    SELECT ${columns.map((c, i) => `${c} AS b${i}`).join(",\n           ")},
           coalesce(sum(x.disputed), 0)::text AS disputed,
           (SELECT coalesce(sum(open) FILTER (WHERE open > 0), 0) FROM credits)::text AS credits
      FROM x`;
}

export async function referenceAging(
  run: RunQuery,
  asOf: CalendarDate,
  timeZone: string,
  edges: readonly number[],
): Promise<ReferenceAging> {
  const row = (await run(referenceQuery(edges), [asOf, timeZone]))[0] ?? {};
  const buckets = Array.from({ length: edges.length + 2 }, (_, i) => BigInt(String(row[`b${i}`] ?? "0")));
  const disputed = BigInt(String(row.disputed ?? "0"));
  const credits = BigInt(String(row.credits ?? "0"));
  return { buckets, disputed, credits, balance: buckets.reduce((a, b) => a + b, 0n) + disputed - credits };
}
