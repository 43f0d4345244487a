import { isValidTimeZone } from "../../domain/calendarDate.js";
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
  | "end-of-month";

const KEYS: Record<Key, { field: keyof CompanySettings; check: (value: string) => string | { error: string } }> = {
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
    const rows = (Object.entries(KEYS) as Array<[Key, (typeof KEYS)[Key]]>).map(([key, spec]) => [key, String(settings[spec.field])]);
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
    if (typeof checked === "object") errors.push(checked.error);
    else Object.assign(changes, { [spec.field]: checked });
  }
  if (errors.length > 0) throw new AppError("input.invalid", `Settings not changed:\n  ${errors.join("\n  ")}`);
  const db = await context.database();
  await db.withConnection(loadSettings);
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
