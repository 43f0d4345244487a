// payments.csv: payments received, optionally matched (lettered) to one invoice. See docs/import-formats.md.
import { z } from "zod";
import type { Sql } from "../db/database.js";
import { minorDigits } from "../domain/money.js";
import { mapColumns, rowReader, type ColumnSpec } from "./columns.js";
import { loadCustomers } from "./customerLookup.js";
import { RowProblems } from "./fields.js";
import { counts, rejectDuplicateKeys, type Counts, type ImportContext, type Importer } from "./run.js";
import { StagingTable } from "./staging.js";

const COLUMNS = [
  { name: "reference", required: true, aliases: ["payment_reference", "payment_id", "reference_paiement", "ref"] },
  { name: "customer_id", required: true, aliases: ["external_id", "customer", "code_client", "compte_auxiliaire"] },
  { name: "payment_date", required: true, aliases: ["date", "date_paiement", "date_reglement", "value_date"] },
  { name: "amount", required: true, aliases: ["montant"] },
  { name: "currency", aliases: ["devise"] },
  { name: "method", aliases: ["payment_method", "mode_reglement", "mode_de_reglement"] },
  { name: "invoice_number", aliases: ["invoice", "numero_facture", "facture"] },
] as const satisfies ReadonlyArray<ColumnSpec>;

export const paymentsImporter: Importer = {
  kind: "payments",
  columns: COLUMNS,
  quoted: true,
  async run(context, source): Promise<Record<string, Counts>> {
    const { sql, settings, rejections } = context;
    const index = mapColumns(context.fileName, source.header, COLUMNS);
    const read = rowReader(COLUMNS, index);
    const customers = await loadCustomers(sql);
    const shape = z.object({
      reference: z.string().min(1, "reference is empty"),
      customer_id: z.string().min(1, "customer id is empty"),
      payment_date: z.string(),
      amount: z.string(),
      currency: z.string(),
      method: z.string(),
      invoice_number: z.string(),
    });
    const problems = new RowProblems();
    const digits = minorDigits(settings.currency);
    const staging = new StagingTable(sql, "stage_payment", {
      line: "int",
      reference: "text",
      customer_id: "int",
      payment_date: "date",
      amount: "bigint",
      currency: "text",
      method: "text",
      invoice_number: "text",
    });
    await staging.create();
    for await (const batch of source.batches) {
      for (const row of batch) {
        context.lineRead();
        if (!context.wellFormed(row)) continue;
        const { line, fields } = row;
        const raw = read(fields);
        problems.start(shape, raw);
        const paymentDate = problems.date("payment_date", raw.payment_date);
        const paid = problems.amount("amount", raw.amount, digits, { positive: true });
        const currency = problems.companyCurrency(raw.currency, settings.currency);
        if (problems.failed) {
          rejections.add(line, problems.reason);
          continue;
        }
        const r = {
          reference: raw.reference,
          customer_id: raw.customer_id,
          payment_date: paymentDate,
          amount: paid,
          currency,
          method: raw.method === "" ? null : raw.method,
          invoice_number: raw.invoice_number === "" ? null : raw.invoice_number,
        };
        const customer = customers.get(r.customer_id);
        if (customer === undefined) {
          rejections.add(line, `customer_id: ${r.customer_id} is not a known customer (import customers first)`);
          continue;
        }
        staging.push({ ...r, line, customer_id: customer.id, amount: r.amount.toString() });
      }
      await staging.sendIfFull();
    }
    await staging.flush();
    context.phase("read");
    await rejectDuplicateKeys(context, "stage_payment", "reference", (key) => `payment ${key}`);
    await rejectInconsistentRows(context);
    context.phase("checks");
    if (rejections.count > 0) return {};

    const [updated] = await sql.query<{ n: number }>(
      `WITH changed AS (
         UPDATE payment p SET ("paymentDate", amount, currency, method, "updatedAt") = (s.payment_date, s.amount, s.currency, s.method, now())
           FROM stage_payment s
          WHERE p.reference = s.reference
            AND (p."paymentDate", p.amount, p.currency, p.method) IS DISTINCT FROM (s.payment_date, s.amount, s.currency, s.method)
         RETURNING 1)
       SELECT count(*)::int AS n FROM changed`,
    );
    const [created] = await sql.query<{ n: number }>(
      `WITH added AS (
         INSERT INTO payment ("customerId", reference, "paymentDate", amount, "unallocatedAmount", currency, method, source)
         SELECT customer_id, reference, payment_date, amount, amount, currency, method, 'CSV'
           FROM stage_payment s WHERE NOT EXISTS (SELECT 1 FROM payment p WHERE p.reference = s.reference)
         RETURNING 1)
       SELECT count(*)::int AS n FROM added`,
    );
    const payments = counts(staging.rowCount, created?.n ?? 0, updated?.n ?? 0);
    const allocations = await allocate(sql);
    return { payments, allocations };
  },
};

async function rejectInconsistentRows(context: ImportContext): Promise<void> {
  const problems = await context.sql.query<{ line: number; reason: string }>(
    `SELECT s.line, 'reference: payment ' || s.reference || ' is already recorded for customer ' || c."externalId" AS reason
       FROM stage_payment s JOIN payment p ON p.reference = s.reference JOIN customer c ON c.id = p."customerId"
      WHERE p."customerId" <> s.customer_id
     UNION ALL
     SELECT s.line, 'invoice_number: ' || s.invoice_number ||
            CASE WHEN i.id IS NULL THEN ' is not a known invoice'
                 ELSE ' belongs to customer ' || c."externalId" || ', not to this payment''s customer' END
       FROM stage_payment s
       LEFT JOIN invoice i ON i.kind = 'INVOICE' AND i.number = s.invoice_number
       LEFT JOIN customer c ON c.id = i."customerId"
      WHERE s.invoice_number IS NOT NULL AND (i.id IS NULL OR i."customerId" <> s.customer_id)
     ORDER BY 1 LIMIT 1000`,
  );
  for (const p of problems) context.rejections.add(p.line, p.reason);
}

/**
 * Matches each payment that names an invoice to it, in payment-date order, never beyond what the invoice
 * still owes (the rest stays unallocated on the payment). Re-importing the same file changes nothing.
 */
async function allocate(sql: Sql): Promise<Counts> {
  await sql.exec(`
    CREATE TEMP TABLE alloc_plan ON COMMIT DROP AS
    WITH req AS (
      SELECT s.line, s.payment_date, p.id AS payment_id, i.id AS invoice_id, p.amount, i."openAmount" AS open,
             coalesce(a.amount, 0) AS old
        FROM stage_payment s
        JOIN payment p ON p.reference = s.reference
        JOIN invoice i ON i.kind = 'INVOICE' AND i.number = s.invoice_number
        LEFT JOIN allocation a ON a."invoiceId" = i.id AND a."paymentId" = p.id
    ), pooled AS (
      SELECT *, open + sum(old) OVER (PARTITION BY invoice_id) AS available,
             coalesce(sum(amount) OVER (PARTITION BY invoice_id ORDER BY payment_date, line
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
        FROM req
    )
    SELECT payment_id, invoice_id, payment_date, old, greatest(least(amount, available - before), 0) AS new FROM pooled;
    ANALYZE alloc_plan;`);
  const [result] = await sql.query<{ created: number; updated: number; staged: number }>(
    `WITH upserted AS (
       INSERT INTO allocation ("invoiceId", "paymentId", amount, "allocatedOn", source)
       SELECT invoice_id, payment_id, new, payment_date, 'CSV' FROM alloc_plan WHERE new > 0
       ON CONFLICT ("invoiceId", "paymentId") DO UPDATE SET amount = EXCLUDED.amount, "allocatedOn" = EXCLUDED."allocatedOn"
        WHERE (allocation.amount, allocation."allocatedOn") IS DISTINCT FROM (EXCLUDED.amount, EXCLUDED."allocatedOn")
       RETURNING (xmax = 0) AS inserted
     ), removed AS (
       DELETE FROM allocation a USING alloc_plan p
        WHERE a."invoiceId" = p.invoice_id AND a."paymentId" = p.payment_id AND p.new = 0
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM upserted WHERE inserted)::int AS created,
            ((SELECT count(*) FROM upserted WHERE NOT inserted) + (SELECT count(*) FROM removed))::int AS updated,
            (SELECT count(*) FROM alloc_plan)::int AS staged`,
  );
  await sql.exec(`
    UPDATE invoice i SET "openAmount" = i."openAmount" + d.delta,
                         status = CASE WHEN i.status IN ('LITIGATION', 'WRITTEN_OFF') AND i."openAmount" + d.delta > 0 THEN i.status
                                       WHEN i."openAmount" + d.delta > 0 THEN 'OPEN' ELSE 'CLOSED' END::"InvoiceStatus",
                         "updatedAt" = now()
      FROM (SELECT invoice_id, sum(old - new) AS delta FROM alloc_plan GROUP BY invoice_id HAVING sum(old - new) <> 0) d
     WHERE i.id = d.invoice_id;
    UPDATE payment p SET "unallocatedAmount" = p.amount - coalesce((SELECT sum(a.amount) FROM allocation a WHERE a."paymentId" = p.id), 0)
     WHERE p.reference IN (SELECT reference FROM stage_payment)
       AND p."unallocatedAmount" <> p.amount - coalesce((SELECT sum(a.amount) FROM allocation a WHERE a."paymentId" = p.id), 0);`);
  return counts(result?.staged ?? 0, result?.created ?? 0, result?.updated ?? 0);
}
