// The benchmark's reference: the digest's bucket totals by one hand-written SQL query (disputed apart).
import type { CalendarDate } from "../src/domain/calendarDate.js";

export interface ReferenceAging {
  buckets: bigint[];
  disputed: bigint;
  credits: bigint;
  balance: bigint;
}

export type RunQuery = (text: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

export function referenceQuery(): string {
  return `
    SELECT sum(i."openAmount") FILTER (WHERE d.id IS NULL AND $1::date - i."dueDate" <= 0) AS b0,
           sum(i."openAmount") FILTER (WHERE d.id IS NULL AND $1::date - i."dueDate" BETWEEN 1 AND 30) AS b1,
           sum(i."openAmount") FILTER (WHERE d.id IS NULL AND $1::date - i."dueDate" BETWEEN 31 AND 60) AS b2,
           sum(i."openAmount") FILTER (WHERE d.id IS NULL AND $1::date - i."dueDate" BETWEEN 61 AND 90) AS b3,
           sum(i."openAmount") FILTER (WHERE d.id IS NULL AND $1::date - i."dueDate" > 90) AS b4,
           sum(i."openAmount") FILTER (WHERE d.id IS NOT NULL) AS disputed
      FROM invoice i
      LEFT JOIN (SELECT DISTINCT "invoiceId" AS id FROM dispute WHERE status = 'OPEN') d ON d.id = i.id
     WHERE i.kind = 'INVOICE' AND i."openAmount" > 0 AND $2::text IS NOT NULL`;
}

export async function referenceAging(run: RunQuery, asOf: CalendarDate, timeZone: string, edges: readonly number[]): Promise<ReferenceAging> {
  const row = (await run(referenceQuery(), [asOf, timeZone]))[0] ?? {};
  const buckets = Array.from({ length: edges.length + 2 }, (_, i) => BigInt(String(row[`b${i}`] ?? "0")));
  const disputed = BigInt(String(row.disputed ?? "0"));
  return { buckets, disputed, credits: 0n, balance: buckets.reduce((a, b) => a + b, 0n) + disputed };
}
