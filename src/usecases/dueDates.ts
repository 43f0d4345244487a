// Changing how payment terms read ("end-of-month", the default terms) changes the due dates the bot
// derived from them: they are recomputed in the same transaction as the setting. Due dates the source
// file gave (invoice.dueDateDerived = false) are never touched.
import type { Sql } from "../db/database.js";
import type { CalendarDate } from "../domain/calendarDate.js";
import type { EndOfMonthRule } from "../domain/paymentTerms.js";
import { DueDates } from "../import/customerLookup.js";

export interface DueDateRecount {
  /** Invoices whose due date the bot derived from payment terms. */
  derived: number;
  /** Of those, how many got a different due date. */
  changed: number;
  /** Terms that cannot be read (the invoices keep their due date), with how many invoices use them. */
  unreadable: Array<{ terms: string; invoices: number; reason: string }>;
}

/**
 * Recomputes every derived due date under the given reading of the terms, inside the caller's
 * transaction. Works on the distinct (issue date, terms) pairs, so a large ledger is one UPDATE.
 */
export async function recomputeDerivedDueDates(
  sql: Sql,
  settings: { defaultPaymentTerms: string; endOfMonthRule: EndOfMonthRule },
): Promise<DueDateRecount> {
  const pairs = await sql.query<{ issue: string; terms: string; n: number }>(
    `SELECT i."issueDate"::text AS issue, coalesce(c."paymentTerms", $1) AS terms, count(*)::int AS n
       FROM invoice i JOIN customer c ON c.id = i."customerId"
      WHERE i."dueDateDerived"
      GROUP BY 1, 2`,
    [settings.defaultPaymentTerms],
  );
  const dueDates = new DueDates(settings.defaultPaymentTerms, settings.endOfMonthRule);
  const issues: string[] = [];
  const terms: string[] = [];
  const dues: string[] = [];
  const unreadable = new Map<string, { terms: string; invoices: number; reason: string }>();
  let derived = 0;
  for (const p of pairs) {
    derived += p.n;
    const computed = dueDates.compute(p.issue as CalendarDate, p.terms);
    if ("reason" in computed) {
      const entry = unreadable.get(p.terms) ?? { terms: p.terms, invoices: 0, reason: computed.reason };
      entry.invoices += p.n;
      unreadable.set(p.terms, entry);
      continue;
    }
    issues.push(p.issue);
    terms.push(p.terms);
    dues.push(computed.date);
  }
  let changed = 0;
  if (issues.length > 0) {
    const [row] = await sql.query<{ n: number }>(
      `WITH computed AS (SELECT * FROM unnest($1::date[], $2::text[], $3::date[]) AS t(issue, terms, due)),
       changed AS (
         -- "updatedAt" stays: it dates what the source file said (src/db/asOfItems.ts), not this reading.
         UPDATE invoice i SET "dueDate" = t.due
           FROM customer c, computed t
          WHERE c.id = i."customerId" AND i."dueDateDerived"
            AND i."issueDate" = t.issue AND coalesce(c."paymentTerms", $4) = t.terms AND i."dueDate" <> t.due
         RETURNING 1)
       SELECT count(*)::int AS n FROM changed`,
      [issues, terms, dues, settings.defaultPaymentTerms],
    );
    changed = row?.n ?? 0;
  }
  return { derived, changed, unreadable: [...unreadable.values()] };
}
