// Runs one import: the whole file in one transaction, committed only when every row is valid.
import path from "node:path";
import type { Database, Sql } from "../db/database.js";
import { loadSettings, type CompanySettings } from "../db/settings.js";
import { defaultPolicy, type Policy } from "../domain/policy.js";
import { AppError } from "../errors.js";
import type { ColumnSpec } from "./columns.js";
import { decideEncoding, scanFile, type EncodingOption } from "./scan.js";
import { openDelimitedFile, SourceLineError, type RowSource, type SourceRow } from "./source.js";

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
  /** What the import did that a person should know: the encoding chosen and why, line endings, corrections. */
  notes: string[];
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
  /** The dunning policy (its calendars name the levels a steps file may use). */
  policy: Policy;
  /** File name as shown in messages. */
  fileName: string;
  rejections: Rejections;
  /** Call once per data line read. */
  lineRead(): void;
  /** Marks the end of a phase ("read", "checks", "merge"); the time since the previous mark is recorded. */
  phase(name: string): void;
  /** Adds a line to the summary's notes. */
  note(text: string): void;
  /**
   * True when the row has as many fields as the header; otherwise rejects it (its values would land in the
   * wrong columns: "12,50" in a comma-separated file is two fields, 12 and 50) and returns false.
   */
  wellFormed(row: SourceRow): boolean;
}

export interface Importer {
  kind: string;
  /** The columns it reads (names and aliases): how the import inbox tells a file's kind from its header. */
  columns: ReadonlyArray<ColumnSpec>;
  /** False for FEC files, which are never quoted. */
  quoted: boolean;
  run(context: ImportContext, source: RowSource): Promise<Record<string, Counts>>;
}

export interface ImportOptions {
  encoding?: EncodingOption;
  onProgress?: (progress: ImportProgress) => void;
  /** How often onProgress is called, in data lines. */
  progressEvery?: number;
  /** The company's dunning policy (default: the built-in one); `ccbot import` passes the policy file's. */
  policy?: Policy;
}

export async function runImport(db: Database, importer: Importer, file: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const started = Date.now();
  const fileName = path.basename(file);
  const scan = await scanFile(file).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (error as Error).message;
    throw new AppError("input.file", `Cannot read ${file}: ${why}.`);
  });
  const sha256 = scan.sha256;
  const decision = decideEncoding(scan, options.encoding ?? "auto");
  if (decision.refusal) {
    throw new ImportRejectedError(fileName, Math.max(scan.lines - 1, 0), [decision.refusal], 1);
  }
  const notes: string[] = [];
  if (decision.note) notes.push(decision.note);
  if (scan.lineEnding === "cr") notes.push("line endings: CR only (classic Mac OS); each CR read as a line break");
  const source = openDelimitedFile(file, { encoding: decision.encoding, lineEnding: scan.lineEnding, quoted: importer.quoted });
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
    // Room for the import's hash aggregates and joins over the whole file (duplicate keys, the merge) to stay
    // in memory instead of spilling to disk: for this transaction only.
    if (db.kind === "postgresql") await sql.query("SET LOCAL work_mem = '64MB'");
    const settings = await loadSettings(sql);
    const context: ImportContext = {
      sql,
      settings,
      policy: options.policy ?? defaultPolicy,
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
      note(text) {
        notes.push(text);
      },
      wellFormed(row) {
        if (row.fields.length === source.header.length) return true;
        rejections.add(row.line, fieldCountProblem(row.fields, source.header.length, source.delimiter, importer.quoted));
        return false;
      },
    };
    let result: Record<string, Counts>;
    try {
      result = await importer.run(context, source);
    } catch (error) {
      if (!(error instanceof SourceLineError)) throw error;
      // Reading stopped at this line: report it with the rows already found wrong.
      rejections.add(error.line, error.reason);
      result = {};
    }
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
    notes,
  };
}

function fieldCountProblem(fields: string[], expected: number, delimiter: string, quoted: boolean): string {
  const shown = delimiter === "\t" ? "tab" : `"${delimiter}"`;
  let reason = `has ${fields.length} fields, the header has ${expected} (separator ${shown})`;
  if (fields.length > expected && delimiter === "," && quoted) {
    // An amount written with a decimal comma: "12" then "50" (or "1 234" then "50").
    const at = fields.findIndex((f, i) => /^\s*-?\d[\d .]*$/.test(f) && /^\d{1,3}\s*$/.test(fields[i + 1] ?? ""));
    const example = at >= 0 ? `${(fields[at] as string).trim()},${(fields[at + 1] as string).trim()}` : "12,50";
    reason += `: an amount with a decimal comma must be quoted ("${example}") or the file saved with ; as separator`;
  }
  return reason;
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

/**
 * Lines of the staging table that share a key: each is rejected, naming the others. `groupBy` (columns never
 * null, e.g. "kind, number") groups on the columns themselves, cheaper than building the key text for every
 * line; the key text is then built only for the repeated ones.
 */
export async function rejectDuplicateKeys(
  context: ImportContext,
  table: string,
  keyExpression: string,
  describe: (key: string) => string,
  groupBy?: string,
): Promise<void> {
  // Count first (a cheap hash aggregate), then gather line numbers only for the repeated keys.
  const rows = await context.sql.query<{ key: string; lines: number[] }>(
    groupBy === undefined
      ? `WITH repeated AS (SELECT ${keyExpression} AS key FROM "${table}" GROUP BY 1 HAVING count(*) > 1 LIMIT ${MAX_REPORTED_REJECTIONS})
         SELECT r.key, array_agg(t.line ORDER BY t.line) AS lines
           FROM (SELECT line, ${keyExpression} AS key FROM "${table}") t JOIN repeated r ON r.key = t.key
          GROUP BY r.key ORDER BY min(t.line)`
      : `WITH repeated AS (SELECT ${groupBy} FROM "${table}" GROUP BY ${groupBy} HAVING count(*) > 1 LIMIT ${MAX_REPORTED_REJECTIONS})
         SELECT ${keyExpression} AS key, array_agg(line ORDER BY line) AS lines
           FROM "${table}" JOIN repeated USING (${groupBy})
          GROUP BY ${groupBy} ORDER BY min(line)`,
  );
  for (const row of rows) {
    for (const line of row.lines) {
      const others = row.lines.filter((l) => l !== line).join(", ");
      context.rejections.add(line, `${describe(row.key)} appears more than once in the file (also line ${others})`);
    }
  }
}
