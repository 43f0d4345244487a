// A collector with a heavy day: many overdue customers whose names and contacts are accented and emoji-heavy,
// the kind of text that weighs twice as much in UTF-16 as in UTF-8 (how Teams counts a message's size).
import type { Database } from "../../src/db/database.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { csv, writeTemp } from "./files.js";

export function heavyCustomerName(i: number): string {
  return `Électricité Générale 🏗️ Dépannage & Rénovation Œuvre ${i} — Société à responsabilité limitée 🇫🇷 Île-de-France ✨ n°${i}`;
}

/** Imports `count` overdue customers for the collector with `email`; their external ids are H1…H<count>. */
export async function importHeavyCustomers(db: Database, email: string, count: number, tag: string): Promise<void> {
  const customers = Array.from(
    { length: count },
    (_, i) =>
      `H${i + 1};${heavyCustomerName(i + 1)};${email};Mme Hélène Côté-Nguyễn 📞 service comptabilité fournisseurs;+33 1 23 45 67 ${String(i % 100).padStart(2, "0")}`,
  );
  const invoices = Array.from(
    { length: count },
    (_, i) => `H${i + 1};FH-${i + 1};2026-08-01;2026-${i % 2 ? "09" : "10"}-${String((i % 27) + 1).padStart(2, "0")};${1000 + i},50`,
  );
  await runImport(
    db,
    IMPORTERS.customers,
    writeTemp(`heavy-customers-${tag}.csv`, csv("external_id;name;collector;contact_name;contact_phone", ...customers)),
  );
  await runImport(
    db,
    IMPORTERS.invoices,
    writeTemp(`heavy-invoices-${tag}.csv`, csv("customer_id;number;issue_date;due_date;amount", ...invoices)),
  );
}
