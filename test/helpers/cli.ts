// Runs `ccbot` in-process through its entry point (runCli), as a script would: no TTY, JSON on stdout.
import { PassThrough } from "node:stream";
import { afterAll } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { freshPgliteDir, targets, type TestTarget } from "./databases.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Databases this test file holds open, by DATABASE_URL. Opening an embedded database directory costs about a
 * second (several on a loaded machine): a file whose commands need not each open it (the opening itself is
 * not what it tests) opens it once with `heldDatabase`, seeds and checks through that handle, and `ccbot` then
 * gives the same handle to the CLI (CliIO.database) instead of letting each command open the directory. The
 * process lock refuses a second handle on a held directory: `release` it before another process or an
 * `openDatabase` of the test's own uses it.
 */
const held = new Map<string, Promise<Database>>();

/** The handle this file holds on `databaseUrl` (opened on first use); its `close` does nothing: `release` closes. */
export async function heldDatabase(databaseUrl: string): Promise<Database> {
  let db = held.get(databaseUrl);
  if (!db) {
    db = openDatabase(databaseUrl);
    held.set(databaseUrl, db);
  }
  return { ...(await db), close: async () => undefined };
}

export async function release(databaseUrl: string): Promise<void> {
  const db = held.get(databaseUrl);
  held.delete(databaseUrl);
  await (await db?.catch(() => undefined))?.close();
}

afterAll(async () => {
  for (const url of [...held.keys()]) await release(url);
});

export async function ccbot(databaseUrl: string, ...args: string[]): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: "", err: "" };
  stdout.on("data", (c: Buffer) => (chunks.out += c.toString()));
  stderr.on("data", (c: Buffer) => (chunks.err += c.toString()));
  const database = held.has(databaseUrl) ? await held.get(databaseUrl) : undefined;
  const code = await runCli(args, { stdout, stderr, interactive: false, env: { DATABASE_URL: databaseUrl }, database });
  return { code, stdout: chunks.out, stderr: chunks.err };
}

/**
 * Each target as a DATABASE_URL several commands share: an embedded database in a fresh directory (a copy of
 * the run's migrated template, so that the first command does not spend seconds creating the cluster), or a
 * fresh schema on the PostgreSQL server. The file holds it open (`heldDatabase`): its commands and its own
 * checks use that one handle. `cliTargets` where each command must open and close the database itself, as a
 * separate `ccbot` process does (opening, locking, what a new process reads).
 */
export const heldCliTargets: Array<{ name: TestTarget["name"]; url(): Promise<string> }> = targets.map((t) => ({
  name: t.name,
  async url() {
    const url = t.name === "pglite" ? freshPgliteDir() : await t.freshUrl();
    await heldDatabase(url);
    return url;
  },
}));

export const cliTargets: Array<{ name: TestTarget["name"]; url(): Promise<string> }> = targets.map((t) => ({
  name: t.name,
  url: t.name === "pglite" ? async () => freshPgliteDir() : () => t.freshUrl(),
}));
