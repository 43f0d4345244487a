// Opens the database chosen by DATABASE_URL: the embedded PGlite (default) or a PostgreSQL server.
// Both give a Prisma client and raw SQL access on the same data; see docs/adr/0001-prisma-6-driver-adapters.md.
import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { PGlite, type Transaction as PGliteTransaction } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.js";
import { AppError } from "../errors.js";
import { lockDirectory, type ProcessLock } from "./processLock.js";

/** Raw SQL on one connection. Dates come back as they are cast in SQL; cast to text when in doubt. */
export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /**
   * Runs a query and hands each row to `onRow` as it arrives, without keeping the rows: a large result (a row per
   * customer of the portfolio) is turned into its objects as it comes, and its text is garbage at once, instead of
   * being held whole first. PGlite's result arrives whole in any case.
   */
  forEachRow<Row = Record<string, unknown>>(text: string, params: unknown[], onRow: (row: Row) => void): Promise<void>;
  /** Runs a script of several statements, without parameters. */
  exec(script: string): Promise<void>;
  /** Bulk-loads rows given in PostgreSQL's COPY text format (tab-separated, \\N for null; UTF-8 when bytes). */
  copyFrom(table: string, columns: string[], text: string | Uint8Array): Promise<void>;
}

export type DatabaseKind = "pglite" | "postgresql";

export interface Database {
  readonly kind: DatabaseKind;
  /** Where the data lives, for messages: a directory, "memory" or the server with its password hidden. */
  readonly location: string;
  /** PostgreSQL schema holding the tables ("public" unless the URL says ?schema=...). */
  readonly schema: string;
  readonly prisma: PrismaClient;
  /** Runs `work` on one connection, inside one transaction: committed if it returns, rolled back if it throws. */
  transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
  /** Runs `work` on one dedicated connection, outside any transaction (for session-level locks). */
  withConnection<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const DEFAULT_PGLITE_DIR = "./data/pglite";

export type DatabaseTarget = { kind: "pglite"; dataDir: string | null } | { kind: "postgresql"; connectionString: string; schema: string };

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const ACCEPTED_FORMS =
  "postgresql://user@host:5432/database (a PostgreSQL server), file:PATH or a plain path (the embedded database, a directory), " +
  "memory: (a throw-away in-memory database), or unset for ./data/pglite";

/**
 * Reads DATABASE_URL. Unset or empty: the embedded PGlite in ./data/pglite. `memory:` is an in-memory
 * PGlite (tests). `postgres://` or `postgresql://` is a server; `?schema=name` picks the schema.
 * `file:PATH` or a plain path is a PGlite directory. Any other `scheme:` is refused (a typo such as
 * `postgress://` must not quietly become an empty embedded database in a folder of that name).
 */
export function parseDatabaseUrl(url: string | undefined): DatabaseTarget {
  const value = url?.trim() ?? "";
  if (value === "") return { kind: "pglite", dataDir: DEFAULT_PGLITE_DIR };
  if (/^memory:(\/\/)?$/i.test(value)) return { kind: "pglite", dataDir: null };
  if (/^postgres(ql)?:\/\//i.test(value)) {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new AppError(
        "config.database_url",
        "DATABASE_URL is not a valid PostgreSQL URL (expected postgresql://user@host:5432/database).",
      );
    }
    const schema = parsed.searchParams.get("schema") ?? "public";
    if (!SCHEMA_NAME.test(schema)) {
      throw new AppError("config.database_url", `DATABASE_URL schema "${schema}" is not a plain lower-case PostgreSQL identifier.`);
    }
    parsed.searchParams.delete("schema");
    return { kind: "postgresql", connectionString: parsed.toString(), schema };
  }
  if (/^file:/i.test(value)) {
    const dataDir = value.replace(/^file:(\/\/)?/i, "");
    if (dataDir === "") throw new AppError("config.database_url", `DATABASE_URL "${value}" names no directory: use file:PATH.`);
    return { kind: "pglite", dataDir };
  }
  // A scheme (letters then ":"), except a Windows drive letter (C:\data).
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value);
  if (scheme && !/^[a-z]:[\\/]/i.test(value)) {
    const name = scheme[1] ?? "";
    const hint = /^(p|pg)/i.test(name) && !/^postgres(ql)?$/i.test(name) ? ' Did you mean "postgresql://"?' : "";
    const slashes = /^postgres(ql)?$/i.test(name) ? ' A PostgreSQL URL starts with "postgresql://".' : "";
    throw new AppError(
      "config.database_url",
      `DATABASE_URL starts with "${name}:", which is not a database this bot can use.${hint}${slashes} Accepted: ${ACCEPTED_FORMS}.`,
    );
  }
  return { kind: "pglite", dataDir: value };
}

export interface OpenOptions {
  /**
   * For `memory:` only: start from this dump of a data directory (PGlite's `dumpDataDir`) instead of an empty
   * cluster. The tests load a migrated one: creating an empty cluster costs seconds, loading a dump one.
   */
  memorySnapshot?: Blob;
}

export async function openDatabase(url: string | undefined = process.env.DATABASE_URL, options: OpenOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  return target.kind === "pglite" ? openPGlite(target.dataDir, options.memorySnapshot) : openPostgres(target.connectionString, target.schema);
}

function pgliteSql(db: PGlite | PGliteTransaction): Sql {
  return {
    async query<Row>(text: string, params?: unknown[]) {
      const result = await db.query<Row>(text, params);
      return result.rows;
    },
    async forEachRow<Row>(text: string, params: unknown[], onRow: (row: Row) => void) {
      for (const row of (await db.query<Row>(text, params)).rows) onRow(row);
    },
    async exec(script: string) {
      await db.exec(script);
    },
    async copyFrom(table: string, columns: string[], text: string | Uint8Array) {
      await db.query(`COPY ${copyTarget(table, columns)} FROM '/dev/blob'`, [], { blob: new Blob([text as string | Uint8Array<ArrayBuffer>]) });
    },
  };
}

function copyTarget(table: string, columns: string[]): string {
  return `"${table}" (${columns.map((c) => `"${c}"`).join(", ")})`;
}

async function openPGlite(dataDir: string | null, memorySnapshot: Blob | undefined): Promise<Database> {
  let pglite: PGlite;
  let lock: ProcessLock | null = null;
  if (dataDir === null) {
    pglite = await PGlite.create(memorySnapshot ? { loadDataDir: memorySnapshot } : {});
  } else {
    lock = lockDataDir(dataDir);
    try {
      pglite = await PGlite.create(path.resolve(dataDir));
    } catch (error) {
      lock.release();
      throw new AppError(
        "db.open",
        `Cannot open the embedded database in ${dataDir} (DATABASE_URL): ${(error as Error).message}.`,
        { cause: error },
      );
    }
  }
  await pglite.exec("SET TIME ZONE 'UTC'");
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    kind: "pglite",
    location: dataDir ?? "memory",
    schema: "public",
    prisma,
    transaction: (work) => pglite.transaction((tx) => work(pgliteSql(tx))),
    withConnection: (work) => work(pgliteSql(pglite)),
    async close() {
      try {
        await prisma.$disconnect();
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * Makes sure the embedded database's directory exists and is a writable directory (created only here, for
 * a file: URL or a plain path), then takes its one-process lock (src/db/processLock.ts).
 */
function lockDataDir(dataDir: string): ProcessLock {
  const problem = (why: string, error?: unknown) =>
    new AppError(
      "config.database_url",
      `DATABASE_URL points the embedded database at ${dataDir}, but ${why}. ` +
        "Set DATABASE_URL to a writable directory (file:PATH or a plain path) or to a PostgreSQL server (postgresql://...).",
      { cause: error },
    );
  const absolute = path.resolve(dataDir);
  if (absolute === "/proc" || absolute.startsWith("/proc/") || absolute === "/sys" || absolute.startsWith("/sys/")) {
    throw problem(`${absolute.startsWith("/proc") ? "/proc" : "/sys"} is the kernel's, not a place for data`);
  }
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) throw problem("that is a file, not a directory");
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw problem(`that directory cannot be created (${describeFsError(error)})`, error);
  }
  try {
    return lockDirectory(dataDir);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw problem(`this process cannot write there (${describeFsError(error)})`, error);
  }
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const meaning: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    ENOTDIR: "a part of the path is a file",
    EEXIST: "a file of that name exists",
    ENOENT: "no such directory",
    ENOSPC: "no space left on the device",
  };
  return code ? `${code}: ${meaning[code] ?? "file system error"}` : String((error as Error).message);
}

function pgSql(client: pg.PoolClient): Sql {
  return {
    async query<Row>(text: string, params?: unknown[]) {
      const result = await client.query(text, params);
      return result.rows as Row[];
    },
    forEachRow<Row>(text: string, params: unknown[], onRow: (row: Row) => void) {
      // A Query with a row listener and no callback does not accumulate its rows (pg's query.js).
      return new Promise<void>((resolve, reject) => {
        let failed: unknown = null;
        const query = client.query(new pg.Query(text, params));
        query.on("row", (row: Row) => {
          if (failed !== null) return;
          try {
            onRow(row);
          } catch (error) {
            failed = error; // the rest of the result is read and dropped, so the connection stays usable
          }
        });
        query.on("error", reject);
        query.on("end", () => (failed === null ? resolve() : reject(failed)));
      });
    },
    async exec(script: string) {
      await client.query(script);
    },
    async copyFrom(table: string, columns: string[], text: string | Uint8Array) {
      const stream = client.query(copyFrom(`COPY ${copyTarget(table, columns)} FROM STDIN`));
      await pipeline(Readable.from([text]), stream);
    },
  };
}

const CONNECT_TIMEOUT_MS = 15_000;

async function openPostgres(connectionString: string, schema: string): Promise<Database> {
  // UTC sessions: @prisma/adapter-pg shifts timestamptz values when the session time zone is not UTC.
  const pool = new pg.Pool({
    connectionString,
    max: 20,
    options: `-c TimeZone=UTC -c search_path="${schema}"`,
  });
  pool.on("error", () => {
    // An idle client lost its connection; the pool replaces it. Errors surface on the next query.
  });
  const location = redact(connectionString);
  // One probe at start, bounded in time, so an unreachable server stops the process with the variable's
  // name instead of hanging (the pool itself waits as long as it must under load).
  const probe = new pg.Client({ connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await probe.connect();
    await probe.query("SELECT 1");
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new AppError(
      "db.open",
      `Cannot connect to the PostgreSQL server of DATABASE_URL (${location}): ${(error as Error).message || String(error)}. ` +
        "Is the server running and reachable, and are the user, password and database right?",
      { cause: error },
    );
  } finally {
    await probe.end().catch(() => undefined);
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema }) });
  async function onClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }
  return {
    kind: "postgresql",
    location,
    schema,
    prisma,
    transaction: (work) =>
      onClient(async (client) => {
        await client.query("BEGIN");
        try {
          const result = await work(pgSql(client));
          await client.query("COMMIT");
          return result;
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
      }),
    withConnection: (work) => onClient((client) => work(pgSql(client))),
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}

function redact(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = "***";
    return `${url.host}${url.pathname}`;
  } catch {
    return "the configured server";
  }
}
