// A temporary table filled in batches through COPY (PostgreSQL's bulk load, on PGlite and on a server):
// rows are appended to a text buffer and sent every 20,000 rows, so memory stays flat whatever the file size.
import type { Sql } from "../db/database.js";

export type StageType = "int" | "bigint" | "text" | "date" | "bool";

/** COPY text format: backslash escapes for the separator, line breaks and the backslash itself. */
function encode(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  const text = typeof value === "boolean" ? (value ? "t" : "f") : String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c] as string) : text;
}

export class StagingTable<Columns extends Record<string, StageType>> {
  private readonly names: Array<keyof Columns & string>;
  private buffer: string[] = [];
  rowCount = 0;

  constructor(
    private readonly sql: Sql,
    readonly name: string,
    private readonly columns: Columns,
    private readonly batchSize = 20_000,
  ) {
    this.names = Object.keys(columns) as Array<keyof Columns & string>;
  }

  async create(): Promise<void> {
    const definitions = this.names.map((column) => `"${column}" ${this.columns[column]}`);
    await this.sql.exec(`CREATE TEMP TABLE "${this.name}" (${definitions.join(", ")}) ON COMMIT DROP`);
  }

  /** Adds a row; returns a promise only when a batch is sent (await it: `await stage.add(row)`). */
  async add(row: { [K in keyof Columns]: unknown }): Promise<void> {
    let line = "";
    for (let i = 0; i < this.names.length; i++) {
      if (i > 0) line += "\t";
      line += encode(row[this.names[i] as keyof Columns]);
    }
    this.buffer.push(line);
    if (this.buffer.length >= this.batchSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const text = this.buffer.join("\n") + "\n";
    this.rowCount += this.buffer.length;
    this.buffer = [];
    await this.sql.copyFrom(this.name, this.names, text);
  }
}
