// The tracking number of a registered letter (lettre recommandée avec accusé de réception), as the collector
// types it from the La Poste receipt: spaces and dashes are ignored, letters upper-cased.
// - The UPU S10 form (international, and La Poste's "RA/RR… FR" items): 2 letters, 8 digits, a check digit,
//   2 letters (ISO country), e.g. RA123456785FR. Its check digit is verified (weights 8 6 4 2 3 5 9 7, 11 minus
//   the sum modulo 11; 10 → 0, 11 → 5), which catches most typing mistakes.
// - Domestic La Poste numbers (e.g. "1A 123 456 7890 1") follow no public specification we could source: any
//   other 10 to 20 letters and digits are accepted as typed (docs/legal.md, "Registered letters").
import { t } from "../i18n/index.js";

export const TRACKING_MIN = 10;
export const TRACKING_MAX = 20;

const S10 = /^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$/;
const WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const;

/** The S10 check digit of 8 serial digits. */
export function s10CheckDigit(serial: string): number {
  const sum = [...serial].reduce((s, c, i) => s + Number(c) * (WEIGHTS[i] ?? 0), 0);
  const check = 11 - (sum % 11);
  return check === 10 ? 0 : check === 11 ? 5 : check;
}

export type TrackingNumber = { ok: true; value: string } | { ok: false; problem: string };

/** Reads a tracking number; the problem says what is wrong with it, in words a collector can act on. */
export function readTrackingNumber(input: string, locale = "en-GB"): TrackingNumber {
  const value = input.replace(/[\s-]+/g, "").toUpperCase();
  if (!value) return { ok: false, problem: t(locale, "domain.tracking.empty") };
  if (!/^[A-Z0-9]+$/.test(value)) return { ok: false, problem: t(locale, "domain.tracking.characters") };
  if (value.length < TRACKING_MIN || value.length > TRACKING_MAX)
    return { ok: false, problem: t(locale, "domain.tracking.length", { min: TRACKING_MIN, max: TRACKING_MAX, length: value.length }) };
  const s10 = S10.exec(value);
  if (s10 && s10CheckDigit(s10[2] as string) !== Number(s10[3])) return { ok: false, problem: t(locale, "domain.tracking.checkDigit", { value }) };
  return { ok: true, value };
}
