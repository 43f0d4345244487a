// invoices.csv: invoices and credit notes. See docs/import-formats.md.
import { z } from "zod";
import { formatMinor, minorDigits } from "../domain/money.js";
import { mapColumns, rowReader, type ColumnSpec } from "./columns.js";
import { loadCustomers, DueDates } from "./customerLookup.js";
import { RowProblems } from "./fields.js";
import { counts, rejectDuplicateKeys, type Counts, type ImportContext, type Importer } from "./run.js";
import { StagingTable } from "./staging.js";

const COLUMNS = [
  { name: "customer_id", required: true, aliases: ["external_id", "customer", "code_client", "compte_auxiliaire"] },
  { name: "number", required: true, aliases: ["invoice_number", "numero", "numero_facture", "piece", "document"] },
  { name: "type", aliases: ["kind", "document_type", "type_piece"] },
  { name: "issue_date", required: true, aliases: ["invoice_date", "date", "date_facture", "date_emission"] },
  { name: "due_date", aliases: ["date_echeance", "echeance"] },
  { name: "amount", required: true, aliases: ["amount_incl_tax", "total", "montant", "montant_ttc"] },
  { name: "open_amount", aliases: ["balance", "remaining", "reste_du", "solde", "montant_restant"] },
  { name: "currency", aliases: ["devise"] },
] as const satisfies ReadonlyArray<ColumnSpec>;

const TYPES: Record<string, "INVOICE" | "CREDIT_NOTE"> = {
  "": "INVOICE",
  invoice: "INVOICE",
  facture: "INVOICE",
  credit_note: "CREDIT_NOTE",
  "credit note": "CREDIT_NOTE",
  credit: "CREDIT_NOTE",
  avoir: "CREDIT_NOTE",
};

export const invoicesImporter: Importer = {
  kind: "invoices",
  columns: COLUMNS,
  quoted: true,
  async run(context, source): Promise<Record<string, Counts>> {
    const { sql, settings, rejections } = context;
    const index = mapColumns(context.fileName, source.header, COLUMNS);
    const read = rowReader(COLUMNS, index);
    const digits = minorDigits(settings.currency);
    const customers = await loadCustomers(sql);
    const dueDates = new DueDates(settings.defaultPaymentTerms, settings.endOfMonthRule);
    const shape = z.object({
      customer_id: z.string().min(1, "customer id is empty"),
      number: z.string().min(1, "number is empty"),
      type: z.string(),
      issue_date: z.string(),
      due_date: z.string(),
      amount: z.string(),
      open_amount: z.string(),
      currency: z.string(),
    });
    const problems = new RowProblems();

    const staging = new StagingTable(sql, "stage_invoice", {
      line: "int",
      customer_id: "int",
      kind: "text",
      number: "text",
      issue_date: "date",
      due_date: "date",
      due_derived: "bool",
      amount: "bigint",
      open_amount: "bigint",
    });
    await staging.create();
    for await (const batch of source.batches) {
      for (const row of batch) {
        context.lineRead();
        if (!context.wellFormed(row)) continue;
        const { line, fields } = row;
        const raw = read(fields);
        // zod checks the shape only of a row it would refuse (an empty customer id or number).
        problems.start(raw.customer_id === "" || raw.number === "" ? shape : null, raw);
        let kind = TYPES[raw.type === "" ? "" : raw.type.toLowerCase()];
        if (kind === undefined) problems.add("type", `"${raw.type}" is not invoice or credit_note`);
        const issueDate = problems.date("issue_date", raw.issue_date);
        const givenDue = problems.optionalDate("due_date", raw.due_date);
        let total = problems.amount("amount", raw.amount, digits);
        let open = problems.optionalAmount("open_amount", raw.open_amount, digits);
        if (raw.currency !== "") problems.companyCurrency(raw.currency, settings.currency);
        // A negative invoice is a credit note, as many ERPs export them.
        if (total < 0n) {
          kind = kind === "CREDIT_NOTE" ? "INVOICE" : "CREDIT_NOTE";
          total = -total;
          open = open === null ? null : -open;
        }
        if (total === 0n && !problems.failed) problems.add("amount", "is zero");
        if (open !== null && (open < 0n || open > total)) problems.add("open_amount", `must be between 0 and the amount (${raw.amount})`);
        if (givenDue !== null && givenDue < issueDate) problems.add("due_date", `${givenDue} is before the issue date ${issueDate}`);
        if (problems.failed) {
          rejections.add(line, problems.reason);
          continue;
        }
        const customer = customers.get(raw.customer_id);
        if (customer === undefined) {
          rejections.add(line, `customer_id: ${raw.customer_id} is not a known customer (import customers first)`);
          continue;
        }
        let dueDate = givenDue;
        if (dueDate === null) {
          const computed = dueDates.compute(issueDate, customer.paymentTerms);
          if ("reason" in computed) {
            rejections.add(line, `due_date: ${computed.reason}`);
            continue;
          }
          dueDate = computed.date;
        }
        staging.push({
          line,
          customer_id: customer.id,
          kind: kind ?? "INVOICE",
          number: raw.number,
          issue_date: issueDate,
          due_date: dueDate,
          due_derived: givenDue === null,
          amount: total,
          open_amount: open,
        });
      }
      await staging.sendIfFull();
    }
    await staging.flush();
    context.phase("read");
    await rejectDuplicateKeys(
      context,
      "stage_invoice",
      "kind || ' ' || number",
      (key) => key.replace("INVOICE ", "invoice ").replace("CREDIT_NOTE ", "credit note "),
      "kind, number",
    );
    // A first import, or a file of new documents only, meets none of the invoices already stored: then the
    // checks against them, the allocation trim and the update are skipped (each would join the whole file).
    const [overlap] = await sql.query<{ any: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM stage_invoice s JOIN invoice i ON i.kind::text = s.kind AND i.number = s.number) AS any`,
    );
    const known = overlap?.any === true;
    const moved = !known ? [] : await sql.query<{ line: number; number: string; owner: string }>(
      `SELECT s.line, s.number, c."externalId" AS owner
         FROM stage_invoice s
         JOIN invoice i ON i.kind::text = s.kind AND i.number = s.number
         JOIN customer c ON c.id = i."customerId"
        WHERE i."customerId" <> s.customer_id
        LIMIT 1000`,
    );
    for (const m of moved) rejections.add(m.line, `number: ${m.number} already exists for customer ${m.owner}`);
    context.phase("checks");
    if (rejections.count > 0) return {};

    const { allocations, updated } = known ? await mergeIntoStored(context, digits, settings.currency) : { allocations: 0, updated: 0 };
    const insert = `INSERT INTO invoice ("customerId", kind, number, "issueDate", "dueDate", "dueDateDerived", amount, "openAmount",
                                    currency, status, source)
         SELECT customer_id, kind::"DocumentKind", number, issue_date, due_date, due_derived, amount,
                coalesce(open_amount, amount), $1::text,
                CASE WHEN coalesce(open_amount, amount) > 0 THEN 'OPEN' ELSE 'CLOSED' END::"InvoiceStatus", 'CSV'
           FROM stage_invoice s`;
    let created: number;
    if (known) {
      const [added] = await sql.query<{ n: number }>(
        `WITH added AS (${insert} WHERE NOT EXISTS (SELECT 1 FROM invoice i WHERE i.kind::text = s.kind AND i.number = s.number) RETURNING 1)
         SELECT count(*)::int AS n FROM added`,
        [settings.currency],
      );
      created = added?.n ?? 0;
    } else {
      // None of the file's documents is stored and its keys are unique (checked above, under the import lock):
      // every staged row is inserted, or the unique index fails the whole import. No RETURNING to count.
      await sql.query(insert, [settings.currency]);
      created = staging.rowCount;
    }
    const invoices = counts(staging.rowCount, created, updated);
    return allocations > 0 ? { invoices, allocations: counts(allocations, 0, allocations) } : { invoices };
  },
};

/**
 * What a file meeting stored invoices needs before its new documents are inserted: documents lowered below
 * their allocations are trimmed, then the stored documents the file changes are updated. Returns the number
 * of allocations changed and of documents updated.
 */
async function mergeIntoStored(context: ImportContext, digits: number, currency: string): Promise<{ allocations: number; updated: number }> {
  const allocations = await trimAllocationsAboveAmounts(context, digits);
  // Without open_amount, a re-import keeps what payments already settled: open = amount - settled.
  const [updated] = await context.sql.query<{ n: number }>(
    `WITH changed AS (
       UPDATE invoice i
          SET ("issueDate", "dueDate", "dueDateDerived", amount, "openAmount", currency, status, "updatedAt") =
              (n.issue_date, n.due_date, n.due_derived, n.amount, n.open_amount, n.currency, n.status, now())
         FROM (SELECT cur.id, s.issue_date, s.due_date, s.due_derived, s.amount, $1::text AS currency, o.open_amount,
                      (CASE WHEN cur.status IN ('LITIGATION', 'WRITTEN_OFF') AND o.open_amount > 0 THEN cur.status::text
                            WHEN o.open_amount > 0 THEN 'OPEN' ELSE 'CLOSED' END)::"InvoiceStatus" AS status
                 FROM stage_invoice s
                 JOIN invoice cur ON cur.kind::text = s.kind AND cur.number = s.number
                 CROSS JOIN LATERAL (SELECT coalesce(s.open_amount,
                                       greatest(s.amount - (cur.amount - cur."openAmount"), 0)) AS open_amount) o) n
        WHERE i.id = n.id
          AND (i."issueDate", i."dueDate", i."dueDateDerived", i.amount, i."openAmount", i.currency, i.status)
              IS DISTINCT FROM (n.issue_date, n.due_date, n.due_derived, n.amount, n.open_amount, n.currency, n.status)
       RETURNING 1)
     SELECT count(*)::int AS n FROM changed`,
    [currency],
  );
  return { allocations, updated: updated?.n ?? 0 };
}

/** At most this many lowered documents are described one by one in the summary's notes. */
const MAX_TRIM_NOTES = 20;

/**
 * A document lowered below what is already allocated to it keeps only what its new amount can hold: its
 * latest allocations are reduced first, and what they lose goes back to where it came from (a payment's
 * unallocated amount, the customer's credit; or a credit note's open amount). The payments importer applies
 * the same rule ("never beyond what the invoice owes"), so re-importing the payments file changes nothing.
 * Symmetrically, a credit note lowered below what it settles gives the difference back to the invoices.
 * Returns the number of allocations changed.
 */
async function trimAllocationsAboveAmounts(context: ImportContext, digits: number): Promise<number> {
  const { sql } = context;
  await sql.exec(`
    CREATE TEMP TABLE alloc_trim ON COMMIT DROP AS
    WITH lowered AS (
      SELECT s.line, s.kind, s.number, s.amount AS cap, d.id AS doc_id
        FROM stage_invoice s JOIN invoice d ON d.kind::text = s.kind AND d.number = s.number
       WHERE s.amount < d.amount
    ), held AS (
      SELECT l.line, l.kind, l.number, l.cap, a.id, a."paymentId", a."creditNoteId", a."invoiceId", a.amount,
             sum(a.amount) OVER (PARTITION BY l.doc_id ORDER BY a."allocatedOn", a.id) AS running,
             sum(a.amount) OVER (PARTITION BY l.doc_id) AS total
        FROM lowered l
        JOIN allocation a ON (l.kind = 'INVOICE' AND a."invoiceId" = l.doc_id) OR (l.kind = 'CREDIT_NOTE' AND a."creditNoteId" = l.doc_id)
    )
    SELECT line, kind, number, cap, total, id, "paymentId" AS payment_id, "creditNoteId" AS credit_note_id, "invoiceId" AS invoice_id,
           amount, greatest(least(amount, cap - (running - amount)), 0) AS keep
      FROM held WHERE running > cap;`);
  const trimmed = await sql.query<{ line: number; kind: string; number: string; cap: string; total: string; back: string; to: string[] }>(
    `SELECT t.line, t.kind, t.number, t.cap::text, t.total::text, sum(t.amount - t.keep)::text AS back,
            array_agg(DISTINCT CASE WHEN t.kind = 'INVOICE' THEN coalesce('payment ' || p.reference, 'credit note ' || cn.number)
                                    ELSE 'invoice ' || i.number END) AS "to"
       FROM alloc_trim t
       LEFT JOIN payment p ON p.id = t.payment_id
       LEFT JOIN invoice cn ON cn.id = t.credit_note_id
       LEFT JOIN invoice i ON i.id = t.invoice_id
      GROUP BY 1, 2, 3, 4, 5 ORDER BY 1`,
  );
  if (trimmed.length === 0) return 0;
  await sql.exec(`
    -- An invoice lowered: the part of each payment or credit note no longer allocated is theirs again.
    UPDATE payment p SET "unallocatedAmount" = p."unallocatedAmount" + t.back, "updatedAt" = now()
      FROM (SELECT payment_id, sum(amount - keep) AS back FROM alloc_trim WHERE kind = 'INVOICE' AND payment_id IS NOT NULL GROUP BY 1) t
     WHERE p.id = t.payment_id;
    UPDATE invoice cn SET "openAmount" = cn."openAmount" + t.back, status = 'OPEN', "updatedAt" = now()
      FROM (SELECT credit_note_id, sum(amount - keep) AS back FROM alloc_trim WHERE kind = 'INVOICE' AND credit_note_id IS NOT NULL GROUP BY 1) t
     WHERE cn.id = t.credit_note_id;
    -- A credit note lowered: the invoices it settled owe the difference again.
    UPDATE invoice i SET "openAmount" = i."openAmount" + t.back,
                         status = CASE WHEN i.status IN ('LITIGATION', 'WRITTEN_OFF') THEN i.status ELSE 'OPEN' END::"InvoiceStatus",
                         "updatedAt" = now()
      FROM (SELECT invoice_id, sum(amount - keep) AS back FROM alloc_trim WHERE kind = 'CREDIT_NOTE' GROUP BY 1) t
     WHERE i.id = t.invoice_id;
    DELETE FROM allocation a USING alloc_trim t WHERE a.id = t.id AND t.keep = 0;
    UPDATE allocation a SET amount = t.keep FROM alloc_trim t WHERE a.id = t.id AND t.keep > 0;`);
  const money = (minor: string) => formatMinor(BigInt(minor), digits);
  for (const t of trimmed.slice(0, MAX_TRIM_NOTES)) {
    const what = t.kind === "INVOICE" ? "invoice" : "credit note";
    const whose = t.kind === "INVOICE" ? "(unallocated, the customer's credit)" : "(open again)";
    context.note(
      `line ${t.line}: ${what} ${t.number} is now ${money(t.cap)}, below the ${money(t.total)} allocated to it: ` +
        `allocations reduced by ${money(t.back)}, which goes back to ${t.to.join(", ")} ${whose}`,
    );
  }
  if (trimmed.length > MAX_TRIM_NOTES)
    context.note(`... and ${trimmed.length - MAX_TRIM_NOTES} more documents lowered below their allocations`);
  const [changed] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM alloc_trim`);
  return changed?.n ?? 0;
}
