import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { migrate, readMigrations } from "../../src/db/migrate.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";

afterAll(dropTestSchemas);

describe.each(targets)("migrations on $name", (target) => {
  it("apply from empty, then a second run is a no-op", async () => {
    const db = await openDatabase(await target.freshUrl());
    try {
      const migrations = readMigrations();
      const first = await migrate(db);
      expect(first).toEqual({ applied: migrations.map((m) => m.name), alreadyApplied: 0 });
      const second = await migrate(db);
      expect(second).toEqual({ applied: [], alreadyApplied: migrations.length });
      // Recorded in Prisma's own table, with Prisma's checksum, so Prisma's tools agree.
      const rows = await db.withConnection((sql) =>
        sql.query<{ migration_name: string; checksum: string; finished: boolean }>(
          `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished FROM "_prisma_migrations" ORDER BY migration_name`,
        ),
      );
      expect(rows).toEqual(migrations.map((m) => ({ migration_name: m.name, checksum: m.checksum, finished: true })));
    } finally {
      await db.close();
    }
  });

  // From here, a migrated database (the run's template on PGlite): only the first test needs an empty one.
  it("the history table refuses UPDATE and DELETE", async () => {
    const db = await freshDatabase(target);
    try {
      await db.prisma.historyEntry.create({
        data: { occurredAt: new Date(), origin: "CLI", channel: "SYSTEM", kind: "note", text: "first entry" },
      });
      await expect(db.withConnection((sql) => sql.exec(`UPDATE history_entry SET text = 'edited'`))).rejects.toThrow(/append-only/);
      await expect(db.withConnection((sql) => sql.exec(`DELETE FROM history_entry`))).rejects.toThrow(/append-only/);
      expect((await db.prisma.historyEntry.findFirstOrThrow()).text).toBe("first entry");
    } finally {
      await db.close();
    }
  });

  it("refuses to run when an applied migration file was edited", async () => {
    const db = await freshDatabase(target);
    try {
      await db.withConnection((sql) => sql.exec(`UPDATE "_prisma_migrations" SET checksum = repeat('0', 64)`));
      await expect(migrate(db)).rejects.toThrow(/was changed after it was applied/);
    } finally {
      await db.close();
    }
  });
});

describe.runIf(targets.some((t) => t.name === "postgresql"))("migrations on a real PostgreSQL server", () => {
  it("two processes migrating the same empty schema at once apply each migration once", async () => {
    const target = targets.find((t) => t.name === "postgresql");
    const url = await target!.freshUrl();
    const [a, b] = await Promise.all([openDatabase(url), openDatabase(url)]);
    try {
      const reports = await Promise.all([migrate(a), migrate(b)]);
      const count = readMigrations().length;
      expect(reports.map((r) => r.applied.length).sort()).toEqual([0, count]);
      const rows = await a.withConnection((sql) => sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`));
      expect(rows[0]?.n).toBe(count);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
