// CSV files that leave the system (ccbot report --format csv, ccbot history export --format csv): one writer,
// RFC 4180 quoting and the OWASP defence against formula injection ("CSV injection").
//
// A spreadsheet runs a cell starting with = + - @ (and, in some, a tab or carriage return) as a formula:
// a customer named =HYPERLINK("http://x","click") would become a link in the finance director's sheet.
// Text cells starting with one of those characters get a leading single quote (the spreadsheet shows the
// text, it runs nothing). Numeric cells (amounts, counts, rates the bot computed itself) are written as
// they are so that -12,50 stays a negative number; a numeric cell that is not a plain number is treated
// as text.

export interface CsvOptions {
  /** ";" for locales with a decimal comma, "," otherwise. */
  separator: string;
}

/** A cell: text (neutralised when it could be a formula) or a number written by the bot itself. */
export type CsvCell = string | { number: string } | null | undefined;

/** Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection), line breaks included. */
const FORMULA_START = /^[=+\-@\t\r\n]/;
const PLAIN_NUMBER = /^-?\d+(?:[.,]\d+)?$/;

/** One cell, neutralised then quoted when it holds the separator, a quote or a line break. */
export function csvField(cell: CsvCell, options: CsvOptions): string {
  if (cell === null || cell === undefined) return "";
  let text: string;
  if (typeof cell === "object") text = PLAIN_NUMBER.test(cell.number) ? cell.number : neutralise(cell.number);
  else text = neutralise(cell);
  return text.includes(options.separator) || /["\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A whole file: a header line and the rows, lines ended by CRLF (RFC 4180). */
export function csvDocument(header: string[], rows: CsvCell[][], options: CsvOptions): string {
  return [header, ...rows].map((row) => row.map((cell) => csvField(cell, options)).join(options.separator)).join("\r\n");
}
