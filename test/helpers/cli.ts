// Runs `ccbot` in-process through its entry point (runCli), as a script would: no TTY, JSON on stdout.
import { PassThrough } from "node:stream";
import { runCli } from "../../src/cli/main.js";
import { freshPgliteDir, targets, type TestTarget } from "./databases.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function ccbot(databaseUrl: string, ...args: string[]): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: "", err: "" };
  stdout.on("data", (c: Buffer) => (chunks.out += c.toString()));
  stderr.on("data", (c: Buffer) => (chunks.err += c.toString()));
  const code = await runCli(args, { stdout, stderr, interactive: false, env: { DATABASE_URL: databaseUrl } });
  return { code, stdout: chunks.out, stderr: chunks.err };
}

/**
 * Each target as a DATABASE_URL several commands can share: an embedded database in a fresh directory
 * (each command opens and closes it, as in real use; a copy of the run's migrated template, so that the
 * first command does not spend seconds creating the cluster), or a fresh schema on the PostgreSQL server.
 */
export const cliTargets: Array<{ name: TestTarget["name"]; url(): Promise<string> }> = targets.map((t) => ({
  name: t.name,
  url: t.name === "pglite" ? async () => freshPgliteDir() : () => t.freshUrl(),
}));
