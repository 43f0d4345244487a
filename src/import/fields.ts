// Validation of import rows: every field arrives as trimmed text and leaves typed, or with a reason a
// credit manager can act on ("credit_limit: "12,5,0" is not an amount"). Large files (invoices, payments,
// FEC) use a plain zod shape plus RowProblems (fast); customers.csv uses zod transforms.
import { z } from "zod";
import { parseCalendarDate, type CalendarDate } from "../domain/calendarDate.js";
import { parseAmount } from "../domain/money.js";
import { CONTROL_CHARACTER, singleLineProblem } from "../domain/text.js";

export const requiredText = (what: string) => z.string().min(1, `${what} is empty`);

export const optionalText = z.string().transform((value) => (value === "" ? null : value));

export function optionalAmount(digits: number) {
  return z.string().transform((text, ctx): bigint | null => {
    if (text === "") return null;
    const parsed = parseAmount(text, digits);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.reason });
      return z.NEVER;
    }
    return parsed.minor;
  });
}

/** The longest text accepted in a cell, in characters: names, addresses, labels. */
export const MAX_TEXT_CHARS = 1_000;
/** The longest identifier (customer id, invoice number, payment reference): they are indexed keys. */
export const MAX_IDENTIFIER_CHARS = 100;
/** Columns that hold an identifier, in every format. */
const IDENTIFIER_COLUMNS = new Set([
  "external_id",
  "customer_id",
  "number",
  "reference",
  "invoice_number",
  "JournalCode",
  "EcritureNum",
  "CompAuxNum",
  "PieceRef",
]);

const thousands = new Intl.NumberFormat("en");

/** Why a cell is too long to be read, or null. */
export function lengthProblem(column: string, text: string): string | null {
  const max = IDENTIFIER_COLUMNS.has(column) ? MAX_IDENTIFIER_CHARS : MAX_TEXT_CHARS;
  if (text.length <= max) return null;
  const length = [...text].length;
  return length <= max ? null : `${thousands.format(length)} characters, at most ${thousands.format(max)} are accepted`;
}

/**
 * "column: reason" for every cell longer than its limit (MAX_TEXT_CHARS, or MAX_IDENTIFIER_CHARS for ids,
 * numbers and references) or holding a control character (line breaks, tab, ESC, BEL, DEL, C1): names,
 * addresses and references are single-line, so a quoted line break cannot forge a line in a letter. The
 * columns in `multiLine` (the postal address) may hold line breaks between their lines, nothing else.
 */
export function textProblems(
  raw: Record<string, string>,
  multiLine: ReadonlySet<string> = NO_COLUMNS,
): { problems: string[]; tooLong: ReadonlySet<string> } {
  // Nothing is allocated for a row without problems (the usual case, once per line of a large file).
  let found: { problems: string[]; tooLong: Set<string> } | null = null;
  for (const column in raw) {
    const text = raw[column] as string;
    const length = lengthProblem(column, text);
    if (length) {
      found ??= { problems: [], tooLong: new Set() };
      found.problems.push(`${column}: ${length}`);
      found.tooLong.add(column);
      continue;
    }
    if (!CONTROL_CHARACTER.test(text)) continue;
    const parts = multiLine.has(column) ? text.split("\n") : [text];
    for (const part of parts) {
      const problem = singleLineProblem(part);
      if (problem) {
        found ??= { problems: [], tooLong: new Set() };
        found.problems.push(`${column}: ${problem}`);
        break;
      }
    }
  }
  return found ?? NO_PROBLEMS;
}

const NO_COLUMNS: ReadonlySet<string> = new Set();
const NO_PROBLEMS: { problems: string[]; tooLong: ReadonlySet<string> } = Object.freeze({ problems: [], tooLong: NO_COLUMNS });

/** "column: reason; column: reason" from a failed parse (columns in `skip`, already reported, are left out). */
export function describeIssues(error: z.ZodError, skip: ReadonlySet<string> = new Set()): string {
  return error.issues
    .filter((issue) => !skip.has(String(issue.path[0] ?? "")))
    .map((issue) => {
      const column = issue.path.join(".");
      return column ? `${column}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

/**
 * Converts one row's text fields into values, collecting "column: reason" problems. zod checks the row's
 * shape (a plain object schema, which zod compiles: fast); the conversions that need a parser (amounts,
 * dates) are the domain's own functions, called here once per field. Reused from row to row.
 */
const DATE_CACHE_SIZE = 10_000;

export class RowProblems {
  private readonly list: string[] = [];
  /** Columns of this row already refused as too long: their content is not quoted in other reasons. */
  private tooLong: ReadonlySet<string> = new Set();
  private readonly dates = new Map<string, CalendarDate | null>();
  private readonly compactDates = new Map<string, CalendarDate | null>();

  get failed(): boolean {
    return this.list.length > 0;
  }

  get reason(): string {
    return this.list.join("; ");
  }

  add(column: string, reason: string): void {
    if (!this.tooLong.has(column)) this.list.push(`${column}: ${reason}`);
  }

  /**
   * Starts a row: forgets the previous row's problems, refuses cells too long or holding control characters
   * and checks its shape with zod. `shape` may be null when the caller has checked, field by field, that
   * the shape holds (the usual row of a large file: zod then runs only for the rows it would refuse).
   */
  start(shape: z.ZodType | null, raw: Record<string, string>): this {
    this.list.length = 0;
    const text = textProblems(raw);
    this.tooLong = text.tooLong;
    for (const problem of text.problems) this.list.push(problem);
    if (shape === null) return this;
    const checked = shape.safeParse(raw);
    if (!checked.success) this.zod(checked.error);
    return this;
  }

  /** The row's currency: empty means the company's; any other is refused for now. */
  companyCurrency(text: string, companyCurrency: string): string {
    const code = text === "" ? companyCurrency : text.toUpperCase();
    if (code !== companyCurrency) this.add("currency", `${text}: only ${companyCurrency}, the company currency, is supported for now`);
    return code;
  }

  /** Records the issues of a failed zod parse. */
  zod(error: z.ZodError): void {
    for (const issue of error.issues) {
      if (issue.path.length === 0) this.list.push(issue.message);
      else this.add(issue.path.join("."), issue.message);
    }
  }

  amount(column: string, text: string, digits: number, options: { positive?: boolean } = {}): bigint {
    const parsed = parseAmount(text, digits);
    if (!parsed.ok) {
      this.add(column, parsed.reason);
      return 0n;
    }
    if (options.positive && parsed.minor <= 0n) this.add(column, `must be greater than zero (got "${text}")`);
    return parsed.minor;
  }

  optionalAmount(column: string, text: string, digits: number): bigint | null {
    return text === "" ? null : this.amount(column, text, digits);
  }

  date(column: string, text: string, compact = false): CalendarDate {
    // A file repeats few dates many times: each distinct text is parsed once (a bounded cache).
    const cache = compact ? this.compactDates : this.dates;
    let date = cache.get(text);
    if (date === undefined) {
      if (cache.size >= DATE_CACHE_SIZE) cache.clear();
      date = parseCalendarDate(text, { compact });
      if (text.length <= 32) cache.set(text, date);
    }
    if (date === null) {
      this.add(
        column,
        text === "" ? "date is empty" : `"${text}" is not a date (write ${compact ? "YYYYMMDD" : "YYYY-MM-DD or DD/MM/YYYY"})`,
      );
      return "1970-01-01" as CalendarDate;
    }
    return date;
  }

  optionalDate(column: string, text: string, compact = false): CalendarDate | null {
    return text === "" ? null : this.date(column, text, compact);
  }
}
