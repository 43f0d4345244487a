import { isValidTimeZone } from "../../domain/calendarDate.js";
import { readEnv } from "../../config/env.js";
import { loadPolicy } from "../../config/policyFile.js";
import { calendarDateAt, type CalendarDate } from "../../domain/calendarDate.js";
import { contractRateFloor, halfYearStart } from "../../domain/latePenalties.js";
import { isCurrencyCode } from "../../domain/money.js";
import { parsePaymentTerms, type EndOfMonthRule } from "../../domain/paymentTerms.js";
import { loadSettings, type CompanySettings } from "../../db/settings.js";
import { AppError } from "../../errors.js";
import { recomputeDerivedDueDates } from "../../usecases/dueDates.js";
import { print, printJson, table, type CommandContext } from "../io.js";

export const SETTINGS_HELP = `Usage: ccbot settings show [--json]
       ccbot settings set KEY=VALUE [KEY=VALUE ...]

Keys:
  company-name           shown on letters and messages
  company-address        the company's postal address on letters (lines separated by " | ")
  company-registration   registration shown on letters (e.g. "SAS au capital de 50 000 EUR, RCS Lyon 123 456 789")
  currency               ISO 4217 code of the company currency (e.g. EUR)
  time-zone              IANA time zone used for "today" and due dates (e.g. Europe/Paris)
  locale                 language and number format (e.g. fr-FR, en-GB)
  default-payment-terms  terms for customers that have none (e.g. "30 days", "45 days end of month")
  end-of-month           how "N days end of month" reads: days-then-end-of-month (add N days, then go to
                         the end of that month) or end-of-month-then-days (end of the invoice month, then
                         add N days)
  penalty-rate           contractual late-payment penalty rate of the terms of sale, a year (e.g. "12%"),
                         replacing ECB + 10 points; refused below three times the legal interest rate of
                         the current half-year (L441-10 II Code de commerce); "none" goes back to ECB + 10
  margin-rate            gross margin rate (e.g. "25%") for the cost of an unpaid invoice: the sales needed
                         to make up a loss = amount / margin rate; "none" uses the policy's kpis.grossMarginPercent

Changing end-of-month or default-payment-terms recomputes the due dates the bot derived from payment
terms (and says how many changed); due dates given by the imported files are never changed.`;

const EOM_WORDS: Record<string, EndOfMonthRule> = {
  "days-then-end-of-month": "DAYS_THEN_END_OF_MONTH",
  "end-of-month-then-days": "END_OF_MONTH_THEN_DAYS",
};

type Key =
  | "company-name"
  | "company-address"
  | "company-registration"
  | "currency"
  | "time-zone"
  | "locale"
  | "default-payment-terms"
  | "end-of-month"
  | "penalty-rate"
  | "margin-rate";

/** "12%", "12", "12,5 %" -> 12.5; "none" -> null. */
function percentOrNone(key: string, v: string, min: number, max: number): number | null | { error: string } {
  const text = v.trim().toLowerCase();
  if (text === "none") return null;
  const match = /^(\d{1,3}(?:[.,]\d{1,4})?)\s*%?$/.exec(text);
  const value = match ? Number(match[1]?.replace(",", ".")) : NaN;
  if (!Number.isFinite(value) || value <= min || value > max)
    return { error: `${key} must be a percentage above ${min} and at most ${max} (e.g. "12%") or "none" (got "${v}")` };
  return value;
}

const KEYS: Record<
  Key,
  { field: keyof CompanySettings; check: (value: string) => string | number | null | { error: string } }
> = {
  "company-name": { field: "companyName", check: (v) => (v.trim() ? v.trim() : { error: "company-name cannot be empty" }) },
  "company-address": {
    field: "companyAddress",
    check: (v) =>
      v
        .split("|")
        .map((l) => l.trim())
        .filter(Boolean)
        .join("\n"),
  },
  "company-registration": { field: "companyRegistration", check: (v) => v.trim() },
  currency: {
    field: "currency",
    check: (v) => (isCurrencyCode(v.toUpperCase()) ? v.toUpperCase() : { error: `${v} is not an ISO 4217 currency code (e.g. EUR)` }),
  },
  "time-zone": {
    field: "timeZone",
    check: (v) => (isValidTimeZone(v) ? v : { error: `${v} is not a time zone; use an IANA name such as Europe/Paris` }),
  },
  locale: {
    field: "locale",
    check: (v) => {
      try {
        return Intl.getCanonicalLocales(v)[0] ?? { error: `${v} is not a locale` };
      } catch {
        return { error: `${v} is not a locale; use e.g. fr-FR or en-GB` };
      }
    },
  },
  "default-payment-terms": {
    field: "defaultPaymentTerms",
    check: (v) => {
      const parsed = parsePaymentTerms(v);
      return parsed.ok ? v.trim() : { error: parsed.reason };
    },
  },
  "end-of-month": {
    field: "endOfMonthRule",
    check: (v) => EOM_WORDS[v.toLowerCase()] ?? { error: `end-of-month must be ${Object.keys(EOM_WORDS).join(" or ")}` },
  },
  // The legal floor of penalty-rate depends on the date; it is checked in set().
  "penalty-rate": { field: "penaltyRatePercent", check: (v) => percentOrNone("penalty-rate", v, 0, 100) },
  "margin-rate": { field: "marginRatePercent", check: (v) => percentOrNone("margin-rate", v, 0, 100) },
};

export async function settingsCommand(context: CommandContext, args: string[]): Promise<number> {
  const [action, ...pairs] = args;
  if (action === "show" && pairs.length === 0) return show(context);
  if (action === "set" && pairs.length > 0) return set(context, pairs);
  throw new AppError("input.usage", SETTINGS_HELP);
}

async function show(context: CommandContext): Promise<number> {
  const db = await context.database();
  const settings = await db.withConnection(loadSettings);
  if (context.json || !context.io.interactive) printJson(context.io, settings);
  else {
    const rows = (Object.entries(KEYS) as Array<[Key, (typeof KEYS)[Key]]>).map(([key, spec]) => [
      key,
      settings[spec.field] === null ? "(not set)" : String(settings[spec.field]),
    ]);
    print(context.io.stdout, table(["setting", "value"], rows));
  }
  return 0;
}

async function set(context: CommandContext, pairs: string[]): Promise<number> {
  const changes: Partial<CompanySettings> = {};
  const errors: string[] = [];
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    const key = (at > 0 ? pair.slice(0, at) : pair) as Key;
    const spec = KEYS[key];
    if (!spec || at < 0) {
      errors.push(`${pair}: expected KEY=VALUE with KEY one of ${Object.keys(KEYS).join(", ")}`);
      continue;
    }
    const checked = spec.check(pair.slice(at + 1));
    if (checked !== null && typeof checked === "object") errors.push(checked.error);
    else Object.assign(changes, { [spec.field]: checked });
  }
  if (errors.length > 0) throw new AppError("input.invalid", `Settings not changed:\n  ${errors.join("\n  ")}`);
  const db = await context.database();
  const current = await db.withConnection(loadSettings);
  if (typeof changes.penaltyRatePercent === "number") {
    // L441-10 II: a contractual rate may not be below three times the legal interest rate (professional
    // creditors). Checked against the latest half-year published in the policy (today's, in the company's
    // time zone, once it is entered); the penalties apply each half-year's own floor (src/domain/latePenalties.ts).
    const today = halfYearStart(calendarDateAt(new Date(), changes.timeZone ?? current.timeZone));
    const rates = loadPolicy(readEnv(context.io.env).POLICY_FILE).legal.legalInterestRates;
    const start = Object.keys(rates)
      .filter((k) => k <= today)
      .sort()
      .at(-1) as CalendarDate | undefined;
    if (start === undefined)
      throw new AppError(
        "config.policy",
        `Settings not changed: penalty-rate: no legal interest rate on or before ${today} in legal.legalInterestRates of the policy file, so the legal floor cannot be checked.`,
      );
    const floor = contractRateFloor(rates, start);
    if (changes.penaltyRatePercent < floor)
      throw new AppError(
        "input.invalid",
        `Settings not changed: penalty-rate ${changes.penaltyRatePercent}% is below the legal floor of ${floor}% for the half-year starting ${start} (three times the legal interest rate, L441-10 II Code de commerce).`,
      );
  }
  if (changes.currency) {
    const others = await db.prisma.invoice.count({ where: { currency: { not: changes.currency } } });
    if (others > 0) {
      throw new AppError(
        "input.invalid",
        `Settings not changed: ${others} invoices are in another currency; the company currency cannot change under them.`,
      );
    }
  }
  const before = await db.withConnection(loadSettings);
  const { endOfMonthRule, defaultPaymentTerms, ...others } = changes;
  const readingChanged =
    (endOfMonthRule !== undefined && endOfMonthRule !== before.endOfMonthRule) ||
    (defaultPaymentTerms !== undefined && defaultPaymentTerms !== before.defaultPaymentTerms);
  if (Object.keys(others).length > 0) await db.prisma.companySettings.update({ where: { id: 1 }, data: others });
  if (endOfMonthRule !== undefined || defaultPaymentTerms !== undefined) {
    const reading = {
      endOfMonthRule: endOfMonthRule ?? before.endOfMonthRule,
      defaultPaymentTerms: defaultPaymentTerms ?? before.defaultPaymentTerms,
    };
    // The setting and the due dates derived under it change together, or not at all.
    const recount = await db.transaction(async (sql) => {
      await sql.query(
        `UPDATE company_settings SET "endOfMonthRule" = $1::"EndOfMonthRule", "defaultPaymentTerms" = $2, "updatedAt" = now() WHERE id = 1`,
        [reading.endOfMonthRule, reading.defaultPaymentTerms],
      );
      return readingChanged ? recomputeDerivedDueDates(sql, reading) : null;
    });
    if (recount) {
      print(
        context.io.stderr,
        `Due dates derived from payment terms recomputed: ${recount.changed} of ${recount.derived} changed; due dates given by the source files are kept.`,
      );
      for (const u of recount.unreadable)
        print(context.io.stderr, `  ${u.invoices} invoice(s) with terms "${u.terms}" keep their due date: ${u.reason}.`);
    }
  }
  print(context.io.stderr, `Settings updated: ${Object.keys(changes).join(", ")}.`);
  return show(context);
}
