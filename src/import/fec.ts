// FEC (Fichier des Écritures Comptables, art. A47 A-1 LPF): the French statutory export of accounting
// entries, 18 columns separated by tab or "|", dates YYYYMMDD, decimal comma, UTF-8, ISO-8859-15 or Windows-1252.
//
// What is read (docs/import-formats.md has the whole story):
// - lines on customer accounts (CompteNum starting with 411), whose auxiliary account (CompAuxNum) is the
//   customer; unknown customers are created from CompAuxNum / CompAuxLib;
// - a debit is an invoice (number = PieceRef, grouped per customer and PieceRef);
// - a credit is a credit note when its entry also books revenue (70x) or output VAT (4457x), else a payment;
// - lettering (EcritureLet) matches credits to debits of the same customer and code, oldest first: a balanced
//   code closes its items; an unbalanced one settles what it can;
// - due dates come from an optional DateEcheance column, else from the customer's payment terms.
// Every line of the file is checked (columns, dates, amounts, Sens), and every entry (JournalCode +
// EcritureNum) must balance: one bad line or entry rejects the whole file.
import { z } from "zod";
import type { Sql } from "../db/database.js";
import { AppError } from "../errors.js";
import { formatMinor, minorDigits } from "../domain/money.js";
import type { CalendarDate } from "../domain/calendarDate.js";
import { cell, mapColumns, type ColumnIndex, type ColumnSpec } from "./columns.js";
import { DueDates, loadCustomers } from "./customerLookup.js";
import { RowProblems } from "./fields.js";
import { counts, MAX_REPORTED_REJECTIONS, type Counts, type ImportContext, type Importer } from "./run.js";
import { StagingTable } from "./staging.js";

const COLUMNS = [
  { name: "JournalCode", required: true },
  { name: "JournalLib" },
  { name: "EcritureNum", required: true },
  { name: "EcritureDate", required: true },
  { name: "CompteNum", required: true },
  { name: "CompteLib" },
  { name: "CompAuxNum", required: true },
  { name: "CompAuxLib", required: true },
  { name: "PieceRef", required: true },
  { name: "PieceDate", required: true },
  { name: "EcritureLib" },
  { name: "Debit" },
  { name: "Credit" },
  { name: "Montant" },
  { name: "Sens" },
  { name: "EcritureLet", required: true },
  { name: "DateLet" },
  { name: "ValidDate" },
  { name: "Montantdevise" },
  { name: "Idevise" },
  { name: "DateEcheance", aliases: ["EcheanceDate", "Date_Echeance", "DueDate"] },
] as const satisfies ReadonlyArray<ColumnSpec>;

type Column = (typeof COLUMNS)[number]["name"];

export const CUSTOMER_ACCOUNT_PREFIX = "411";
/** Accounts that make a credit on 411 a credit note rather than a payment: revenue and output VAT. */
const REVENUE_ACCOUNT = /^(70|4457)/;

export const fecImporter: Importer = {
  kind: "fec",
  columns: COLUMNS,
  quoted: false,
  async run(context, source): Promise<Record<string, Counts>> {
    const { sql, settings, rejections } = context;
    const index = mapColumns(context.fileName, source.header, COLUMNS);
    const split = index.Montant !== undefined && index.Sens !== undefined && index.Debit === undefined;
    if (!split && (index.Debit === undefined || index.Credit === undefined)) {
      throw new AppError("input.file", `${context.fileName}, line 1: a FEC needs Debit and Credit columns (or Montant and Sens).`);
    }
    const digits = minorDigits(settings.currency);
    const shape = z.object({
      JournalCode: z.string().min(1, "is empty"),
      EcritureNum: z.string().min(1, "is empty"),
      EcritureDate: z.string(),
      CompteNum: z.string().min(1, "is empty"),
      CompAuxNum: z.string(),
      CompAuxLib: z.string(),
      PieceRef: z.string(),
      PieceDate: z.string(),
      debit: z.string(),
      credit: z.string(),
      EcritureLet: z.string(),
      DateEcheance: z.string(),
    });
    const problems = new RowProblems();
    const customers = await loadCustomers(sql);
    const dueDates = new DueDates(settings.defaultPaymentTerms, settings.endOfMonthRule);
    const items = new StagingTable(sql, "stage_fec_item", {
      line: "int",
      journal: "text",
      entry: "text",
      aux: "text",
      aux_name: "text",
      piece_ref: "text",
      piece_date: "date",
      due_date: "date",
      due_derived: "bool",
      debit: "bigint",
      credit: "bigint",
      letter: "text",
    });
    const revenueEntries = new StagingTable(sql, "stage_fec_revenue_entry", { journal: "text", entry: "text" });
    await items.create();
    await revenueEntries.create();
    let lastRevenueKey = "";
    // Each entry's debits and credits, to check that it balances: JournalCode + EcritureNum -> totals.
    // Lines of an entry are usually consecutive: each run of them is summed here and staged as one row, so
    // memory stays flat; entries split over several runs are added up in SQL.
    const entryRuns = new StagingTable(sql, "stage_fec_entry", {
      journal: "text",
      entry: "text",
      first_line: "int",
      last_line: "int",
      debit: "bigint",
      credit: "bigint",
      broken: "bool",
    });
    await entryRuns.create();
    let run: EntryRun | null = null;
    const entryRun = (journal: string, number: string, line: number): EntryRun => {
      if (run !== null && run.journal === journal && run.number === number) {
        run.last = line;
        return run;
      }
      if (run !== null) stageRun(entryRuns, run);
      run = { journal, number, first: line, last: line, debit: 0n, credit: 0n, broken: false };
      return run;
    };

    for await (const batch of source.batches) {
      for (const row of batch) {
        context.lineRead();
        const { line: lineNo, fields } = row;
        if (!context.wellFormed(row)) {
          // Its amounts are unknown: the balance of its entry (if its first columns are right) is not judged.
          entryRun(cell(fields, index, "JournalCode"), cell(fields, index, "EcritureNum"), lineNo).broken = true;
          continue;
        }
        const raw = {
          JournalCode: cell(fields, index, "JournalCode"),
          EcritureNum: cell(fields, index, "EcritureNum"),
          EcritureDate: cell(fields, index, "EcritureDate"),
          CompteNum: cell(fields, index, "CompteNum"),
          CompAuxNum: cell(fields, index, "CompAuxNum"),
          CompAuxLib: cell(fields, index, "CompAuxLib"),
          PieceRef: cell(fields, index, "PieceRef"),
          PieceDate: cell(fields, index, "PieceDate"),
          debit: split ? (sens(fields, index) === "D" ? cell(fields, index, "Montant") : "") : cell(fields, index, "Debit"),
          credit: split ? (sens(fields, index) === "C" ? cell(fields, index, "Montant") : "") : cell(fields, index, "Credit"),
          EcritureLet: cell(fields, index, "EcritureLet"),
          DateEcheance: cell(fields, index, "DateEcheance"),
        };
        problems.start(shape, raw);
        if (split && sens(fields, index) === null) {
          problems.add("Sens", `"${cell(fields, index, "Sens")}" is neither D (debit, or +1) nor C (credit, or -1)`);
        }
        const ecritureDate = problems.date("EcritureDate", raw.EcritureDate, true);
        const pieceDateGiven = problems.optionalDate("PieceDate", raw.PieceDate, true);
        const debit = raw.debit === "" ? 0n : problems.amount("debit", raw.debit, digits);
        const credit = raw.credit === "" ? 0n : problems.amount("credit", raw.credit, digits);
        const dueGiven = problems.optionalDate("DateEcheance", raw.DateEcheance, true);
        const entry = entryRun(raw.JournalCode, raw.EcritureNum, lineNo);
        if (problems.failed) {
          entry.broken = true; // its amounts are not all known: its balance is not judged
          rejections.add(lineNo, problems.reason);
          continue;
        }
        entry.debit += debit;
        entry.credit += credit;
        const l = { ...raw, debit, credit };
        if (REVENUE_ACCOUNT.test(l.CompteNum)) {
          const key = `${l.JournalCode}\u0000${l.EcritureNum}`;
          if (key !== lastRevenueKey) {
            lastRevenueKey = key;
            revenueEntries.push({ journal: l.JournalCode, entry: l.EcritureNum });
          }
          continue;
        }
        if (!l.CompteNum.startsWith(CUSTOMER_ACCOUNT_PREFIX)) continue;
        if (l.CompAuxNum === "") {
          rejections.add(lineNo, `CompAuxNum: customer account ${l.CompteNum} line has no auxiliary account, so no customer`);
          continue;
        }
        if ((l.debit !== 0n && l.credit !== 0n) || l.debit < 0n || l.credit < 0n) {
          rejections.add(lineNo, "Debit/Credit: a line carries one positive amount, on one side");
          continue;
        }
        if (l.debit === 0n && l.credit === 0n) continue;
        const pieceDate = pieceDateGiven ?? ecritureDate;
        let dueDate: CalendarDate | null = dueGiven;
        if (dueDate === null && l.debit > 0n) {
          const computed = dueDates.compute(pieceDate, customers.get(l.CompAuxNum)?.paymentTerms ?? null);
          if ("reason" in computed) {
            rejections.add(lineNo, `due date: ${computed.reason}`);
            continue;
          }
          dueDate = computed.date;
        }
        items.push({
          line: lineNo,
          journal: l.JournalCode,
          entry: l.EcritureNum,
          aux: l.CompAuxNum,
          aux_name: l.CompAuxLib || l.CompAuxNum,
          piece_ref: l.PieceRef || `${l.JournalCode}-${l.EcritureNum}`,
          piece_date: pieceDate,
          due_date: dueDate,
          due_derived: l.DateEcheance === "",
          debit: l.debit.toString(),
          credit: l.credit.toString(),
          letter: l.EcritureLet === "" ? null : l.EcritureLet,
        });
      }
      await items.sendIfFull();
      await revenueEntries.sendIfFull();
      await entryRuns.sendIfFull();
    }
    await items.flush();
    await revenueEntries.flush();
    if (run !== null) stageRun(entryRuns, run);
    await entryRuns.flush();
    await rejectUnbalancedEntries(context, digits);
    context.phase("read");
    if (rejections.count > 0) return {};
    return mergeFec(context);
  },
};

/** Consecutive lines of one entry (JournalCode + EcritureNum): their totals. */
interface EntryRun {
  journal: string;
  number: string;
  first: number;
  last: number;
  debit: bigint;
  credit: bigint;
  /** A line of it was rejected: its amounts are not all known and its balance is not judged. */
  broken: boolean;
}

type EntryRunTable = StagingTable<{
  journal: "text";
  entry: "text";
  first_line: "int";
  last_line: "int";
  debit: "bigint";
  credit: "bigint";
  broken: "bool";
}>;

function stageRun(table: EntryRunTable, run: EntryRun): void {
  table.push({
    journal: run.journal,
    entry: run.number,
    first_line: run.first,
    last_line: run.last,
    debit: run.debit.toString(),
    credit: run.credit.toString(),
    broken: run.broken,
  });
}

/** An entry's debits equal its credits (double-entry bookkeeping): one that does not is refused, at its first line. */
async function rejectUnbalancedEntries(context: ImportContext, digits: number): Promise<void> {
  const rows = await context.sql.query<{ journal: string; entry: string; first: number; last: number; debit: string; credit: string }>(
    `SELECT journal, entry, min(first_line) AS first, max(last_line) AS last, sum(debit)::text AS debit, sum(credit)::text AS credit
       FROM stage_fec_entry GROUP BY 1, 2
     HAVING NOT bool_or(broken) AND sum(debit) <> sum(credit)
      ORDER BY 3 LIMIT ${MAX_REPORTED_REJECTIONS}`,
  );
  const amount = (minor: bigint) => formatMinor(minor, digits);
  for (const row of rows) {
    const debit = BigInt(row.debit);
    const credit = BigInt(row.credit);
    const difference = debit > credit ? debit - credit : credit - debit;
    const lines = row.first === row.last ? `line ${row.first}` : `lines ${row.first}-${row.last}`;
    context.rejections.add(
      row.first,
      `entry ${row.journal} ${row.entry} (${lines}) is unbalanced: debits ${amount(debit)}, credits ${amount(credit)}, ` +
        `difference ${amount(difference)} (an entry's debits equal its credits)`,
    );
  }
}

/** The side of a line in the "Montant + Sens" variant of the FEC: D or +1 (or 1) debit, C or -1 credit; null otherwise. */
function sens(fields: string[], index: ColumnIndex<Column>): "D" | "C" | null {
  const text = cell(fields, index, "Sens").toUpperCase();
  if (text === "D" || text === "+1" || text === "1") return "D";
  if (text === "C" || text === "-1") return "C";
  return null;
}

async function mergeFec(context: ImportContext): Promise<Record<string, Counts>> {
  const { sql, settings } = context;
  // Documents: invoices (debits) and credit notes grouped per customer and PieceRef; payments one per line.
  await sql.exec(`
    CREATE TEMP TABLE fec_line ON COMMIT DROP AS
    SELECT it.*,
           CASE WHEN it.debit > 0 THEN 'INVOICE' WHEN r.entry IS NOT NULL THEN 'CREDIT_NOTE' ELSE 'PAYMENT' END AS doc_kind
      FROM stage_fec_item it
      LEFT JOIN (SELECT DISTINCT journal, entry FROM stage_fec_revenue_entry) r ON r.journal = it.journal AND r.entry = it.entry;
    ALTER TABLE fec_line ADD COLUMN doc_key text;
    UPDATE fec_line SET doc_key = piece_ref WHERE doc_kind <> 'PAYMENT';
    ANALYZE fec_line;`);
  // Payment keys must not depend on line numbers (a re-export may shift them): number them within the entry.
  await sql.exec(`
    UPDATE fec_line f SET doc_key = 'FEC:' || f.journal || ':' || f.entry || ':' || f.aux || ':' || n.seq
      FROM (SELECT line, row_number() OVER (PARTITION BY journal, entry, aux ORDER BY line) AS seq
              FROM fec_line WHERE doc_kind = 'PAYMENT') n
     WHERE f.line = n.line;`);

  const clashes = await sql.query<{ line: number; reason: string }>(
    `WITH docs AS (SELECT doc_kind, doc_key, array_agg(DISTINCT aux) AS auxes FROM fec_line WHERE doc_kind <> 'PAYMENT' GROUP BY 1, 2)
     SELECT f.line, 'PieceRef: ' || lower(replace(f.doc_kind, '_', ' ')) || ' ' || f.doc_key || ' is booked for several customers (' ||
            array_to_string(d.auxes, ', ') || ')' AS reason
       FROM fec_line f JOIN docs d USING (doc_kind, doc_key) WHERE cardinality(d.auxes) > 1
     UNION ALL
     SELECT f.line, 'PieceRef: ' || lower(replace(f.doc_kind, '_', ' ')) || ' ' || f.doc_key || ' already exists for customer ' || c."externalId"
       FROM fec_line f
       JOIN invoice i ON i.kind::text = f.doc_kind AND i.number = f.doc_key
       JOIN customer c ON c.id = i."customerId"
      WHERE f.doc_kind <> 'PAYMENT' AND c."externalId" <> f.aux
     ORDER BY 1 LIMIT 1000`,
  );
  for (const clash of clashes) context.rejections.add(clash.line, clash.reason);
  if (context.rejections.count > 0) return {};

  const [customerCount] = await sql.query<{ created: number; staged: number }>(
    `WITH src AS (SELECT DISTINCT ON (aux) aux, aux_name FROM fec_line ORDER BY aux, line DESC),
          added AS (INSERT INTO customer ("externalId", name, currency)
                    SELECT aux, aux_name, $1 FROM src ON CONFLICT ("externalId") DO NOTHING RETURNING 1)
     SELECT (SELECT count(*) FROM added)::int AS created, (SELECT count(*) FROM src)::int AS staged`,
    [settings.currency],
  );

  // Lettering: within each (customer, code), credits settle debits oldest first (interval overlap).
  await sql.exec(`
    CREATE TEMP TABLE fec_match ON COMMIT DROP AS
    WITH d AS (
      SELECT aux, letter, doc_key, debit AS amount,
             sum(debit) OVER w - debit AS lo, sum(debit) OVER w AS hi
        FROM fec_line WHERE letter IS NOT NULL AND debit > 0
      WINDOW w AS (PARTITION BY aux, letter ORDER BY piece_date, line)
    ), c AS (
      SELECT aux, letter, doc_kind, doc_key, piece_date, credit AS amount,
             sum(credit) OVER w - credit AS lo, sum(credit) OVER w AS hi
        FROM fec_line WHERE letter IS NOT NULL AND credit > 0
      WINDOW w AS (PARTITION BY aux, letter ORDER BY piece_date, line)
    )
    SELECT d.aux, d.letter, d.doc_key AS invoice_key, c.doc_kind AS credit_kind, c.doc_key AS credit_key,
           max(c.piece_date) AS matched_on, sum(least(d.hi, c.hi) - greatest(d.lo, c.lo)) AS amount
      FROM d JOIN c ON c.aux = d.aux AND c.letter = d.letter AND least(d.hi, c.hi) > greatest(d.lo, c.lo)
     GROUP BY 1, 2, 3, 4, 5;
    ANALYZE fec_match;`);

  await sql.exec(`
    CREATE TEMP TABLE fec_doc ON COMMIT DROP AS
    SELECT f.doc_kind, f.doc_key, cu.id AS customer_id, min(f.piece_date) AS doc_date, min(f.due_date) AS due_date,
           bool_and(f.due_derived) AS due_derived, sum(f.debit + f.credit) AS amount
      FROM fec_line f JOIN customer cu ON cu."externalId" = f.aux
     GROUP BY 1, 2, 3;
    ALTER TABLE fec_doc ADD COLUMN open_amount bigint;
    UPDATE fec_doc SET open_amount = amount;
    UPDATE fec_doc d SET open_amount = d.amount - s.settled
      FROM (SELECT 'INVOICE' AS doc_kind, invoice_key AS doc_key, sum(amount) AS settled FROM fec_match GROUP BY 2
            UNION ALL
            SELECT credit_kind, credit_key, sum(amount) FROM fec_match GROUP BY 1, 2) s
     WHERE d.doc_kind = s.doc_kind AND d.doc_key = s.doc_key;
    ANALYZE fec_doc;`);

  const [invoiceCounts] = await sql.query<{ created: number; updated: number; staged: number }>(
    `WITH src AS (
       SELECT *, (CASE WHEN open_amount > 0 THEN 'OPEN' ELSE 'CLOSED' END)::"InvoiceStatus" AS status
         FROM fec_doc WHERE doc_kind <> 'PAYMENT'
     ), changed AS (
       UPDATE invoice i
          SET ("customerId", "issueDate", "dueDate", "dueDateDerived", amount, "openAmount", status, source, "updatedAt") =
              (s.customer_id, s.doc_date, coalesce(s.due_date, s.doc_date), s.due_derived, s.amount, s.open_amount,
               CASE WHEN i.status IN ('LITIGATION', 'WRITTEN_OFF') AND s.open_amount > 0 THEN i.status ELSE s.status END, 'FEC', now())
         FROM src s
        WHERE i.kind::text = s.doc_kind AND i.number = s.doc_key
          AND (i."issueDate", i."dueDate", i."dueDateDerived", i.amount, i."openAmount") IS DISTINCT FROM
              (s.doc_date, coalesce(s.due_date, s.doc_date), s.due_derived, s.amount, s.open_amount)
       RETURNING 1
     ), added AS (
       INSERT INTO invoice ("customerId", kind, number, "issueDate", "dueDate", "dueDateDerived", amount, "openAmount", currency, status, source)
       SELECT customer_id, doc_kind::"DocumentKind", doc_key, doc_date, coalesce(due_date, doc_date), due_derived, amount,
              open_amount, $1, status, 'FEC'
         FROM src s WHERE NOT EXISTS (SELECT 1 FROM invoice i WHERE i.kind::text = s.doc_kind AND i.number = s.doc_key)
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM added)::int AS created, (SELECT count(*) FROM changed)::int AS updated,
            (SELECT count(*) FROM src)::int AS staged`,
    [settings.currency],
  );

  const [paymentCounts] = await sql.query<{ created: number; updated: number; staged: number }>(
    `WITH src AS (SELECT * FROM fec_doc WHERE doc_kind = 'PAYMENT'),
     changed AS (
       UPDATE payment p SET ("paymentDate", amount, "unallocatedAmount", "updatedAt") = (s.doc_date, s.amount, s.open_amount, now())
         FROM src s
        WHERE p.reference = s.doc_key
          AND (p."paymentDate", p.amount, p."unallocatedAmount") IS DISTINCT FROM (s.doc_date, s.amount, s.open_amount)
       RETURNING 1
     ), added AS (
       INSERT INTO payment ("customerId", reference, "paymentDate", amount, "unallocatedAmount", currency, source)
       SELECT customer_id, doc_key, doc_date, amount, open_amount, $1, 'FEC'
         FROM src s WHERE NOT EXISTS (SELECT 1 FROM payment p WHERE p.reference = s.doc_key)
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM added)::int AS created, (SELECT count(*) FROM changed)::int AS updated,
            (SELECT count(*) FROM src)::int AS staged`,
    [settings.currency],
  );

  await replaceFecAllocations(sql);
  const result: Record<string, Counts> = {
    customers: counts(customerCount?.staged ?? 0, customerCount?.created ?? 0, 0),
    invoices: counts(invoiceCounts?.staged ?? 0, invoiceCounts?.created ?? 0, invoiceCounts?.updated ?? 0),
    payments: counts(paymentCounts?.staged ?? 0, paymentCounts?.created ?? 0, paymentCounts?.updated ?? 0),
  };
  return result;
}

/** The FEC's lettering is the truth for the documents it holds: its allocations are rewritten. */
async function replaceFecAllocations(sql: Sql): Promise<void> {
  await sql.exec(`
    DELETE FROM allocation a USING invoice i, fec_doc d
     WHERE a."invoiceId" = i.id AND a.source = 'FEC' AND i.kind = 'INVOICE' AND d.doc_kind = 'INVOICE' AND i.number = d.doc_key;
    INSERT INTO allocation ("invoiceId", "paymentId", "creditNoteId", amount, "allocatedOn", "letteringCode", source)
    SELECT i.id, p.id, cn.id, sum(m.amount), max(m.matched_on), min(m.letter), 'FEC'
      FROM fec_match m
      JOIN invoice i ON i.kind = 'INVOICE' AND i.number = m.invoice_key
      LEFT JOIN payment p ON m.credit_kind = 'PAYMENT' AND p.reference = m.credit_key
      LEFT JOIN invoice cn ON m.credit_kind = 'CREDIT_NOTE' AND cn.kind = 'CREDIT_NOTE' AND cn.number = m.credit_key
     GROUP BY i.id, p.id, cn.id;`);
}
