// What a command may touch: its output streams and whether a person is watching (a TTY).
import type { Database } from "../db/database.js";
import { truncate, visibleCell } from "../domain/text.js";

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** A person at a terminal: progress and tables. Otherwise quiet, and JSON on stdout. */
  interactive: boolean;
  env: NodeJS.ProcessEnv;
  /**
   * The database of DATABASE_URL when the process running ccbot already holds it open (a host embedding the
   * CLI, the tests): used as it is, migrated like an opened one, and left open. Without it each command opens
   * DATABASE_URL and closes it when done.
   */
  database?: Database;
}

export interface CommandContext {
  io: CliIO;
  /** Opens (and migrates) the database of DATABASE_URL, once. */
  database(): Promise<Database>;
  json: boolean;
}

export function print(stream: NodeJS.WritableStream, text = ""): void {
  stream.write(`${text}\n`);
}

export function printJson(io: CliIO, value: unknown): void {
  print(
    io.stdout,
    JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), io.interactive ? 2 : undefined),
  );
}

/**
 * Widest a table cell is shown, in characters: longer values end with "…" (a 5,000-character name must not
 * widen every row). --format csv and json keep the whole value.
 */
export const TABLE_CELL_MAX_WIDTH = 60;

/** A value as a table cell or inside a line of terminal text: control characters visible, at most `max` characters. */
export function shown(text: string, max = TABLE_CELL_MAX_WIDTH): string {
  return truncate(visibleCell(text), max);
}

/** A plain text table: columns padded to their widest cell; control characters made visible, long cells cut. */
export function table(headers: string[], rows: string[][]): string {
  const clean = (cells: string[]) => cells.map((c) => shown(c));
  const head = clean(headers);
  const body = rows.map(clean);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

export const integer = new Intl.NumberFormat("en-US");
