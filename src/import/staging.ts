// A temporary table filled in batches through COPY (PostgreSQL's bulk load, on PGlite and on a server):
// rows are appended to a text buffer and sent every 5,000 rows, so memory stays flat whatever the file size.
import type { Sql } from "../db/database.js";

export type StageType = "int" | "bigint" | "text" | "date" | "bool";

const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** COPY text format: backslash escapes for the separator, line breaks and the backslash itself. */
function encode(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value !== "string") return String(value);
  const text = value;
  return SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] as string) : text;
}

/**
 * The COPY in flight on each connection, whichever staging table it fills: a connection runs one statement at
 * a time, and asking it for another while one runs queues it inside the driver (which pg deprecates: a
 * DeprecationWarning during FEC imports, whose three staging tables each had their batch in flight).
 */
const copying = new WeakMap<Sql, Promise<void>>();

export class StagingTable<Columns extends Record<string, StageType>> {
  private readonly names: Array<keyof Columns & string>;
  /** The rows of the batch being filled, already in COPY text format (off the JS heap: no GC copying). */
  private buffer = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private rows = 0;
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
    const names = this.names;
    let line = encode(row[names[0] as keyof Columns]);
    for (let i = 1; i < names.length; i++) line += "\t" + encode(row[names[i] as keyof Columns]);
    line += "\n";
    // Worst case 3 bytes of UTF-8 per UTF-16 unit.
    if (this.used + line.length * 3 > this.buffer.length) this.grow(this.used + line.length * 3);
    this.used += this.buffer.write(line, this.used, "utf8");
    this.rows += 1;
  }

  private grow(needed: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(bigger, 0, 0, this.used);
    this.buffer = bigger;
  }

  async sendIfFull(): Promise<void> {
    if (this.rows >= this.batchSize) await this.send();
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
    if (this.rows === 0) return;
    // The batch's bytes go to the database as they are; the next batch fills a buffer of its own.
    const bytes = this.buffer.subarray(0, this.used);
    this.rowCount += this.rows;
    this.buffer = Buffer.allocUnsafe(Math.min(this.buffer.length, 4 << 20));
    this.used = 0;
    this.rows = 0;
    const before = copying.get(this.sql);
    // The previous COPY on this connection (another table's) fails on its own table's next send or flush.
    const sending = (before ? before.catch(() => undefined) : Promise.resolve()).then(() =>
      this.sql.copyFrom(this.name, this.names, bytes),
    );
    copying.set(this.sql, sending);
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
