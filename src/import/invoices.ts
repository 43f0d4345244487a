// invoices.csv: invoices and credit notes. See docs/import-formats.md.
import { z } from "zod";
import { minorDigits } from "../domain/money.js";
import { mapColumns, rowReader, type ColumnSpec } from "./columns.js";
import { loadCustomers, DueDates } from "./customerLookup.js";
import { RowProblems } from "./fields.js";
import { counts, rejectDuplicateKeys, type Counts, type Importer } from "./run.js";
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
      customer_ref: "text",
      kind: "text",
      number: "text",
      issue_date: "date",
      due_date: "date",
      due_derived: "bool",
      amount: "bigint",
      open_amount: "bigint",
      currency: "text",
    });
    await staging.create();
    for await (const batch of source.batches) {
      for (const { line, fields } of batch) {
        context.lineRead();
        const raw = read(fields);
        problems.start(shape, raw);
        let kind = TYPES[raw.type.toLowerCase()];
        if (kind === undefined) problems.add("type", `"${raw.type}" is not invoice or credit_note`);
        const issueDate = problems.date("issue_date", raw.issue_date);
        const givenDue = problems.optionalDate("due_date", raw.due_date);
        let total = problems.amount("amount", raw.amount, digits);
        let open = problems.optionalAmount("open_amount", raw.open_amount, digits);
        const currency = problems.companyCurrency(raw.currency, settings.currency);
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
        const r = {
          customer_id: raw.customer_id,
          number: raw.number,
          kind: kind ?? "INVOICE",
          issue_date: issueDate,
          due_date: givenDue,
          amount: total,
          open_amount: open,
          currency,
        };
        const customer = customers.get(r.customer_id);
        if (customer === undefined) {
          rejections.add(line, `customer_id: ${r.customer_id} is not a known customer (import customers first)`);
          continue;
        }
        let dueDate = r.due_date;
        if (dueDate === null) {
          const computed = dueDates.compute(r.issue_date, customer.paymentTerms);
          if ("reason" in computed) {
            rejections.add(line, `due_date: ${computed.reason}`);
            continue;
          }
          dueDate = computed.date;
        }
        staging.push({
          line,
          customer_id: customer.id,
          customer_ref: r.customer_id,
          kind: r.kind,
          number: r.number,
          issue_date: r.issue_date,
          due_date: dueDate,
          due_derived: r.due_date === null,
          amount: r.amount.toString(),
          open_amount: r.open_amount?.toString() ?? null,
          currency: r.currency,
        });
      }
      await staging.sendIfFull();
    }
    await staging.flush();
    context.phase("read");
    await rejectDuplicateKeys(context, "stage_invoice", "kind || ' ' || number", (key) =>
      key.replace("INVOICE ", "invoice ").replace("CREDIT_NOTE ", "credit note "),
    );
    const moved = await sql.query<{ line: number; number: string; owner: string }>(
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

    // Without open_amount, a re-import keeps what payments already settled: open = amount - settled.
    const [updated] = await sql.query<{ n: number }>(
      `WITH changed AS (
         UPDATE invoice i
            SET ("issueDate", "dueDate", "dueDateDerived", amount, "openAmount", currency, status, "updatedAt") =
                (n.issue_date, n.due_date, n.due_derived, n.amount, n.open_amount, n.currency, n.status, now())
           FROM (SELECT cur.id, s.issue_date, s.due_date, s.due_derived, s.amount, s.currency, o.open_amount,
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
    );
    const [created] = await sql.query<{ n: number }>(
      `WITH added AS (
         INSERT INTO invoice ("customerId", kind, number, "issueDate", "dueDate", "dueDateDerived", amount, "openAmount",
                              currency, status, source)
         SELECT customer_id, kind::"DocumentKind", number, issue_date, due_date, due_derived, amount,
                coalesce(open_amount, amount), currency,
                CASE WHEN coalesce(open_amount, amount) > 0 THEN 'OPEN' ELSE 'CLOSED' END::"InvoiceStatus", 'CSV'
           FROM stage_invoice s
          WHERE NOT EXISTS (SELECT 1 FROM invoice i WHERE i.kind::text = s.kind AND i.number = s.number)
         RETURNING 1)
       SELECT count(*)::int AS n FROM added`,
    );
    const invoices = counts(staging.rowCount, created?.n ?? 0, updated?.n ?? 0);
    return { invoices };
  },
};
