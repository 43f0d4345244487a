import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { IMPORTERS, ImportRejectedError, runImport } from "../../src/import/index.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";

afterAll(dropTestSchemas);

const CUSTOMERS = csv(
  "external_id;name;segment;credit_limit;payment_terms;contact_name;contact_email",
  "C001;Boulangerie Martin;TPE;5 000,00;30 jours fin de mois;Anne Martin;anne@martin.example",
  "C002;Hôpital de Lyon;secteur public;;60 days from invoice date;;",
  "C003;Grands Magasins SA;grand compte;150 000;45 days end of month;Paul Durand;",
);

async function rejection(promise: Promise<unknown>): Promise<ImportRejectedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImportRejectedError) return error;
    throw error;
  }
  throw new Error("the import was expected to be rejected");
}

describe.each(targets)("CSV imports on $name", (target) => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase(target);
  });
  afterAll(async () => db?.close());

  it("imports customers with segments, limits, terms and a primary contact", async () => {
    const summary = await runImport(db, IMPORTERS.customers, writeTemp("customers.csv", "\uFEFF" + CUSTOMERS));
    expect(summary.counts.customers).toEqual({ created: 3, updated: 0, unchanged: 0 });
    expect(summary.counts.contacts).toEqual({ created: 2, updated: 0, unchanged: 0 });
    const hospital = await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "C002" } });
    expect(hospital).toMatchObject({ name: "Hôpital de Lyon", segment: "PUBLIC_SECTOR", creditLimit: null, currency: "EUR" });
    const bakery = await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "C001" }, include: { contacts: true } });
    expect(bakery.creditLimit).toBe(500000n);
    expect(bakery.contacts).toMatchObject([{ name: "Anne Martin", email: "anne@martin.example", isPrimary: true }]);
  });

  it("re-importing the same customers file changes nothing; a changed row is updated", async () => {
    const again = await runImport(db, IMPORTERS.customers, writeTemp("customers-again.csv", CUSTOMERS));
    expect(again.counts.customers).toEqual({ created: 0, updated: 0, unchanged: 3 });
    const changed = await runImport(
      db,
      IMPORTERS.customers,
      writeTemp(
        "customers-changed.csv",
        csv("external_id,name,credit_limit", "C001,Boulangerie Martin,7500", "C003,Grands Magasins SA,150000"),
      ),
    );
    expect(changed.counts.customers).toEqual({ created: 0, updated: 1, unchanged: 1 });
    const bakery = await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "C001" } });
    // Columns absent from the file are kept.
    expect(bakery).toMatchObject({ creditLimit: 750000n, segment: "VERY_SMALL_BUSINESS", paymentTerms: "30 jours fin de mois" });
  });

  it("a 10-row invoice file with 2 bad rows imports nothing and names both lines", async () => {
    const file = writeTemp(
      "invoices-bad.csv",
      csv(
        "customer_id;number;issue_date;due_date;amount",
        "C001;F-001;2026-01-05;;1200,00",
        "C001;F-002;2026-01-12;;350,50",
        "C002;F-003;2026-01-15;;9 800,00",
        "C002;F-004;31/02/2026;;100,00", // line 5: no 31 February
        "C003;F-005;2026-02-01;2026-03-15;45 000,00",
        "C003;F-006;2026-02-03;;12 000,00",
        "C009;F-007;2026-02-04;;500,00", // line 8: unknown customer
        "C001;F-008;2026-02-05;;80,00",
        "C002;F-009;2026-02-06;;1 000,00",
        "C003;F-010;2026-02-07;;3 000,00",
      ),
    );
    const error = await rejection(runImport(db, IMPORTERS.invoices, file));
    expect(error.rejectedCount).toBe(2);
    expect(error.rejections).toEqual([
      { line: 5, reason: 'issue_date: "31/02/2026" is not a date (write YYYY-MM-DD or DD/MM/YYYY)' },
      { line: 8, reason: "customer_id: C009 is not a known customer (import customers first)" },
    ]);
    expect(error.message).toContain("nothing was imported");
    expect(await db.prisma.invoice.count()).toBe(0);
    expect(await db.prisma.importRun.count({ where: { kind: "invoices" } })).toBe(0);
  });

  it("derives due dates from each customer's payment terms and reads credit notes", async () => {
    const file = writeTemp(
      "invoices.csv",
      csv(
        "customer_id,number,type,issue_date,due_date,amount,open_amount",
        "C001,F-001,invoice,2026-01-05,,1200.00,",
        "C002,F-003,invoice,15/01/2026,,9800.00,9800.00",
        "C003,F-005,invoice,2024-01-15,,45000.00,",
        "C003,AV-001,credit_note,2026-02-10,,500.00,",
        "C001,AV-002,,2026-02-11,,-80.00,",
      ),
    );
    const summary = await runImport(db, IMPORTERS.invoices, file);
    expect(summary.counts.invoices).toEqual({ created: 5, updated: 0, unchanged: 0 });
    const rows = await db.prisma.invoice.findMany({ orderBy: { number: "asc" } });
    const byNumber = Object.fromEntries(rows.map((r) => [r.number, r]));
    // 30 jours fin de mois, company reading "days then end of month": 5 Jan + 30 = 4 Feb -> 28 Feb
    expect(byNumber["F-001"]?.dueDate.toISOString().slice(0, 10)).toBe("2026-02-28");
    // 60 days from invoice date: 15 Jan + 60 = 16 March
    expect(byNumber["F-003"]?.dueDate.toISOString().slice(0, 10)).toBe("2026-03-16");
    // 45 days end of month in a leap year: 15 Jan 2024 + 45 = 29 Feb 2024 -> end of February
    expect(byNumber["F-005"]?.dueDate.toISOString().slice(0, 10)).toBe("2024-02-29");
    expect(byNumber["F-005"]?.dueDateDerived).toBe(true);
    expect(byNumber["AV-002"]).toMatchObject({ kind: "CREDIT_NOTE", amount: 8000n, openAmount: 8000n });
  });

  it("payments settle the invoice they name, never beyond what it owes, and re-import is a no-op", async () => {
    const file = writeTemp(
      "payments.csv",
      csv(
        "reference;customer_id;payment_date;amount;method;invoice_number",
        "VIR-1;C001;2026-02-20;1000,00;transfer;F-001",
        "VIR-2;C001;2026-02-25;500,00;transfer;F-001",
        "CHQ-9;C002;2026-03-01;250,00;cheque;",
      ),
    );
    const first = await runImport(db, IMPORTERS.payments, file);
    expect(first.counts.payments).toEqual({ created: 3, updated: 0, unchanged: 0 });
    expect(first.counts.allocations).toEqual({ created: 2, updated: 0, unchanged: 0 });
    const invoice = await db.prisma.invoice.findFirstOrThrow({ where: { number: "F-001" } });
    expect(invoice).toMatchObject({ openAmount: 0n, status: "CLOSED" });
    const second = await db.prisma.payment.findUniqueOrThrow({ where: { reference: "VIR-2" } });
    expect(second.unallocatedAmount).toBe(30000n);
    const again = await runImport(db, IMPORTERS.payments, file);
    expect(again.counts.payments).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(again.counts.allocations).toEqual({ created: 0, updated: 0, unchanged: 2 });
    expect(await db.prisma.allocation.count()).toBe(2);
    expect((await db.prisma.invoice.findFirstOrThrow({ where: { number: "F-001" } })).openAmount).toBe(0n);
  });

  it("re-importing invoices without open_amount keeps what payments settled", async () => {
    const summary = await runImport(
      db,
      IMPORTERS.invoices,
      writeTemp("invoices-again.csv", csv("customer_id,number,issue_date,amount", "C001,F-001,2026-01-05,1200.00")),
    );
    expect(summary.counts.invoices).toEqual({ created: 0, updated: 0, unchanged: 1 });
    expect((await db.prisma.invoice.findFirstOrThrow({ where: { number: "F-001" } })).openAmount).toBe(0n);
  });

  it("rejects a payment naming another customer's invoice and a duplicated reference", async () => {
    const error = await rejection(
      runImport(
        db,
        IMPORTERS.payments,
        writeTemp(
          "payments-bad.csv",
          csv(
            "reference,customer_id,payment_date,amount,invoice_number",
            "P-1,C001,2026-03-01,10,F-003",
            "P-2,C001,2026-03-01,10,",
            "P-2,C001,2026-03-02,10,",
          ),
        ),
      ),
    );
    expect(error.rejections).toEqual([
      { line: 2, reason: "invoice_number: F-003 belongs to customer C002, not to this payment's customer" },
      { line: 3, reason: "payment P-2 appears more than once in the file (also line 4)" },
      { line: 4, reason: "payment P-2 appears more than once in the file (also line 3)" },
    ]);
  });

  it("names missing columns before reading any row", async () => {
    await expect(
      runImport(db, IMPORTERS.invoices, writeTemp("no-amount.csv", csv("customer_id;number;issue_date", "C001;X;2026-01-01"))),
    ).rejects.toThrow("no-amount.csv, line 1: missing column amount.");
  });
});
