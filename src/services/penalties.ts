// Late-payment penalties per invoice over its whole late life, as of a date (docs/legal.md, "Penalties"):
// invoices paid late and invoices still open past their due date, each payment closing its share. The
// arithmetic is src/domain/latePenalties.ts; this reads what was known at the end of the as-of date.
import type { Database } from "../db/database.js";
import { loadSettings, type CompanySettings } from "../db/settings.js";
import { calendarDateAt, calendarDateFromDb, calendarDateToDb, daysBetween, type CalendarDate } from "../domain/calendarDate.js";
import { lateLife, MissingReferenceRateError, type LateLife, type Settlement } from "../domain/latePenalties.js";
import type { LegalRegime } from "../domain/legal.js";
import type { Policy } from "../domain/policy.js";
import { AppError } from "../errors.js";

export interface InvoicePenalty extends LateLife {
  customerId: number;
  externalId: string;
  customerName: string;
  number: string;
  issueDate: CalendarDate;
  dueDate: CalendarDate;
  amount: bigint;
  regime: LegalRegime;
  /** Open on the as-of date but under an open dispute: no interest claimed on it. */
  disputed: bigint;
}

export async function penaltiesAsOf(
  db: Database,
  policy: Policy,
  asOf: CalendarDate,
  customerIds?: number[],
): Promise<{ settings: CompanySettings; invoices: InvoicePenalty[] }> {
  const settings = await db.withConnection(loadSettings);
  const invoices = await db.prisma.invoice.findMany({
    where: {
      kind: "INVOICE",
      issueDate: { lte: calendarDateToDb(asOf) },
      dueDate: { lt: calendarDateToDb(asOf) },
      ...(customerIds ? { customerId: { in: customerIds } } : {}),
    },
    include: {
      customer: { select: { externalId: true, name: true, segment: true } },
      allocations: { include: { payment: { select: { paymentDate: true } }, creditNote: { select: { issueDate: true } } } },
      disputes: { select: { amountDisputed: true, status: true, openedAt: true, resolvedAt: true } },
    },
    orderBy: [{ customerId: "asc" }, { dueDate: "asc" }, { number: "asc" }],
  });
  const contract =
    settings.penaltyRatePercent === null
      ? null
      : { ratePercent: settings.penaltyRatePercent, legalInterestRates: policy.legal.legalInterestRates };
  const known = (instant: Date) => daysBetween(calendarDateAt(instant, settings.timeZone), asOf) >= 0;
  const rows: InvoicePenalty[] = [];
  for (const invoice of invoices) {
    const dueDate = calendarDateFromDb(invoice.dueDate);
    const settlements: Settlement[] = invoice.allocations.map((a) => {
      // A payment closes its share on the day the money came; a credit note's share was never owed. An
      // allocation recorded after the as-of date was not known then: dated after it, it is left out.
      const allocatedOn = calendarDateFromDb(a.allocatedOn);
      const dated = a.payment ? calendarDateFromDb(a.payment.paymentDate) : dueDate;
      const knownOn = a.payment ? (allocatedOn > dated ? allocatedOn : dated) : a.creditNote ? calendarDateFromDb(a.creditNote.issueDate) : allocatedOn;
      const on = daysBetween(knownOn, asOf) >= 0 ? dated : knownOn;
      return { on, amount: a.amount, kind: a.payment ? "payment" : "credit" };
    });
    // An amount settled outside the bot (the ERP's open amount lower than the allocations explain) is taken
    // as settled on the due date: no interest is claimed on money the bot cannot date.
    const outside = invoice.amount - invoice.openAmount - invoice.allocations.reduce((s, a) => s + a.amount, 0n);
    if (outside > 0n) settlements.push({ on: dueDate, amount: outside, kind: "credit" });
    const openDisputes = invoice.disputes.filter(
      (d) => known(d.openedAt) && (d.status === "OPEN" || (d.resolvedAt !== null && !known(d.resolvedAt))),
    );
    const disputedAsked = openDisputes.reduce((s, d) => s + (d.amountDisputed ?? invoice.amount), 0n);
    const regime = policy.segments[invoice.customer.segment].regime;
    let life: LateLife;
    try {
      life = lateLife({
        amount: invoice.amount,
        dueDate,
        settlements,
        asOf,
        excluded: disputedAsked,
        rates: policy.legal.referenceRates,
        regime,
        contract,
      });
    } catch (error) {
      if (error instanceof MissingReferenceRateError) throw new AppError("config.policy", error.message);
      throw error;
    }
    if (life.daysLate === 0) continue;
    rows.push({
      ...life,
      customerId: invoice.customerId,
      externalId: invoice.customer.externalId,
      customerName: invoice.customer.name,
      number: invoice.number,
      issueDate: calendarDateFromDb(invoice.issueDate),
      dueDate,
      amount: invoice.amount,
      regime,
      disputed: disputedAsked < life.open ? disputedAsked : life.open,
    });
  }
  return { settings, invoices: rows };
}

/** "2025-H1 13.15%; 2025-H2 12.15% (contract)": the rate of each half-year of the delay. */
export function describeRates(periods: LateLife["periods"]): string {
  return periods
    .map((p) => `${p.from.slice(0, 4)}-H${Number(p.from.slice(5, 7)) <= 6 ? 1 : 2} ${p.ratePercent}%${p.basis === "contract" ? " (contract)" : ""}`)
    .join("; ");
}
