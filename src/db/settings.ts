// Company settings: one row, created with defaults on first read.
import type { EndOfMonthRule } from "../domain/paymentTerms.js";
import { DEFAULT_LOCALE } from "../i18n/index.js";
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
  /** Contractual late-payment penalty rate (percent a year) from the terms of sale; null: the legal rate. */
  penaltyRatePercent: number | null;
  /** Gross margin rate (percent) for the cost of an unpaid invoice; null: the policy's kpis.grossMarginPercent. */
  marginRatePercent: number | null;
}

export async function loadSettings(sql: Sql): Promise<CompanySettings> {
  await sql.query(`INSERT INTO company_settings (id, "updatedAt") VALUES (1, now()) ON CONFLICT (id) DO NOTHING`);
  const [row] = await sql.query<CompanySettings>(
    `SELECT "companyName", currency, "timeZone", locale, "defaultPaymentTerms", "endOfMonthRule"::text AS "endOfMonthRule", "companyAddress", "companyRegistration",
            "penaltyRatePercent", "marginRatePercent"
       FROM company_settings WHERE id = 1`,
  );
  if (!row) throw new Error("company_settings row 1 is missing after insert");
  return row;
}

/** The company's locale alone (what a person is told is in its language): one read, fr-FR when unset. */
export async function loadLocale(sql: Sql): Promise<string> {
  const [row] = await sql.query<{ locale: string }>(`SELECT locale FROM company_settings WHERE id = 1`);
  return row?.locale ?? DEFAULT_LOCALE;
}
