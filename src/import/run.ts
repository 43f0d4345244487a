// Runs one import: the whole file in one transaction, committed only when every row is valid.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import path from "node:path";
import type { Database, Sql } from "../db/database.js";
import { loadSettings, type CompanySettings } from "../db/settings.js";
import { AppError } from "../errors.js";
import { openDelimitedFile, type EncodingOption, type RowSource } from "./source.js";

export interface Counts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface Rejection {
  line: number;
  reason: string;
}

export interface ImportSummary {
  kind: string;
  file: string;
  encoding: string;
  delimiter: string;
  /** Data lines read (the header is not counted). */
  lines: number;
  /** Per kind of record written, e.g. { customers: {...}, invoices: {...} }. */
  counts: Record<string, Counts>;
  durationMs: number;
  /** Milliseconds per phase: reading and checking the file, then writing it. */
  phases: Record<string, number>;
}

export interface ImportProgress {
  lines: number;
  bytesRead: number;
  totalBytes: number;
  elapsedMs: number;
}

/** At most this many rejected lines are kept with their reasons; the rest are counted. */
export const MAX_REPORTED_REJECTIONS = 1000;

export class Rejections {
  readonly list: Rejection[] = [];
  count = 0;

  add(line: number, reason: string): void {
    this.count += 1;
    if (this.list.length < MAX_REPORTED_REJECTIONS) this.list.push({ line, reason });
  }
}

export class ImportRejectedError extends AppError {
  constructor(
    readonly file: string,
    readonly lines: number,
    readonly rejections: Rejection[],
    readonly rejectedCount: number,
  ) {
    super(
      "import.rejected",
      `${file}: ${rejectedCount} of ${lines} line${lines === 1 ? "" : "s"} rejected; nothing was imported. ` +
        `Fix the lines below and import the whole file again.`,
    );
    this.name = "ImportRejectedError";
  }
}

export interface ImportContext {
  sql: Sql;
  settings: CompanySettings;
  /** File name as shown in messages. */
  fileName: string;
  rejections: Rejections;
  /** Call once per data line read. */
  lineRead(): void;
  /** Marks the end of a phase ("read", "checks", "merge"); the time since the previous mark is recorded. */
  phase(name: string): void;
}

export interface Importer {
  kind: string;
  /** False for FEC files, which are never quoted. */
  quoted: boolean;
  run(context: ImportContext, source: RowSource): Promise<Record<string, Counts>>;
}

export interface ImportOptions {
  encoding?: EncodingOption;
  onProgress?: (progress: ImportProgress) => void;
  /** How often onProgress is called, in data lines. */
  progressEvery?: number;
}

export async function runImport(db: Database, importer: Importer, file: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const started = Date.now();
  const fileName = path.basename(file);
  const source = openDelimitedFile(file, { encoding: options.encoding ?? "auto", quoted: importer.quoted });
  const sha256 = await fileSha256(file);
  const every = options.progressEvery ?? 10_000;
  let lines = 0;
  const report = () =>
    options.onProgress?.({ lines, bytesRead: source.bytesRead(), totalBytes: source.totalBytes, elapsedMs: Date.now() - started });
  const rejections = new Rejections();
  const phases: Record<string, number> = {};
  let lastMark = started;
  const written = await db.transaction(async (sql) => {
    // One import at a time per database: concurrent imports of overlapping files would race on inserts.
    await sql.query("SELECT pg_advisory_xact_lock(hashtext('ccbot-import'))");
    const settings = await loadSettings(sql);
    const context: ImportContext = {
      sql,
      settings,
      fileName,
      rejections,
      phase(name) {
        const now = Date.now();
        phases[name] = (phases[name] ?? 0) + now - lastMark;
        lastMark = now;
      },
      lineRead() {
        lines += 1;
        if (lines % every === 0) report();
      },
    };
    const result = await importer.run(context, source);
    context.phase("merge");
    report();
    if (rejections.count > 0) {
      rejections.list.sort((a, b) => a.line - b.line);
      throw new ImportRejectedError(fileName, lines, rejections.list, rejections.count);
    }
    const total = (key: keyof Counts) => Object.values(result).reduce((sum, c) => sum + c[key], 0);
    await sql.query(
      `INSERT INTO import_run (kind, "fileName", sha256, "finishedAt", lines, created, updated, unchanged)
       VALUES ($1, $2, $3, now(), $4, $5, $6, $7)`,
      [importer.kind, fileName, sha256, lines, total("created"), total("updated"), total("unchanged")],
    );
    return result;
  });
  return {
    kind: importer.kind,
    file: fileName,
    encoding: source.encoding,
    delimiter: source.delimiter,
    lines,
    counts: written,
    durationMs: Date.now() - started,
    phases,
  };
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Runs a counting upsert: the statement must end in `RETURNING (xmax = 0) AS inserted`. */
export async function countedUpsert(sql: Sql, upsert: string, staged: number, params: unknown[] = []): Promise<Counts> {
  const [row] = await sql.query<{ created: number; updated: number }>(
    `WITH up AS (${upsert})
     SELECT count(*) FILTER (WHERE inserted)::int AS created, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM up`,
    params,
  );
  const created = row?.created ?? 0;
  const updated = row?.updated ?? 0;
  return { created, updated, unchanged: staged - created - updated };
}

export function counts(staged: number, created: number, updated: number): Counts {
  return { created, updated, unchanged: staged - created - updated };
}

/** Lines of the staging table that share a key: each is rejected, naming the others. */
export async function rejectDuplicateKeys(
  context: ImportContext,
  table: string,
  keyExpression: string,
  describe: (key: string) => string,
): Promise<void> {
  // Count first (a cheap hash aggregate), then gather line numbers only for the repeated keys.
  const rows = await context.sql.query<{ key: string; lines: number[] }>(
    `WITH repeated AS (SELECT ${keyExpression} AS key FROM "${table}" GROUP BY 1 HAVING count(*) > 1 LIMIT ${MAX_REPORTED_REJECTIONS})
     SELECT r.key, array_agg(t.line ORDER BY t.line) AS lines
       FROM (SELECT line, ${keyExpression} AS key FROM "${table}") t JOIN repeated r ON r.key = t.key
      GROUP BY r.key ORDER BY min(t.line)`,
  );
  for (const row of rows) {
    for (const line of row.lines) {
      const others = row.lines.filter((l) => l !== line).join(", ");
      context.rejections.add(line, `${describe(row.key)} appears more than once in the file (also line ${others})`);
    }
  }
}
