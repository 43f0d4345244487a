import { isValidTimeZone } from "../../domain/calendarDate.js";
import { readEnv } from "../../config/env.js";
import { loadPolicy } from "../../config/policyFile.js";
import { calendarDateAt, type CalendarDate } from "../../domain/calendarDate.js";
import { contractRateFloor, halfYearStart } from "../../domain/latePenalties.js";
import { isCurrencyCode } from "../../domain/money.js";
import { parsePaymentTerms, type EndOfMonthRule } from "../../domain/paymentTerms.js";
import { loadLocale, loadSettings, type CompanySettings } from "../../db/settings.js";
import { AppError } from "../../errors.js";
import { phrase, t } from "../../i18n/index.js";
import { recomputeDerivedDueDates } from "../../usecases/dueDates.js";
import { print, printJson, table, type CommandContext } from "../io.js";

export const SETTINGS_HELP = phrase("cli.settings.help");

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
function percentOrNone(key: string, v: string, min: number, max: number, locale: string): number | null | { error: string } {
  const text = v.trim().toLowerCase();
  if (text === "none") return null;
  const match = /^(\d{1,3}(?:[.,]\d{1,4})?)\s*%?$/.exec(text);
  const value = match ? Number(match[1]?.replace(",", ".")) : NaN;
  if (!Number.isFinite(value) || value <= min || value > max)
    return { error: t(locale, "cli.settings.percentOrNone", { key, min, max, value: v }) };
  return value;
}

const KEYS: Record<
  Key,
  { field: keyof CompanySettings; check: (value: string, locale: string) => string | number | null | { error: string } }
> = {
  "company-name": { field: "companyName", check: (v, l) => (v.trim() ? v.trim() : { error: t(l, "cli.settings.emptyName") }) },
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
    check: (v, l) => (isCurrencyCode(v.toUpperCase()) ? v.toUpperCase() : { error: t(l, "cli.settings.badCurrency", { value: v }) }),
  },
  "time-zone": {
    field: "timeZone",
    check: (v, l) => (isValidTimeZone(v) ? v : { error: t(l, "cli.settings.badTimeZone", { value: v }) }),
  },
  locale: {
    field: "locale",
    check: (v, l) => {
      try {
        return Intl.getCanonicalLocales(v)[0] ?? { error: t(l, "cli.settings.badLocale", { value: v }) };
      } catch {
        return { error: t(l, "cli.settings.badLocale", { value: v }) };
      }
    },
  },
  "default-payment-terms": {
    field: "defaultPaymentTerms",
    check: (v, l) => {
      const parsed = parsePaymentTerms(v, l);
      return parsed.ok ? v.trim() : { error: parsed.reason };
    },
  },
  "end-of-month": {
    field: "endOfMonthRule",
    check: (v, l) => EOM_WORDS[v.toLowerCase()] ?? { error: t(l, "cli.settings.badEndOfMonth", { choices: Object.keys(EOM_WORDS).join(" | ") }) },
  },
  // The legal floor of penalty-rate depends on the date; it is checked in set().
  "penalty-rate": { field: "penaltyRatePercent", check: (v, l) => percentOrNone("penalty-rate", v, 0, 100, l) },
  "margin-rate": { field: "marginRatePercent", check: (v, l) => percentOrNone("margin-rate", v, 0, 100, l) },
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
    const locale = settings.locale;
    const rows = (Object.entries(KEYS) as Array<[Key, (typeof KEYS)[Key]]>).map(([key, spec]) => [
      key,
      settings[spec.field] === null ? t(locale, "cli.settings.notSet") : String(settings[spec.field]),
    ]);
    print(context.io.stdout, table([t(locale, "cli.column.setting"), t(locale, "cli.column.value")], rows));
  }
  return 0;
}

async function set(context: CommandContext, pairs: string[]): Promise<number> {
  const db = await context.database();
  const locale = await db.withConnection(loadLocale);
  const changes: Partial<CompanySettings> = {};
  const errors: string[] = [];
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    const key = (at > 0 ? pair.slice(0, at) : pair) as Key;
    const spec = KEYS[key];
    if (!spec || at < 0) {
      errors.push(t(locale, "cli.settings.badPair", { pair, keys: Object.keys(KEYS).join(", ") }));
      continue;
    }
    const checked = spec.check(pair.slice(at + 1), locale);
    if (checked !== null && typeof checked === "object") errors.push(checked.error);
    else Object.assign(changes, { [spec.field]: checked });
  }
  if (errors.length > 0) throw new AppError("input.invalid", phrase("cli.settings.notChanged", { errors: errors.join("\n  ") }));
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
      throw new AppError("config.policy", phrase("cli.settings.noLegalRate", { date: today }));
    const floor = contractRateFloor(rates, start);
    if (changes.penaltyRatePercent < floor)
      throw new AppError("input.invalid", phrase("cli.settings.belowFloor", { rate: changes.penaltyRatePercent, floor, start }));
  }
  if (changes.currency) {
    const others = await db.prisma.invoice.count({ where: { currency: { not: changes.currency } } });
    if (others > 0) {
      throw new AppError("input.invalid", phrase("cli.settings.otherCurrency", { count: others }));
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
        t(locale, "cli.settings.recomputed", { changed: recount.changed, derived: recount.derived }),
      );
      for (const u of recount.unreadable)
        print(context.io.stderr, t(locale, "cli.settings.unreadable", { count: u.invoices, terms: u.terms, reason: u.reason }));
    }
  }
  // Said in the language now set (a change of locale answers in the new one).
  print(context.io.stderr, t(changes.locale ?? locale, "cli.settings.updated", { keys: Object.keys(changes).join(", ") }));
  return show(context);
}
