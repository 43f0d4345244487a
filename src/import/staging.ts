// A temporary table filled in batches through COPY (PostgreSQL's bulk load, on PGlite and on a server):
// rows are appended to a text buffer and sent every 5,000 rows, so memory stays flat whatever the file size.
import type { Sql } from "../db/database.js";

export type StageType = "int" | "bigint" | "text" | "date" | "bool";

/** COPY text format: backslash escapes for the separator, line breaks and the backslash itself. */
function encode(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  const text = typeof value === "boolean" ? (value ? "t" : "f") : String(value);
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c] as string)
    : text;
}

export class StagingTable<Columns extends Record<string, StageType>> {
  private readonly names: Array<keyof Columns & string>;
  private buffer: string[] = [];
  /** The batch being sent while the next one is read: file parsing and COPY overlap. */
  private inFlight: Promise<void> | null = null;
  rowCount = 0;

  constructor(
    private readonly sql: Sql,
    readonly name: string,
    private readonly columns: Columns,
    private readonly batchSize = 5_000,
  ) {
    this.names = Object.keys(columns) as Array<keyof Columns & string>;
  }

  async create(): Promise<void> {
    const definitions = this.names.map((column) => `"${column}" ${this.columns[column]}`);
    await this.sql.exec(`CREATE TEMP TABLE "${this.name}" (${definitions.join(", ")}) ON COMMIT DROP`);
  }

  /** Buffers a row; call `sendIfFull` between batches of rows and `flush` at the end. */
  push(row: { [K in keyof Columns]: unknown }): void {
    const values = new Array<string>(this.names.length);
    for (let i = 0; i < this.names.length; i++) values[i] = encode(row[this.names[i] as keyof Columns]);
    // join() makes one flat string: concatenation would keep a tree of pieces alive until the batch is sent.
    this.buffer.push(values.join("\t"));
  }

  async sendIfFull(): Promise<void> {
    if (this.buffer.length >= this.batchSize) await this.send();
  }

  /** Sends what is buffered, waits until every row is in the table, and gathers planner statistics
   *  (autovacuum never analyses temporary tables; without statistics joins on them go quadratic). */
  async flush(): Promise<void> {
    await this.send();
    await this.settle();
    await this.sql.exec(`ANALYZE "${this.name}"`);
  }

  private async send(): Promise<void> {
    await this.settle();
    if (this.buffer.length === 0) return;
    const text = this.buffer.join("\n") + "\n";
    this.rowCount += this.buffer.length;
    this.buffer = [];
    const sending = this.sql.copyFrom(this.name, this.names, text);
    // Failures surface at the next send or flush; until then, keep Node from calling them unhandled.
    sending.catch(() => undefined);
    this.inFlight = sending;
  }

  private async settle(): Promise<void> {
    const sending = this.inFlight;
    this.inFlight = null;
    if (sending) await sending;
  }
}
