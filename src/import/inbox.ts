// The import inbox (IMPORT_INBOX=/path): files dropped into a folder are imported by themselves.
//
// The folder's life:
//   /path/invoices.csv                     dropped by a person or another system (still being copied, perhaps)
//   /path/processing/<batch>/invoices.csv  claimed: moved here by exactly one bot process, then imported
//   /path/done/<batch>__invoices.csv       imported, with <batch>__invoices.csv.report.txt beside it
//   /path/failed/<batch>__invoices.csv     rejected (nothing written), the report naming every wrong line
//
// - A file is read only once it has stopped changing: the same size and modification time at two polls in a
//   row. Names starting with "." or ending in .part, .tmp, .crdownload, .partial or "~" (what copy tools write
//   before renaming) are never taken.
// - Claiming is a rename into processing/<batch>/, done by one process at a time (a transaction-level advisory
//   lock in the database), and the batch's job (src/jobs/importInbox.ts) is written in the same transaction.
//   A second process finds the files gone; a process that died between the rename and the commit leaves a
//   batch folder with no job, which the next poll of any process hands to a job.
// - The kind of each file (customers, invoices, payments, FEC, steps) is told from its header, with the
//   importers' own column names and aliases; a batch is imported customers first, then FEC, invoices,
//   payments and steps, each file all or nothing, as `ccbot import` does.
import { randomBytes } from "node:crypto";
import { existsSync, openSync, readSync, closeSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rmdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { isUtf8 } from "node:buffer";
import type { Database, Sql } from "../db/database.js";
import type { Policy } from "../domain/policy.js";
import { AppError } from "../errors.js";
import type { Logger } from "../log.js";
import { enqueue, type JobRequest } from "../jobs/queue.js";
import type { ColumnSpec } from "./columns.js";
import { IMPORTERS, ImportRejectedError, runImport, type ImportKind, type ImportSummary } from "./index.js";
import { normaliseColumnName, openDelimitedFile } from "./source.js";

/** The job that imports one claimed batch (handled in src/jobs/importInbox.ts). */
export const IMPORT_INBOX_JOB = "import.inbox";

export const INBOX_FOLDERS = { processing: "processing", done: "done", failed: "failed" } as const;

/** The order in which a batch is imported: what the others refer to first. */
export const IMPORT_ORDER: readonly ImportKind[] = ["customers", "fec", "invoices", "payments", "steps"];

/** Names a copy in progress goes by, and hidden files: never taken. */
export function isIgnoredName(name: string): boolean {
  return name.startsWith(".") || /\.(part|partial|tmp|crdownload)$/i.test(name) || name.endsWith("~") || name.endsWith(".report.txt");
}

export type Recognition = { kind: ImportKind } | { problem: string };

/** Which importer a header is for: every required column present, the most columns recognised, no tie. */
export function recogniseHeader(header: string[]): Recognition {
  const present = new Set(header.map(normaliseColumnName).filter(Boolean));
  const fits: Array<{ kind: ImportKind; score: number }> = [];
  for (const kind of IMPORT_ORDER) {
    const specs: ReadonlyArray<ColumnSpec> = IMPORTERS[kind].columns;
    const found = (spec: ColumnSpec) => [spec.name, ...(spec.aliases ?? [])].some((n) => present.has(normaliseColumnName(n)));
    if (!specs.filter((s) => s.required).every(found)) continue;
    fits.push({ kind, score: specs.filter(found).length });
  }
  fits.sort((a, b) => b.score - a.score);
  const [best, second] = fits;
  if (!best) {
    const expected = IMPORT_ORDER.map(
      (kind) =>
        `${kind}: ${IMPORTERS[kind].columns
          .filter((s) => s.required)
          .map((s) => s.name)
          .join(", ")}`,
    ).join("; ");
    return {
      problem:
        `line 1: the header (${header.join(", ") || "nothing"}) is not that of a file the bot imports; ` +
        `the required columns are ${expected} (docs/import-formats.md). Import it by hand with ccbot import KIND FILE`,
    };
  }
  if (second && second.score === best.score) {
    return {
      problem: `line 1: the header fits both a ${best.kind} and a ${second.kind} file; import it by hand with ccbot import ${best.kind}|${second.kind} FILE`,
    };
  }
  return { kind: best.kind };
}

/** Reads a file's header line (UTF-8, else Windows-1252: header names are compared without accents anyway). */
export function recogniseFile(file: string): Recognition {
  const fd = openSync(file, "r");
  let sample: Buffer;
  try {
    const buffer = Buffer.alloc(64 * 1024);
    sample = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0));
  } finally {
    closeSync(fd);
  }
  const end = sample.indexOf(0x0a) >= 0 ? sample.indexOf(0x0a) : sample.indexOf(0x0d) >= 0 ? sample.indexOf(0x0d) : sample.length;
  const firstLine = sample.subarray(0, end);
  const lineEnding = sample.indexOf(0x0a) < 0 && sample.indexOf(0x0d) >= 0 ? "cr" : "lf";
  try {
    const source = openDelimitedFile(file, { encoding: isUtf8(firstLine) ? "utf-8" : "windows-1252", lineEnding });
    return recogniseHeader(source.header);
  } catch (error) {
    if (error instanceof AppError) return { problem: error.message };
    throw error;
  }
}

/** What happened to one file of a batch: the line said in chat, and the report's details. */
export interface FileOutcome {
  name: string;
  kind: ImportKind | null;
  imported: boolean;
  /** One line: "invoices.csv (invoices, 1 200 lines): 1 180 created, 20 updated, 0 unchanged". */
  line: string;
  /** The report's other lines: notes, or every rejected line as "file:line: reason". */
  details: string[];
  /** Rejected lines, for the admins' direct message. */
  rejected: number;
}

function numbers(locale: string): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat(locale);
  } catch {
    return new Intl.NumberFormat("en");
  }
}

export function importedOutcome(summary: ImportSummary, kind: ImportKind, locale: string): FileOutcome {
  const n = numbers(locale);
  const counts = Object.entries(summary.counts)
    .map(([what, c]) => `${what} ${n.format(c.created)} created, ${n.format(c.updated)} updated, ${n.format(c.unchanged)} unchanged`)
    .join("; ");
  return {
    name: summary.file,
    kind,
    imported: true,
    line: `${summary.file} (${kind}, ${n.format(summary.lines)} lines): imported, ${counts || "nothing to write"}`,
    details: summary.notes.map((note) => `note: ${note}`),
    rejected: 0,
  };
}

export function rejectedOutcome(name: string, kind: ImportKind | null, error: unknown, locale: string): FileOutcome {
  const n = numbers(locale);
  if (error instanceof ImportRejectedError) {
    const details = error.rejections.map((r) => `${error.file}:${r.line}: ${r.reason}`);
    if (error.rejectedCount > error.rejections.length)
      details.push(`... and ${n.format(error.rejectedCount - error.rejections.length)} more`);
    return {
      name,
      kind,
      imported: false,
      line: `${name} (${kind ?? "unknown kind"}): rejected, ${n.format(error.rejectedCount)} of ${n.format(error.lines)} lines wrong; nothing was imported`,
      details,
      rejected: error.rejectedCount,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    name,
    kind,
    imported: false,
    line: `${name} (${kind ?? "unknown kind"}): rejected; nothing was imported`,
    details: [message],
    rejected: 1,
  };
}

/** The report file's text: the outcome's line first (read back when a batch resumes), then the details. */
export function reportText(outcome: FileOutcome): string {
  return [outcome.line, ...outcome.details].join("\n") + "\n";
}

/** The chat summary of a batch (or of one manual import). */
export function summaryText(origin: string, outcomes: FileOutcome[]): string {
  const failed = outcomes.filter((o) => !o.imported).length;
  const head =
    `${origin}: ${outcomes.length} file${outcomes.length === 1 ? "" : "s"}, ` +
    `${outcomes.length - failed} imported, ${failed} rejected${failed > 0 ? " (the admins have the wrong lines)" : ""}.`;
  return [head, ...outcomes.map((o) => `• ${o.line}`)].join("\n");
}

/** The admins' direct message for the rejected files: their wrong lines (at most `max` per file). */
export function errorsText(origin: string, outcomes: FileOutcome[], max = 20): string | null {
  const failed = outcomes.filter((o) => !o.imported);
  if (failed.length === 0) return null;
  const parts = [`${origin}: ${failed.length} file${failed.length === 1 ? "" : "s"} rejected, nothing of them was imported.`];
  for (const o of failed) {
    parts.push(o.line);
    parts.push(...o.details.slice(0, max).map((d) => `  ${d}`));
    if (o.details.length > max) parts.push(`  ... ${o.details.length - max} more in the report`);
  }
  parts.push("Fix the file and drop it into the inbox again (or run ccbot import).");
  return parts.join("\n");
}

/** Chat platforms a summary goes to, and the kinds of their jobs (handled by src/bot/<platform>/importSummary.ts). */
export type AnnouncePlatform = "slack" | "teams";
export const IMPORT_SUMMARY_JOB = (p: AnnouncePlatform) => `${p}.import-summary`;
export const IMPORT_ERRORS_JOB = (p: AnnouncePlatform) => `${p}.import-errors`;

/** The summary (committee channel) and errors (admins by direct message) jobs of a batch or a manual import. */
export function announcementJobs(
  key: string,
  platforms: readonly AnnouncePlatform[],
  summary: string,
  errors: string | null,
): JobRequest[] {
  const jobs: JobRequest[] = [];
  for (const p of platforms) {
    jobs.push({ kind: IMPORT_SUMMARY_JOB(p), key: `${IMPORT_SUMMARY_JOB(p)}:${key}`, payload: { text: summary } });
    if (errors) jobs.push({ kind: IMPORT_ERRORS_JOB(p), key: `${IMPORT_ERRORS_JOB(p)}:${key}`, payload: { text: errors } });
  }
  return jobs;
}

export interface ClaimedFile {
  /** The name as dropped (and as shown in reports and chat). */
  name: string;
}

export interface InboxPoll {
  /** Files seen in the inbox, still changing or waiting for their second look. */
  waiting: number;
  /** Files this poll claimed (0 when another process holds the claim lock, or nothing is ready). */
  claimed: number;
  /** Batches found in processing/ without a job (a process died while claiming), now handed to a job. */
  recovered: number;
  batch: string | null;
}

function batchId(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}-${randomBytes(3).toString("hex")}`;
}

const BATCH_NAME = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;

/**
 * One process's view of the inbox: call poll() every few seconds. Two processes (two bots on one server) may
 * poll the same folder: each file is claimed by one of them only.
 */
export class ImportInbox {
  /** Size and modification time of each file at the previous poll: a file is taken when they did not change. */
  private seen = new Map<string, string>();

  constructor(
    readonly dir: string,
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async prepare(): Promise<void> {
    const info = await stat(this.dir).catch(() => null);
    if (!info?.isDirectory()) {
      throw new AppError("config.invalid", `IMPORT_INBOX: ${this.dir} is not a directory. Create it, or unset IMPORT_INBOX.`);
    }
    for (const folder of Object.values(INBOX_FOLDERS)) await mkdir(path.join(this.dir, folder), { recursive: true });
  }

  async poll(): Promise<InboxPoll> {
    await this.prepare();
    const entries = await readdir(this.dir, { withFileTypes: true });
    const current = new Map<string, string>();
    const ready: Array<{ name: string; mtimeMs: number }> = [];
    for (const entry of entries) {
      if (!entry.isFile() || isIgnoredName(entry.name)) continue;
      const info = await stat(path.join(this.dir, entry.name)).catch(() => null);
      if (!info) continue;
      const signature = `${info.size}:${info.mtimeMs}`;
      current.set(entry.name, signature);
      if (info.size > 0 && this.seen.get(entry.name) === signature) ready.push({ name: entry.name, mtimeMs: info.mtimeMs });
    }
    this.seen = current;
    const orphans = await this.batchesInProcessing();
    if (ready.length === 0 && orphans.length === 0) return { waiting: current.size, claimed: 0, recovered: 0, batch: null };
    ready.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
    const result = await this.db.transaction(async (sql) => {
      // One process claims at a time; another one skips this poll (its next look finds the files gone).
      const [lock] = await sql.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext('ccbot-import-inbox')) AS ok`);
      if (!lock?.ok) return { claimed: 0, recovered: 0, batch: null };
      const recovered = await this.recover(sql, orphans);
      if (ready.length === 0) return { claimed: 0, recovered, batch: null };
      const batch = batchId(this.now());
      const folder = path.join(this.dir, INBOX_FOLDERS.processing, batch);
      await mkdir(folder, { recursive: true });
      const files: ClaimedFile[] = [];
      for (const file of ready) {
        try {
          await rename(path.join(this.dir, file.name), path.join(folder, file.name));
          files.push({ name: file.name });
        } catch (error) {
          // Taken by another process between our look and the rename, or removed by a person.
          if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        }
      }
      if (files.length === 0) {
        await rmdir(folder).catch(() => undefined);
        return { claimed: 0, recovered, batch: null };
      }
      await enqueue(sql, batchJob(batch, files));
      return { claimed: files.length, recovered, batch };
    });
    for (const name of ready.map((r) => r.name)) this.seen.delete(name);
    if (result.claimed > 0 || result.recovered > 0) {
      this.logger.info({ batch: result.batch, claimed: result.claimed, recovered: result.recovered }, "import inbox: files claimed");
    }
    return { waiting: current.size - ready.length, ...result };
  }

  private async batchesInProcessing(): Promise<string[]> {
    const entries = await readdir(path.join(this.dir, INBOX_FOLDERS.processing), { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory() && BATCH_NAME.test(e.name)).map((e) => e.name);
  }

  /** Batch folders with no job (the claiming process died before its commit): given a job now. */
  private async recover(sql: Sql, batches: string[]): Promise<number> {
    if (batches.length === 0) return 0;
    const keys = batches.map((b) => batchKey(b));
    const known = new Set((await sql.query<{ key: string }>(`SELECT key FROM job WHERE key = ANY($1::text[])`, [keys])).map((r) => r.key));
    let recovered = 0;
    for (const batch of batches) {
      if (known.has(batchKey(batch))) continue;
      const folder = path.join(this.dir, INBOX_FOLDERS.processing, batch);
      const names = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
      if (names.length === 0) {
        await rmdir(folder).catch(() => undefined);
        continue;
      }
      await enqueue(
        sql,
        batchJob(
          batch,
          names.sort().map((name) => ({ name })),
        ),
      );
      recovered += 1;
    }
    return recovered;
  }
}

export function batchKey(batch: string): string {
  return `${IMPORT_INBOX_JOB}:${batch}`;
}

function batchJob(batch: string, files: ClaimedFile[]): JobRequest {
  // Imports are all or nothing and the database may be busy: retried for a long while before giving up.
  return { kind: IMPORT_INBOX_JOB, key: batchKey(batch), payload: { batch, files: files.map((f) => f.name) }, maxAttempts: 20 };
}

/** Where a processed file goes, with its report beside it. */
function destination(dir: string, imported: boolean, batch: string, name: string): string {
  return path.join(dir, imported ? INBOX_FOLDERS.done : INBOX_FOLDERS.failed, `${batch}__${name}`);
}

/** The outcome of a file already moved by an earlier attempt of the batch's job, read back from its report. */
async function movedOutcome(dir: string, batch: string, name: string): Promise<FileOutcome | null> {
  for (const imported of [true, false]) {
    const target = destination(dir, imported, batch, name);
    if (!existsSync(target)) continue;
    const report = await readFile(`${target}.report.txt`, "utf8").catch(() => "");
    const [line = `${name}: ${imported ? "imported" : "rejected"} (see its report)`, ...details] = report.split("\n").filter(Boolean);
    return { name, kind: null, imported, line, details, rejected: imported ? 0 : details.length };
  }
  return null;
}

/**
 * Imports a claimed batch in order, moving each file to done/ or failed/ with its report. A file rejected by
 * the import (a wrong line, a header of no known kind) is an outcome; anything else (the database down) is
 * thrown, leaving the file in processing/ for the job's next attempt.
 */
export async function importBatch(
  db: Database,
  dir: string,
  batch: string,
  names: string[],
  options: { policy?: Policy; locale: string },
): Promise<FileOutcome[]> {
  const folder = path.join(dir, INBOX_FOLDERS.processing, batch);
  const pending: Array<{ name: string; kind: ImportKind | null; recognition: Recognition | null; rank: number }> = [];
  const outcomes: FileOutcome[] = [];
  for (const name of names) {
    const file = path.join(folder, name);
    if (!existsSync(file)) {
      const moved = await movedOutcome(dir, batch, name);
      if (moved) outcomes.push(moved);
      continue;
    }
    const recognition = recogniseFile(file);
    const kind = "kind" in recognition ? recognition.kind : null;
    pending.push({ name, kind, recognition, rank: kind ? IMPORT_ORDER.indexOf(kind) : -1 });
  }
  // Unrecognised files first (they are refused at once), then customers, FEC, invoices, payments, steps.
  pending.sort((a, b) => a.rank - b.rank);
  for (const item of pending) {
    const file = path.join(folder, item.name);
    let outcome: FileOutcome;
    if (!item.kind) {
      const problem = item.recognition && "problem" in item.recognition ? item.recognition.problem : "unknown kind";
      outcome = rejectedOutcome(item.name, null, new AppError("input.file", `${item.name}: ${problem}`), options.locale);
    } else {
      try {
        const summary = await runImport(db, IMPORTERS[item.kind], file, options.policy ? { policy: options.policy } : {});
        outcome = importedOutcome(summary, item.kind, options.locale);
      } catch (error) {
        if (!(error instanceof ImportRejectedError) && !(error instanceof AppError && error.code.startsWith("input."))) throw error;
        outcome = rejectedOutcome(item.name, item.kind, error, options.locale);
      }
    }
    const target = destination(dir, outcome.imported, batch, item.name);
    await writeFile(`${target}.report.txt`, reportText(outcome));
    await rename(file, target);
    outcomes.push(outcome);
  }
  await rmdir(folder).catch(() => undefined);
  // In the order they were dropped, as the chat summary lists them.
  return names.map((n) => outcomes.find((o) => o.name === n)).filter((o): o is FileOutcome => o !== undefined);
}
