// Once per test run: a migrated embedded database the tests copy instead of creating and migrating their own.
// Creating an empty PGlite cluster (initdb in WebAssembly) costs ~3.5 s and migrating it ~0.4 s; loading a dump
// of a migrated one costs ~1 s, and copying a migrated directory almost nothing. The database code under test is
// the same: the template is made by openDatabase + migrate, the production path.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated PGlite data directory; copy it, never open it in place. */
    pgliteTemplateDir: string;
    /** The same directory dumped by PGlite's dumpDataDir, for `memory:` databases. */
    pgliteSnapshotFile: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const root = mkdtempSync(path.join(tmpdir(), "ccbot-template-"));
  const templateDir = path.join(root, "pglite");
  const db = await openDatabase(templateDir);
  await migrate(db);
  await db.close();
  // The dump is taken from a copy so that the template directory is never opened again.
  const scratch = path.join(root, "scratch");
  cpSync(templateDir, scratch, { recursive: true });
  const pglite = await PGlite.create(scratch);
  const dump = await pglite.dumpDataDir("none");
  await pglite.close();
  const snapshotFile = path.join(root, "pglite.tar");
  writeFileSync(snapshotFile, Buffer.from(await dump.arrayBuffer()));
  rmSync(scratch, { recursive: true, force: true });
  project.provide("pgliteTemplateDir", templateDir);
  project.provide("pgliteSnapshotFile", snapshotFile);
  return () => rmSync(root, { recursive: true, force: true });
}
