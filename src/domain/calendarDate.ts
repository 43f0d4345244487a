// Calendar dates ("2026-11-23"), with no time of day and no time zone: due dates, issue dates, promise
// dates. Arithmetic goes through UTC midnights, where every day has 24 hours.

declare const calendarDateBrand: unique symbol;
export type CalendarDate = string & { readonly [calendarDateBrand]: true };

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const DMY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const MS_PER_DAY = 86_400_000;

function build(year: number, month: number, day: number): CalendarDate | null {
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}` as CalendarDate;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Accepts 2026-11-23, 23/11/2026 and, with `compact`, 20261123 (FEC). Returns null when not a real date. */
export function parseCalendarDate(text: string, formats: { compact?: boolean } = {}): CalendarDate | null {
  const value = text.trim();
  let match = ISO.exec(value);
  if (match) return build(Number(match[1]), Number(match[2]), Number(match[3]));
  match = DMY.exec(value);
  if (match) return build(Number(match[3]), Number(match[2]), Number(match[1]));
  if (formats.compact) {
    match = COMPACT.exec(value);
    if (match) return build(Number(match[1]), Number(match[2]), Number(match[3]));
  }
  return null;
}

export function calendarDate(text: string): CalendarDate {
  const date = parseCalendarDate(text);
  if (date === null) throw new RangeError(`not a calendar date: ${text}`);
  return date;
}

function toUtcMs(date: CalendarDate): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

function fromUtcMs(ms: number): CalendarDate {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  const day = date.getUTCDate();
  return `${year}-${month < 10 ? "0" : ""}${month}-${day < 10 ? "0" : ""}${day}` as CalendarDate;
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromUtcMs(toUtcMs(date) + days * MS_PER_DAY);
}

export function endOfMonth(date: CalendarDate): CalendarDate {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return build(year, month, daysInMonth(year, month)) as CalendarDate;
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / MS_PER_DAY);
}

/** The calendar date of an instant in a time zone, e.g. the company's "today". */
export function calendarDateAt(instant: Date, timeZone: string): CalendarDate {
  return dayFormatter(timeZone).format(instant) as CalendarDate;
}

// One formatter per time zone: building an Intl.DateTimeFormat costs far more than formatting with it, and
// the digest converts thousands of instants (disputes, promises, decisions).
const dayFormatters = new Map<string, Intl.DateTimeFormat>();
function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = dayFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dayFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The calendar date stored by Prisma for a @db.Date column (UTC midnight). */
export function calendarDateFromDb(value: Date): CalendarDate {
  return value.toISOString().slice(0, 10) as CalendarDate;
}

export function calendarDateToDb(date: CalendarDate): Date {
  return new Date(toUtcMs(date));
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}
