// What a command may touch: its output streams and whether a person is watching (a TTY).
import type { Database } from "../db/database.js";

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** A person at a terminal: progress and tables. Otherwise quiet, and JSON on stdout. */
  interactive: boolean;
  env: NodeJS.ProcessEnv;
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

/** A plain text table: columns padded to their widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export const integer = new Intl.NumberFormat("en-US");
