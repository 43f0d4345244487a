// A first look at what was loaded: counts and open receivables as of a date (the full aged balance and
// KPIs belong to the credit engine).
import type { CalendarDate } from "../domain/calendarDate.js";
import type { Database } from "./database.js";

export interface PortfolioSnapshot {
  asOf: CalendarDate;
  customersBySegment: Record<string, number>;
  openInvoices: number;
  openAmount: bigint;
  overdueAmount: bigint;
  openCreditNotes: bigint;
  unallocatedPayments: bigint;
  topOverdue: Array<{ externalId: string; name: string; overdue: bigint; oldestDue: string }>;
}

export async function portfolioSnapshot(db: Database, asOf: CalendarDate, top = 5): Promise<PortfolioSnapshot> {
  return db.withConnection(async (sql) => {
    const segments = await sql.query<{ segment: string; n: number }>(
      `SELECT segment::text, count(*)::int AS n FROM customer GROUP BY 1 ORDER BY 1`,
    );
    const [totals] = await sql.query<{
      open_invoices: number;
      open_amount: string;
      overdue: string;
      credit_notes: string;
      unallocated: string;
    }>(
      `SELECT count(*) FILTER (WHERE kind = 'INVOICE' AND "openAmount" > 0)::int AS open_invoices,
              coalesce(sum("openAmount") FILTER (WHERE kind = 'INVOICE'), 0)::text AS open_amount,
              coalesce(sum("openAmount") FILTER (WHERE kind = 'INVOICE' AND "dueDate" < $1::date), 0)::text AS overdue,
              coalesce(sum("openAmount") FILTER (WHERE kind = 'CREDIT_NOTE'), 0)::text AS credit_notes,
              (SELECT coalesce(sum("unallocatedAmount"), 0) FROM payment)::text AS unallocated
         FROM invoice`,
      [asOf],
    );
    const topRows = await sql.query<{ external_id: string; name: string; overdue: string; oldest: string }>(
      `SELECT c."externalId" AS external_id, c.name, sum(i."openAmount")::text AS overdue, min(i."dueDate")::text AS oldest
         FROM invoice i JOIN customer c ON c.id = i."customerId"
        WHERE i.kind = 'INVOICE' AND i."openAmount" > 0 AND i."dueDate" < $1::date
        GROUP BY c.id ORDER BY sum(i."openAmount") DESC, c."externalId" LIMIT $2`,
      [asOf, top],
    );
    return {
      asOf,
      customersBySegment: Object.fromEntries(segments.map((s) => [s.segment, s.n])),
      openInvoices: totals?.open_invoices ?? 0,
      openAmount: BigInt(totals?.open_amount ?? 0),
      overdueAmount: BigInt(totals?.overdue ?? 0),
      openCreditNotes: BigInt(totals?.credit_notes ?? 0),
      unallocatedPayments: BigInt(totals?.unallocated ?? 0),
      topOverdue: topRows.map((r) => ({ externalId: r.external_id, name: r.name, overdue: BigInt(r.overdue), oldestDue: r.oldest })),
    };
  });
}
