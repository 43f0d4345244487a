// One process per embedded database: real `ccbot` processes on one PGlite directory. The process boundary
// is what is tested here, so every command is spawned as `node bin/ccbot.js`.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOCK_FILE } from "../../src/db/processLock.js";
import { freshPgliteDir } from "../helpers/databases.js";

const BIN = path.resolve("bin/ccbot.js");

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function ccbot(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}): { child: ReturnType<typeof spawn>; done: Promise<Result> } {
  const child = spawn("node", [BIN, ...args], { env: { ...process.env, DATABASE_URL: dataDir, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Result>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

const addPerson = (dir: string, n: number) =>
  ccbot(dir, ["people", "add", "--name", `Person ${n}`, "--email", `p${n}@acme.example`, "--roles", "collector"]).done;

// Generous: each step is a new node process opening the database (several seconds on a loaded machine).
describe("one process per embedded database", { timeout: 300_000 }, () => {
  it("three concurrent `people add` on one directory: what is acknowledged is kept, the others are refused naming the holder", async () => {
    const dir = freshPgliteDir();
    expect((await ccbot(dir, ["migrate"]).done).code).toBe(0);

    const results = await Promise.all([1, 2, 3].map((n) => addPerson(dir, n)));
    const added = results.flatMap((r, i) => (r.code === 0 ? [i + 1] : []));
    const refused = results.filter((r) => r.code !== 0);
    expect(added.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) {
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/The embedded database in .* is in use by process \d+ on host \S+ \(.*ccbot.*\) since \d{4}-\d\d-\d\dT/);
      expect(r.stderr).toContain("DATABASE_URL");
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
    }

    const list = await ccbot(dir, ["people", "list"]).done;
    expect(list.code).toBe(0);
    const people = JSON.parse(list.stdout) as Array<{ id: number; name: string }>;
    expect(people.map((p) => p.name).sort()).toEqual(added.map((n) => `Person ${n}`));
    expect(new Set(people.map((p) => p.id)).size).toBe(people.length);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);

    // The refused ones were refused, not lost: run again one after the other, they are all there.
    for (const r of results.keys()) if (!added.includes(r + 1)) expect((await addPerson(dir, r + 1)).code).toBe(0);
    const all = JSON.parse((await ccbot(dir, ["people", "list"]).done).stdout) as Array<{ id: number; name: string }>;
    expect(all.map((p) => p.name).sort()).toEqual(["Person 1", "Person 2", "Person 3"]);
    expect(new Set(all.map((p) => p.id)).size).toBe(3);
  });

  it("a holder killed with SIGKILL leaves a stale lock that the next process takes over", async () => {
    const dir = freshPgliteDir();
    expect((await ccbot(dir, ["migrate"]).done).code).toBe(0);
    // A long import holds the database; kill -9 it once it has taken the lock.
    const big = path.join(dir, "..", `${path.basename(dir)}-customers.csv`);
    writeFileSync(big, ["external_id;name", ...Array.from({ length: 20000 }, (_, i) => `K${i};Customer ${i}`)].join("\n"));
    const holder = ccbot(dir, ["import", "customers", big]);
    const lockPath = path.join(dir, LOCK_FILE);
    await waitFor(() => existsSync(lockPath) && readFileSync(lockPath, "utf8").includes(`"pid":${holder.child.pid}`));
    holder.child.kill("SIGKILL");
    const killed = await holder.done;
    expect(killed.signal).toBe("SIGKILL");
    expect(existsSync(lockPath)).toBe(true);
    expect(JSON.parse(readFileSync(lockPath, "utf8"))).toMatchObject({ pid: holder.child.pid, host: hostname() });

    const next = await addPerson(dir, 7);
    expect(next.code).toBe(0);
    expect(existsSync(lockPath)).toBe(false);
    const people = JSON.parse((await ccbot(dir, ["people", "list"]).done).stdout) as Array<{ name: string }>;
    expect(people.map((p) => p.name)).toEqual(["Person 7"]);
  });

  it("a lock held by a live process on another host is not taken over: the refusal says which host", async () => {
    const dir = freshPgliteDir();
    writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: 1, host: "other-host.example", command: "node src/start.ts", since: "2026-11-30T08:00:00.000Z" }),
    );
    const refused = await addPerson(dir, 1);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("in use by process 1 on host other-host.example (node src/start.ts) since 2026-11-30T08:00:00.000Z");
    expect(refused.stderr).toContain(path.join(dir, LOCK_FILE));
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 6000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error("condition never met");
}
