// Applies prisma/migrations to PGlite or PostgreSQL without the Prisma CLI (its schema engine cannot run
// migrations through @prisma/adapter-pg 6.19). Each migration runs in its own transaction, all of them under
// one PostgreSQL advisory lock, and is recorded in Prisma's own `_prisma_migrations` table with the same
// SHA-256 checksum Prisma computes, so `prisma migrate status` and `prisma migrate diff` still agree.
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AppError } from "../errors.js";
import type { Database, Sql } from "./database.js";

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(path.join(dir, name, "migration.sql"));
      return { name, sql: bytes.toString("utf8"), checksum: createHash("sha256").update(bytes).digest("hex") };
    });
}

const MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** A fixed advisory-lock key per schema: two processes migrating the same schema take turns. */
function lockKey(schema: string): string {
  return `ccbot-migrate:${schema}`;
}

export async function migrate(db: Database, options: { dir?: string; onApplied?: (name: string) => void } = {}): Promise<MigrationReport> {
  const migrations = readMigrations(options.dir);
  return db.withConnection(async (sql) => {
    await sql.query("SELECT pg_advisory_lock(hashtext($1))", [lockKey(db.schema)]);
    try {
      await sql.exec(`CREATE SCHEMA IF NOT EXISTS "${db.schema}"; SET search_path TO "${db.schema}";`);
      await sql.exec(MIGRATIONS_TABLE);
      return await applyPending(db, sql, migrations, options.onApplied);
    } finally {
      await sql.query("SELECT pg_advisory_unlock(hashtext($1))", [lockKey(db.schema)]);
    }
  });
}

async function applyPending(db: Database, sql: Sql, migrations: Migration[], onApplied?: (name: string) => void): Promise<MigrationReport> {
  const rows = await sql.query<{ migration_name: string; checksum: string }>(
    `SELECT migration_name, checksum FROM "_prisma_migrations"
      WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
  const report: MigrationReport = { applied: [], alreadyApplied: 0 };
  for (const migration of migrations) {
    const checksum = applied.get(migration.name);
    if (checksum !== undefined) {
      if (checksum !== migration.checksum) {
        throw new AppError(
          "db.migration_modified",
          `Migration ${migration.name} was changed after it was applied to this database. ` +
            "Restore the original file; write a new migration for new changes.",
        );
      }
      report.alreadyApplied += 1;
      continue;
    }
    await sql.exec("BEGIN");
    try {
      await sql.exec(migration.sql);
      await sql.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), now(), 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
      await sql.exec("COMMIT");
    } catch (error) {
      await sql.exec("ROLLBACK").catch(() => undefined);
      throw new AppError(
        "db.migration_failed",
        `Migration ${migration.name} failed on ${db.kind} (${db.location}) and was rolled back: ${(error as Error).message}`,
        { cause: error },
      );
    }
    report.applied.push(migration.name);
    onApplied?.(migration.name);
  }
  return report;
}
