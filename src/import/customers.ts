// customers.csv: creates and updates customers (and their primary contact). See docs/import-formats.md.
import { z } from "zod";
import { isCurrencyCode, minorDigits } from "../domain/money.js";
import { parseSegment, segmentHelp } from "../domain/parties.js";
import { parsePaymentTerms } from "../domain/paymentTerms.js";
import { mapColumns, rowReader, type ColumnSpec } from "./columns.js";
import { describeIssues, textProblems, optionalAmount, optionalText, requiredText } from "./fields.js";
import { countedUpsert, rejectDuplicateKeys, type Counts, type Importer } from "./run.js";
import { StagingTable } from "./staging.js";

const COLUMNS = [
  { name: "external_id", required: true, aliases: ["customer_id", "customer", "code_client", "compte_auxiliaire", "id"] },
  { name: "name", required: true, aliases: ["customer_name", "nom", "raison_sociale"] },
  { name: "segment", aliases: ["segment_client", "categorie"] },
  { name: "credit_limit", aliases: ["plafond", "plafond_credit", "encours_autorise"] },
  { name: "currency", aliases: ["devise"] },
  { name: "payment_terms", aliases: ["conditions_paiement", "conditions_de_paiement", "terms"] },
  { name: "registration_number", aliases: ["siren", "siret", "company_number"] },
  { name: "address", aliases: ["adresse", "postal_address"] },
  { name: "locale", aliases: ["language", "langue"] },
  { name: "sales_owner", aliases: ["sales_owner_email", "commercial"] },
  { name: "collector", aliases: ["collector_email", "recouvreur", "charge_de_recouvrement"] },
  { name: "contact_name", aliases: ["contact", "interlocuteur"] },
  { name: "contact_email", aliases: ["email"] },
  { name: "contact_phone", aliases: ["phone", "telephone"] },
] as const satisfies ReadonlyArray<ColumnSpec>;

type Column = (typeof COLUMNS)[number]["name"];

/** The only column whose cell may hold line breaks: one per line of the postal address. */
const MULTI_LINE: ReadonlySet<string> = new Set<Column>(["address"]);
const MAX_ADDRESS_LINES = 6;

/** Optional customer fields written only when their column is in the file (absent column = keep). */
const UPDATABLE: ReadonlyArray<{ column: Column; field: string }> = [
  { column: "segment", field: "segment" },
  { column: "credit_limit", field: "creditLimit" },
  { column: "currency", field: "currency" },
  { column: "payment_terms", field: "paymentTerms" },
  { column: "registration_number", field: "registrationNumber" },
  { column: "address", field: "address" },
  { column: "locale", field: "locale" },
  { column: "sales_owner", field: "salesOwnerId" },
  { column: "collector", field: "collectorId" },
];

export const customersImporter: Importer = {
  kind: "customers",
  columns: COLUMNS,
  quoted: true,
  async run(context, source): Promise<Record<string, Counts>> {
    const { sql, settings, rejections } = context;
    const index = mapColumns(context.fileName, source.header, COLUMNS);
    const read = rowReader(COLUMNS, index);
    const people = new Map(
      (await sql.query<{ id: number; email: string }>(`SELECT id, lower(email) AS email FROM person WHERE email IS NOT NULL`)).map((p) => [
        p.email,
        p.id,
      ]),
    );
    const personId = (what: string) =>
      z.string().transform((email, ctx): number | null => {
        if (email === "") return null;
        const id = people.get(email.toLowerCase());
        if (id === undefined) {
          ctx.addIssue({
            code: "custom",
            message: `${email} is not a known person (add them first: ccbot people add --name ... --email ${email} --roles ${what})`,
          });
          return z.NEVER;
        }
        return id;
      });
    const row = z.object({
      external_id: requiredText("customer id"),
      name: requiredText("name"),
      segment: z.string().transform((text, ctx) => {
        if (text === "") return "SME";
        const segment = parseSegment(text);
        if (segment === null) {
          ctx.addIssue({ code: "custom", message: `"${text}" is not a segment (use ${segmentHelp()})` });
          return z.NEVER;
        }
        return segment;
      }),
      credit_limit: optionalAmount(minorDigits(settings.currency)).refine(
        (v) => v === null || v >= 0n,
        "a credit limit cannot be negative",
      ),
      currency: z.string().transform((text, ctx) => {
        const code = text === "" ? settings.currency : text.toUpperCase();
        if (!isCurrencyCode(code)) ctx.addIssue({ code: "custom", message: `"${text}" is not an ISO 4217 currency code` });
        else if (code !== settings.currency) {
          ctx.addIssue({ code: "custom", message: `${code}: only ${settings.currency}, the company currency, is supported for now` });
        }
        return code;
      }),
      payment_terms: z.string().transform((text, ctx) => {
        if (text === "") return null;
        const parsed = parsePaymentTerms(text);
        if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.reason });
        return text;
      }),
      registration_number: optionalText,
      // Lines separated by " | " or new lines in a quoted cell; at most six lines, as on an envelope.
      address: optionalText
        .transform((v) =>
          v === null
            ? null
            : v
                .split(/\s*\|\s*|\n/)
                .map((l) => l.trim())
                .filter(Boolean)
                .join("\n"),
        )
        .refine(
          (v) => v === null || v.split("\n").length <= MAX_ADDRESS_LINES,
          `has more than ${MAX_ADDRESS_LINES} lines (an address fits on an envelope: at most ${MAX_ADDRESS_LINES} lines)`,
        ),
      locale: optionalText,
      sales_owner: personId("sales"),
      collector: personId("collector"),
      contact_name: optionalText,
      contact_email: optionalText.refine((v) => v === null || /^[^@\s]+@[^@\s]+$/.test(v), "is not an e-mail address"),
      contact_phone: optionalText,
    });

    const staging = new StagingTable(sql, "stage_customer", {
      line: "int",
      external_id: "text",
      name: "text",
      segment: "text",
      credit_limit: "bigint",
      currency: "text",
      payment_terms: "text",
      registration_number: "text",
      address: "text",
      locale: "text",
      sales_owner: "int",
      collector: "int",
      contact_name: "text",
      contact_email: "text",
      contact_phone: "text",
    });
    await staging.create();
    for await (const batch of source.batches) {
      for (const sourceRow of batch) {
        context.lineRead();
        if (!context.wellFormed(sourceRow)) continue;
        const { line, fields } = sourceRow;
        const raw = read(fields);
        const text = textProblems(raw, MULTI_LINE);
        const parsed = row.safeParse(raw);
        if (text.problems.length > 0 || !parsed.success) {
          const issues = parsed.success ? "" : describeIssues(parsed.error, text.tooLong);
          rejections.add(line, [...text.problems, ...(issues ? [issues] : [])].join("; "));
          continue;
        }
        const r = parsed.data;
        staging.push({ line, ...r, credit_limit: r.credit_limit?.toString() ?? null });
      }
      await staging.sendIfFull();
    }
    await staging.flush();
    context.phase("read");
    await rejectDuplicateKeys(context, "stage_customer", "external_id", (key) => `customer ${key}`);
    context.phase("checks");
    if (rejections.count > 0) return {};

    const present = UPDATABLE.filter((u) => index[u.column] !== undefined);
    const fields = ["name", ...present.map((p) => `"${p.field}"`)];
    const customers = await countedUpsert(
      sql,
      `INSERT INTO customer ("externalId", name, segment, "creditLimit", currency, "paymentTerms", "registrationNumber",
                             address, locale, "salesOwnerId", "collectorId")
       SELECT external_id, name, segment::"Segment", credit_limit, currency, payment_terms, registration_number,
              address, locale, sales_owner, collector
         FROM stage_customer
       ON CONFLICT ("externalId") DO UPDATE
          SET (${fields.join(", ")}, "updatedAt") = (${fields.map((f) => `EXCLUDED.${f}`).join(", ")}, now())
        WHERE (${fields.map((f) => `customer.${f}`).join(", ")}) IS DISTINCT FROM (${fields.map((f) => `EXCLUDED.${f}`).join(", ")})
       RETURNING (xmax = 0) AS inserted`,
      staging.rowCount,
    );
    const contacts = index.contact_name === undefined ? null : await upsertPrimaryContacts(context.sql);
    return contacts ? { customers, contacts } : { customers };
  },
};

async function upsertPrimaryContacts(sql: import("../db/database.js").Sql): Promise<Counts> {
  const [row] = await sql.query<{ created: number; updated: number; staged: number }>(
    `WITH src AS (
       SELECT c.id AS customer_id, s.contact_name AS name, s.contact_email AS email, s.contact_phone AS phone
         FROM stage_customer s JOIN customer c ON c."externalId" = s.external_id
        WHERE s.contact_name IS NOT NULL
     ), updated AS (
       UPDATE contact SET name = src.name, email = src.email, phone = src.phone
         FROM src
        WHERE contact."customerId" = src.customer_id AND contact."isPrimary"
          AND (contact.name, contact.email, contact.phone) IS DISTINCT FROM (src.name, src.email, src.phone)
       RETURNING contact.id
     ), created AS (
       INSERT INTO contact ("customerId", name, email, phone, "isPrimary")
       SELECT customer_id, name, email, phone, true FROM src
        WHERE NOT EXISTS (SELECT 1 FROM contact k WHERE k."customerId" = src.customer_id AND k."isPrimary")
       RETURNING id
     )
     SELECT (SELECT count(*) FROM created)::int AS created, (SELECT count(*) FROM updated)::int AS updated,
            (SELECT count(*) FROM src)::int AS staged`,
  );
  const created = row?.created ?? 0;
  const updated = row?.updated ?? 0;
  return { created, updated, unchanged: (row?.staged ?? 0) - created - updated };
}
