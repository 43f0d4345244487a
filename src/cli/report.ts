// A report is columns and rows; it prints as a terminal table, a CSV that opens in a spreadsheet of the
// company's locale (French: ";" and decimal comma), or JSON for scripts (amounts as decimal strings).
import { formatMinor, formatMoney, minorDigits } from "../domain/money.js";
import { csvDocument, type CsvCell } from "../documents/csv.js";
import { visibleLines } from "../domain/text.js";
import { t } from "../i18n/index.js";
import { table } from "./io.js";

export type ColumnKind = "text" | "money" | "integer" | "decimal" | "percent";

export interface ReportColumn {
  key: string;
  label: string;
  kind: ColumnKind;
}

/** A headline figure printed above the rows (e.g. the receivables of `report kpis`). */
export interface ReportFigure extends ReportColumn {
  value: unknown;
}

export interface Report {
  title: string;
  /**
   * Headline figures: a "label: value" line each in a table; in JSON the document becomes
   * { figures: { key: value }, rows: [...] }; in CSV a "figure;value" block, an empty line, then the rows.
   */
  headline?: ReportFigure[];
  /** A line between the headline figures and the rows, in a table. */
  subtitle?: string;
  columns: ReportColumn[];
  rows: Array<Record<string, unknown>>;
}

export type ReportFormat = "table" | "csv" | "json";

export function formatReport(report: Report, format: ReportFormat, currency: string, locale: string): string {
  if (format === "json") {
    const rows = report.rows.map((row) => jsonRow(report.columns, row, currency));
    if (!report.headline) return JSON.stringify(rows, null, 2);
    const figures = jsonRow(report.headline, Object.fromEntries(report.headline.map((f) => [f.key, f.value])), currency);
    return JSON.stringify({ figures, rows }, null, 2);
  }
  if (format === "csv") {
    const rows = csv(report, currency, locale);
    if (!report.headline) return rows;
    const figures = csv(report, currency, locale, report.headline);
    return `${figures}\r\n\r\n${rows}`;
  }
  const cells = report.rows.map((row) => report.columns.map((c) => displayCell(row[c.key], c.kind, currency, locale)));
  const headline = (report.headline ?? []).map((f) => `${f.label}: ${displayCell(f.value, f.kind, currency, locale) || t(locale, "report.notAvailable")}`);
  const intro = [visibleLines(report.title), ...headline, ...(report.subtitle ? ["", report.subtitle] : [])].join("\n");
  return `${intro}\n\n${table(
    report.columns.map((c) => c.label),
    cells,
  )}`;
}

function jsonRow(columns: ReportColumn[], row: Record<string, unknown>, currency: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const value = row[c.key];
    out[c.key] =
      value === null || value === undefined ? null : c.kind === "money" ? formatMinor(value as bigint, minorDigits(currency)) : value;
  }
  return out;
}

function displayCell(value: unknown, kind: ColumnKind, currency: string, locale: string): string {
  if (value === null || value === undefined) return "";
  switch (kind) {
    case "money":
      return formatMoney(value as bigint, currency, locale);
    case "percent":
      return new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(
        value as number,
      );
    case "decimal":
      return new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value as number);
    case "integer":
      return new Intl.NumberFormat(locale).format(value as number);
    default:
      return String(value);
  }
}

/**
 * CSV for a spreadsheet in this locale: the decimal separator of the locale, ";" when it is a comma. Text
 * cells are neutralised against formula injection by the shared writer (src/documents/csv.ts); the
 * numbers the bot computed are written as plain numbers, negative ones included.
 */
function csv(report: Report, currency: string, locale: string, figures?: ReportFigure[]): string {
  const decimalComma = new Intl.NumberFormat(locale).format(1.5).includes(",");
  const separator = decimalComma ? ";" : ",";
  const number = (text: string): CsvCell => ({ number: decimalComma ? text.replace(".", ",") : text });
  const cell = (value: unknown, kind: ColumnKind): CsvCell => {
    if (value === null || value === undefined) return null;
    switch (kind) {
      case "money":
        return number(formatMinor(value as bigint, minorDigits(currency)));
      case "percent":
        return number(((value as number) * 100).toFixed(1));
      case "decimal":
        return number((value as number).toFixed(1));
      case "integer":
        return number(String(value));
      default:
        return String(value);
    }
  };
  const header = report.columns.map((c) =>
    c.kind === "percent" ? `${c.label} (%)` : c.kind === "money" ? `${c.label} (${currency})` : c.label,
  );
  if (figures) {
    // One figure a line: its label (with the unit) and its value, a number where it is one.
    const label = (f: ReportFigure) =>
      f.kind === "percent" ? `${f.label} (%)` : f.kind === "money" ? `${f.label} (${currency})` : f.label;
    return csvDocument(
      [t(locale, "report.csvFigure"), t(locale, "report.csvValue")],
      figures.map((f) => [label(f), cell(f.value, f.kind)]),
      { separator },
    );
  }
  return csvDocument(
    header,
    report.rows.map((row) => report.columns.map((c) => cell(row[c.key], c.kind))),
    { separator },
  );
}
