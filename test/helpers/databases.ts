// Test databases: an in-memory PGlite always, and the real PostgreSQL of TEST_DATABASE_URL when set, each
// test file in a fresh schema of its own (dropped afterwards).
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { openDatabase, type Database } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";

export interface TestTarget {
  name: "pglite" | "postgresql";
  /** A DATABASE_URL for a fresh, empty database (schema) of this kind. */
  freshUrl(): Promise<string>;
}

const created: Array<{ server: string; schema: string }> = [];

export const targets: TestTarget[] = [
  { name: "pglite", freshUrl: async () => "memory:" },
  ...(process.env.TEST_DATABASE_URL
    ? [
        {
          name: "postgresql" as const,
          async freshUrl() {
            const server = process.env.TEST_DATABASE_URL as string;
            const schema = `ccbot_test_${randomBytes(6).toString("hex")}`;
            created.push({ server, schema });
            const url = new URL(server);
            url.searchParams.set("schema", schema);
            return url.toString();
          },
        },
      ]
    : []),
];

let snapshot: Blob | null = null;

/** The migrated PGlite dump made once per run by test/helpers/globalSetup.ts, read once per test file. */
function migratedSnapshot(): Blob {
  snapshot ??= new Blob([readFileSync(inject("pgliteSnapshotFile"))]);
  return snapshot;
}

/**
 * Opens a fresh migrated database of the target's kind. PGlite starts from the run's migrated snapshot (the
 * migrations are still run: they find nothing to do, as on a bot restart); PostgreSQL gets a new schema.
 */
export async function freshDatabase(target: TestTarget): Promise<Database> {
  const url = await target.freshUrl();
  const db = target.name === "pglite" ? await openDatabase(url, { memorySnapshot: migratedSnapshot() }) : await openDatabase(url);
  await migrate(db);
  return db;
}

/** A new embedded-database directory holding a copy of the run's migrated template, as DATABASE_URL. */
export function freshPgliteDir(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "ccbot-db-")), "pglite");
  cpSync(inject("pgliteTemplateDir"), dir, { recursive: true });
  return dir;
}

/** Drops the schemas this test file created on the PostgreSQL server. */
export async function dropTestSchemas(): Promise<void> {
  for (const { server, schema } of created.splice(0)) {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  }
}
