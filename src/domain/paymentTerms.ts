// Payment terms, as a credit manager writes them, turned into a due date.
//
// Grammar (case and accents ignored, English or French; "days" = "d" = "jours" = "j"):
//   on receipt | cash | comptant | à réception       -> the invoice date
//   N days [net] [from invoice date] | net N          -> invoice date + N days
//   end of month | fin de mois                        -> last day of the invoice month
//   N days end of month | N jours fin de mois         -> per the company's end-of-month rule:
//        DAYS_THEN_END_OF_MONTH: invoice date + N days, then the end of that month
//        END_OF_MONTH_THEN_DAYS: end of the invoice month, then + N days
//   end of month + N | fin de mois + N [days]         -> end of the invoice month, then + N days (always)
//   N days then end of month                          -> + N days, then end of month (always)
//   any of the end-of-month forms + "on the D" | "le D" -> then the D-th of the following month
// French law (L441-10 Code de commerce) caps agreed terms at 60 days from the invoice date or 45 days
// end of month; the grammar accepts longer terms (public-sector contracts, export) and does not judge them.
import { t } from "../i18n/index.js";
import { addDays, daysInMonth, endOfMonth, type CalendarDate } from "./calendarDate.js";

export type EndOfMonthRule = "DAYS_THEN_END_OF_MONTH" | "END_OF_MONTH_THEN_DAYS";

export type PaymentTerms =
  | { kind: "net"; days: number }
  | { kind: "endOfMonth"; days: number; order: "companyRule" | "daysThenEndOfMonth" | "endOfMonthThenDays"; dayOfNextMonth?: number };

export type TermsParse = { ok: true; terms: PaymentTerms } | { ok: false; reason: string };

const DAYS = String.raw`(\d{1,3})\s*(?:days?|d|jours?|j)`;
const EOM = String.raw`(?:end\s+of\s+(?:the\s+)?month|eom|fin\s+de\s+mois|fdm)`;
const ON_DAY = String.raw`(?:\s*,?\s*(?:on\s+the|le)\s+(\d{1,2})(?:st|nd|rd|th)?)?`;

const RULES: Array<{ pattern: RegExp; build: (m: RegExpExecArray) => PaymentTerms }> = [
  { pattern: /^(?:on\s+receipt|upon\s+receipt|cash|comptant|a\s+reception|immediate)$/, build: () => ({ kind: "net", days: 0 }) },
  {
    pattern: new RegExp(
      String.raw`^(?:net\s+)?${DAYS}(?:\s+net)?(?:\s+(?:from|after)\s+(?:the\s+)?invoice(?:\s+date)?|\s+date\s+de\s+facture|\s+net)?$`,
    ),
    build: (m) => ({ kind: "net", days: Number(m[1]) }),
  },
  { pattern: /^net\s+(\d{1,3})$/, build: (m) => ({ kind: "net", days: Number(m[1]) }) },
  {
    pattern: new RegExp(String.raw`^${EOM}${ON_DAY}$`),
    build: (m) => withDay({ kind: "endOfMonth", days: 0, order: "endOfMonthThenDays" }, m[1]),
  },
  {
    pattern: new RegExp(String.raw`^${DAYS}\s+(?:then\s+|puis\s+)${EOM}${ON_DAY}$`),
    build: (m) => withDay({ kind: "endOfMonth", days: Number(m[1]), order: "daysThenEndOfMonth" }, m[2]),
  },
  {
    pattern: new RegExp(String.raw`^${DAYS}\s*,?\s*${EOM}${ON_DAY}$`),
    build: (m) => withDay({ kind: "endOfMonth", days: Number(m[1]), order: "companyRule" }, m[2]),
  },
  {
    pattern: new RegExp(String.raw`^${EOM}\s*\+\s*(\d{1,3})(?:\s*(?:days?|d|jours?|j))?${ON_DAY}$`),
    build: (m) => withDay({ kind: "endOfMonth", days: Number(m[1]), order: "endOfMonthThenDays" }, m[2]),
  },
];

function withDay(terms: Extract<PaymentTerms, { kind: "endOfMonth" }>, day: string | undefined): PaymentTerms {
  return day === undefined ? terms : { ...terms, dayOfNextMonth: Number(day) };
}

function normalise(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[-_]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Reads payment terms ("30 jours fin de mois", "net 45"); the reason of a refusal is said in `locale`. */
export function parsePaymentTerms(text: string, locale = "en-GB"): TermsParse {
  const value = normalise(text);
  for (const rule of RULES) {
    const match = rule.pattern.exec(value);
    if (match) {
      const terms = rule.build(match);
      if (terms.kind === "endOfMonth" && terms.dayOfNextMonth !== undefined && (terms.dayOfNextMonth < 1 || terms.dayOfNextMonth > 31)) {
        return { ok: false, reason: t(locale, "domain.terms.noSuchDay", { text, day: terms.dayOfNextMonth }) };
      }
      return { ok: true, terms };
    }
  }
  return { ok: false, reason: t(locale, "domain.terms.notUnderstood", { text }) };
}

export function dueDateFor(issueDate: CalendarDate, terms: PaymentTerms, rule: EndOfMonthRule): CalendarDate {
  if (terms.kind === "net") return addDays(issueDate, terms.days);
  const order =
    terms.order === "companyRule" ? (rule === "DAYS_THEN_END_OF_MONTH" ? "daysThenEndOfMonth" : "endOfMonthThenDays") : terms.order;
  const due = order === "daysThenEndOfMonth" ? endOfMonth(addDays(issueDate, terms.days)) : addDays(endOfMonth(issueDate), terms.days);
  if (terms.dayOfNextMonth === undefined) return due;
  // "le 10": the 10th of the month following the computed date (clamped to that month's length).
  const year = Number(due.slice(0, 4));
  const month = Number(due.slice(5, 7));
  const nextYear = month === 12 ? year + 1 : year;
  const nextMonth = month === 12 ? 1 : month + 1;
  const day = Math.min(terms.dayOfNextMonth, daysInMonth(nextYear, nextMonth));
  return `${nextYear}-${String(nextMonth).padStart(2, "0")}-${String(day).padStart(2, "0")}` as CalendarDate;
}

/** Parses then applies; throws on terms that do not parse (validate them first where input is read). */
export function dueDateFromTerms(issueDate: CalendarDate, termsText: string, rule: EndOfMonthRule): CalendarDate {
  const parsed = parsePaymentTerms(termsText);
  if (!parsed.ok) throw new RangeError(parsed.reason);
  return dueDateFor(issueDate, parsed.terms, rule);
}
