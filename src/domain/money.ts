// Money is an integer number of minor units (cents) with an ISO 4217 currency. Amounts are parsed from
// text without floating point: "1 234,56", "1234.56", "1.234,56" and "-12,5" are all understood.
import { t } from "../i18n/index.js";

export interface Money {
  readonly minor: bigint;
  readonly currency: string;
}

const CURRENCY = /^[A-Z]{3}$/;

let currencies: Set<string> | undefined;

export function isCurrencyCode(code: string): boolean {
  currencies ??= new Set(Intl.supportedValuesOf("currency"));
  return CURRENCY.test(code) && currencies.has(code);
}

const digitsCache = new Map<string, number>();

/** Number of decimals of the currency's minor unit: EUR 2, JPY 0, TND 3. */
export function minorDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

export type AmountParse = { ok: true; minor: bigint } | { ok: false; reason: string };

const SPACES = /[\s\u00a0\u202f']/g;

/**
 * The largest amount accepted, in minor units: 10^15 - 1 (9 999 999 999 999.99 in a 2-decimal currency).
 * Amounts are stored as 64-bit integers; this bound leaves room to add thousands of them without overflow.
 */
export const MAX_AMOUNT_MINOR = 10n ** 15n - 1n;
const NUMBER = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal amount into minor units. When both "," and "." appear, the last one is the decimal
 * separator and the other groups thousands; a lone "," is a decimal comma. Spaces group thousands.
 */
export function parseAmount(text: string, digits = 2, locale = "en-GB"): AmountParse {
  let value = text.trim().replace(SPACES, "");
  if (value === "") return { ok: false, reason: t(locale, "domain.amount.empty") };
  const lastComma = value.lastIndexOf(",");
  const lastDot = value.lastIndexOf(".");
  if (lastComma >= 0 && lastDot >= 0) {
    const thousands = lastComma > lastDot ? "." : ",";
    value = value.split(thousands).join("");
  }
  value = value.replace(",", ".");
  const match = NUMBER.exec(value);
  if (!match) return { ok: false, reason: t(locale, "domain.amount.notAmount", { text: text.trim() }) };
  const fraction = match[3] ?? "";
  if (fraction.length > digits) {
    if (/[1-9]/.test(fraction.slice(digits))) {
      return { ok: false, reason: t(locale, "domain.amount.decimals", { text: text.trim(), digits }) };
    }
  }
  const minor = BigInt(match[2] + fraction.slice(0, digits).padEnd(digits, "0"));
  if (minor > MAX_AMOUNT_MINOR) {
    const limit = formatMinor(MAX_AMOUNT_MINOR, digits);
    const bound = match[1] === "-" ? t(locale, "domain.amount.atLeast", { bound: limit }) : t(locale, "domain.amount.atMost", { bound: limit });
    return { ok: false, reason: t(locale, "domain.amount.outOfRange", { text: text.trim(), bound }) };
  }
  return { ok: true, minor: match[1] === "-" ? -minor : minor };
}

/** Minor units as a plain decimal string: 123456n, 2 digits -> "1234.56". */
export function formatMinor(minor: bigint, digits = 2): string {
  const negative = minor < 0n;
  const text = (negative ? -minor : minor).toString().padStart(digits + 1, "0");
  const whole = digits === 0 ? text : text.slice(0, -digits);
  const fraction = digits === 0 ? "" : `.${text.slice(-digits)}`;
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** Localised display, e.g. "1 234,56 €" in fr-FR. Goes through a decimal string, never a float sum. */
export function formatMoney(minor: bigint, currency: string, locale: string): string {
  const digits = minorDigits(currency);
  return new Intl.NumberFormat(locale, { style: "currency", currency, minimumFractionDigits: digits }).format(
    formatMinor(minor, digits) as unknown as number,
  );
}
