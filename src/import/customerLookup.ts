// The customers an import may refer to, loaded once: external id -> id and payment terms.
import type { Sql } from "../db/database.js";
import type { CalendarDate } from "../domain/calendarDate.js";
import { dueDateFor, parsePaymentTerms, type EndOfMonthRule, type PaymentTerms } from "../domain/paymentTerms.js";

export interface KnownCustomer {
  id: number;
  paymentTerms: string | null;
}

export async function loadCustomers(sql: Sql): Promise<Map<string, KnownCustomer>> {
  const rows = await sql.query<{ id: number; external_id: string; terms: string | null }>(
    `SELECT id, "externalId" AS external_id, "paymentTerms" AS terms FROM customer`,
  );
  return new Map(rows.map((r) => [r.external_id, { id: r.id, paymentTerms: r.terms }]));
}

/** Due dates from payment terms, each distinct terms text parsed once. */
export class DueDates {
  private readonly cache = new Map<string, PaymentTerms | string>();
  /** Invoices share few distinct (terms, date) pairs: each due date is computed once. */
  private readonly dates = new Map<string, Map<string, { date: CalendarDate } | { reason: string }>>();

  constructor(
    private readonly defaultTerms: string,
    private readonly rule: EndOfMonthRule,
  ) {}

  /** The due date, or the reason the terms cannot be applied. */
  compute(issueDate: CalendarDate, customerTerms: string | null): { date: CalendarDate } | { reason: string } {
    const text = customerTerms ?? this.defaultTerms;
    let byDate = this.dates.get(text);
    if (byDate === undefined) {
      byDate = new Map();
      this.dates.set(text, byDate);
    }
    let result = byDate.get(issueDate);
    if (result === undefined) {
      result = this.computeOnce(issueDate, text);
      byDate.set(issueDate, result);
    }
    return result;
  }

  private computeOnce(issueDate: CalendarDate, text: string): { date: CalendarDate } | { reason: string } {
    let terms = this.cache.get(text);
    if (terms === undefined) {
      const parsed = parsePaymentTerms(text);
      terms = parsed.ok ? parsed.terms : parsed.reason;
      this.cache.set(text, terms);
    }
    if (typeof terms === "string") return { reason: `no due date given and ${terms}` };
    return { date: dueDateFor(issueDate, terms, this.rule) };
  }
}
