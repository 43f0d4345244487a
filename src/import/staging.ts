// A temporary table filled in batches with one `INSERT ... SELECT FROM unnest(...)` per batch: the same
// SQL on PGlite and PostgreSQL, a few round trips per 10,000 rows, and nothing kept in memory.
import type { Sql } from "../db/database.js";

export type StageType = "int" | "bigint" | "text" | "date" | "bool";

export class StagingTable<Columns extends Record<string, StageType>> {
  private batch: Record<keyof Columns, unknown[]>;
  private size = 0;
  rowCount = 0;

  constructor(
    private readonly sql: Sql,
    readonly name: string,
    private readonly columns: Columns,
    private readonly batchSize = 10_000,
  ) {
    this.batch = this.emptyBatch();
  }

  async create(): Promise<void> {
    const definitions = Object.entries(this.columns).map(([column, type]) => `"${column}" ${type}`);
    await this.sql.exec(`CREATE TEMP TABLE "${this.name}" (${definitions.join(", ")}) ON COMMIT DROP`);
  }

  async add(row: { [K in keyof Columns]: unknown }): Promise<void> {
    for (const column in this.columns) this.batch[column].push(row[column] ?? null);
    this.size += 1;
    if (this.size >= this.batchSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const names = Object.keys(this.columns);
    const casts = names.map((column, i) => `$${i + 1}::${this.columns[column]}[]`);
    await this.sql.query(
      `INSERT INTO "${this.name}" (${names.map((n) => `"${n}"`).join(", ")}) SELECT * FROM unnest(${casts.join(", ")})`,
      names.map((column) => this.batch[column]),
    );
    this.rowCount += this.size;
    this.batch = this.emptyBatch();
    this.size = 0;
  }

  private emptyBatch(): Record<keyof Columns, unknown[]> {
    const batch = {} as Record<keyof Columns, unknown[]>;
    for (const column in this.columns) batch[column] = [];
    return batch;
  }
}
