// The digest's aged balance on a few invoices, each one a case where a naive query and the as-of definition
// (docs/kpis.md) part ways: a dispute opened after the date (and one opened just before midnight in the
// company's time zone, after midnight UTC), a partly disputed invoice, a dispute resolved after the date, an
// amount settled outside the bot after the date, a payment allocated after the date, credits (one issued
// after the date), an invoice issued after the date. `ccbot digest --format json` must give the figures
// worked out by hand below, and so must the benchmark's hand-written reference query (bench/digestReference.ts),
// since `npm run bench` compares the digest with it.
import { afterAll, describe, expect, it } from "vitest";
import { referenceAging } from "../../bench/digestReference.js";
import type { Database } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { loadSettings } from "../../src/db/settings.js";
import { calendarDate } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { ccbot, heldCliTargets, heldDatabase } from "../helpers/cli.js";
import { dropTestSchemas } from "../helpers/databases.js";

afterAll(dropTestSchemas);

const ASOF = calendarDate("2026-11-20");
const day = (d: string) => new Date(`${d}T00:00:00Z`);

async function seed(db: Database) {
  const customer = await db.prisma.customer.create({ data: { externalId: "K1", name: "Café du Port", currency: "EUR" } });
  const invoice = (number: string, issue: string, due: string, amount: bigint, openAmount = amount, updatedAt = `${issue}T08:00:00Z`) =>
    db.prisma.invoice.create({
      data: {
        customerId: customer.id,
        number,
        issueDate: day(issue),
        dueDate: day(due),
        amount,
        openAmount,
        currency: "EUR",
        source: "CSV",
        createdAt: new Date(`${issue}T08:00:00Z`),
        updatedAt: new Date(updatedAt),
      },
    });
  const dispute = (invoiceId: number, openedAt: string, extra: { amountDisputed?: bigint; resolvedAt?: string } = {}) =>
    db.prisma.dispute.create({
      data: {
        invoiceId,
        customerId: customer.id,
        category: "PRICE",
        reason: "price",
        openedAt: new Date(openedAt),
        ...(extra.amountDisputed !== undefined ? { amountDisputed: extra.amountDisputed } : {}),
        ...(extra.resolvedAt ? { status: "RESOLVED" as const, resolvedAt: new Date(extra.resolvedAt), resolution: "credited" } : {}),
      },
    });
  // F1, 20 days late: disputed whole from 2026-11-19 23:30 UTC, already the 20th in Paris: disputed.
  const f1 = await invoice("F1", "2026-10-01", "2026-10-31", 100_000n);
  await dispute(f1.id, "2026-11-19T23:30:00Z");
  // F2, 50 days late: disputed from 2026-11-20 23:30 UTC, the 21st in Paris: not yet disputed on the 20th.
  const f2 = await invoice("F2", "2026-09-01", "2026-10-01", 200_000n);
  await dispute(f2.id, "2026-11-20T23:30:00Z");
  // F3, 97 days late: 500.00 of it disputed; the rest ages.
  const f3 = await invoice("F3", "2026-08-01", "2026-08-15", 300_000n);
  await dispute(f3.id, "2026-11-02T10:00:00Z", { amountDisputed: 50_000n });
  // F4, not due: 3 000.00 settled outside the bot, recorded on 2026-11-25: all 4 000.00 open on the 20th.
  await invoice("F4", "2026-11-01", "2026-12-01", 400_000n, 100_000n, "2026-11-25T09:00:00Z");
  // F5, 11 days late: 2 000.00 paid on 2026-11-24 and allocated then: all 5 000.00 open on the 20th.
  const f5 = await invoice("F5", "2026-10-10", "2026-11-09", 500_000n, 300_000n, "2026-11-24T09:00:00Z");
  const paid = await db.prisma.payment.create({
    data: {
      customerId: customer.id,
      reference: "VIR-1",
      paymentDate: day("2026-11-24"),
      amount: 200_000n,
      unallocatedAmount: 0n,
      currency: "EUR",
      source: "CSV",
    },
  });
  await db.prisma.allocation.create({
    data: { invoiceId: f5.id, paymentId: paid.id, amount: 200_000n, allocatedOn: day("2026-11-24"), source: "CSV" },
  });
  // F8, 36 days late: disputed from 2026-11-01, resolved on 2026-11-23: still disputed on the 20th.
  const f8 = await invoice("F8", "2026-09-15", "2026-10-15", 80_000n);
  await dispute(f8.id, "2026-11-01T10:00:00Z", { resolvedAt: "2026-11-23T10:00:00Z" });
  // F6, issued after the date: not there yet.
  await invoice("F6", "2026-11-22", "2026-12-22", 900_000n);
  // Credits: a credit note of 300.00 and 200.00 paid unallocated, on file on the 20th; a credit note issued on the 25th.
  await db.prisma.invoice.create({
    data: {
      customerId: customer.id,
      kind: "CREDIT_NOTE",
      number: "AV1",
      issueDate: day("2026-11-05"),
      dueDate: day("2026-11-05"),
      amount: 30_000n,
      openAmount: 30_000n,
      currency: "EUR",
      source: "CSV",
    },
  });
  await db.prisma.invoice.create({
    data: {
      customerId: customer.id,
      kind: "CREDIT_NOTE",
      number: "AV2",
      issueDate: day("2026-11-25"),
      dueDate: day("2026-11-25"),
      amount: 70_000n,
      openAmount: 70_000n,
      currency: "EUR",
      source: "CSV",
    },
  });
  await db.prisma.payment.create({
    data: {
      customerId: customer.id,
      reference: "VIR-2",
      paymentDate: day("2026-11-18"),
      amount: 20_000n,
      unallocatedAmount: 20_000n,
      currency: "EUR",
      source: "CSV",
    },
  });
}

// Worked out by hand: not due F4 4 000.00; 1-30 F5 5 000.00 (F1 disputed); 31-60 F2 2 000.00 (F8 disputed);
// over 90 F3 2 500.00; disputed F1 1 000.00 + F3 500.00 + F8 800.00; credits 300.00 + 200.00.
const expected = {
  buckets: { "not due": "4000.00", "1-30": "5000.00", "31-60": "2000.00", "61-90": "0.00", "over 90": "2500.00" },
  disputed: "2300.00",
  credits: "500.00",
  balance: "15300.00",
};
const cents = (decimal: string) => BigInt(decimal.replace(".", ""));

describe.each(heldCliTargets)("the digest's aged balance on a few invoices, on $name", (target) => {
  it("ccbot digest --format json and the benchmark's reference query give the figures worked out by hand", async () => {
    const url = await target.url();
    const db = await heldDatabase(url);
    try {
      await migrate(db);
      await seed(db);
    } finally {
      await db.close();
    }
    const result = await ccbot(url, "digest", "--as-of", ASOF, "--format", "json");
    expect(result.stderr).toBe("");
    const digest = JSON.parse(result.stdout) as {
      aging: { buckets: Record<string, string>; disputed: string; credits: string; balance: string };
    };
    expect(Object.values(digest.aging.buckets)).toEqual(Object.values(expected.buckets));
    expect(digest.aging).toMatchObject({ disputed: expected.disputed, credits: expected.credits, balance: expected.balance });

    const again = await heldDatabase(url);
    try {
      const { timeZone } = await again.withConnection(loadSettings);
      const reference = await again.withConnection((sql) =>
        referenceAging((text, params) => sql.query(text, params), ASOF, timeZone, defaultPolicy.agingBuckets),
      );
      expect(reference).toEqual({
        buckets: Object.values(expected.buckets).map(cents),
        disputed: cents(expected.disputed),
        credits: cents(expected.credits),
        balance: cents(expected.balance),
      });
    } finally {
      await again.close();
    }
  });
});
