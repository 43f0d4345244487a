// Company settings: one row, created with defaults on first read.
import type { EndOfMonthRule } from "../domain/paymentTerms.js";
import type { Sql } from "./database.js";

export interface CompanySettings {
  companyName: string;
  currency: string;
  timeZone: string;
  locale: string;
  defaultPaymentTerms: string;
  endOfMonthRule: EndOfMonthRule;
  companyAddress: string;
  companyRegistration: string;
}

export async function loadSettings(sql: Sql): Promise<CompanySettings> {
  await sql.query(`INSERT INTO company_settings (id, "updatedAt") VALUES (1, now()) ON CONFLICT (id) DO NOTHING`);
  const [row] = await sql.query<CompanySettings>(
    `SELECT "companyName", currency, "timeZone", locale, "defaultPaymentTerms", "endOfMonthRule"::text AS "endOfMonthRule", "companyAddress", "companyRegistration"
       FROM company_settings WHERE id = 1`,
  );
  if (!row) throw new Error("company_settings row 1 is missing after insert");
  return row;
}
