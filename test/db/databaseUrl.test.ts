// DATABASE_URL: what is accepted, what is refused, and where a directory may be created.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase, parseDatabaseUrl } from "../../src/db/database.js";
import { AppError } from "../../src/errors.js";

/** Runs `work` in a fresh empty directory as the current directory, so a wrongly created folder shows. */
async function inEmptyDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), "ccbot-url-"));
  const previous = process.cwd();
  process.chdir(dir);
  try {
    return await work(dir);
  } finally {
    process.chdir(previous);
  }
}

async function openError(url: string): Promise<AppError> {
  const error = await openDatabase(url).then(
    async (db) => {
      await db.close();
      return new Error(`${url} was opened`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("DATABASE_URL", () => {
  it("accepts unset, memory:, postgres(ql)://, file: and plain paths", () => {
    expect(parseDatabaseUrl(undefined)).toEqual({ kind: "pglite", dataDir: "./data/pglite" });
    expect(parseDatabaseUrl("  ")).toEqual({ kind: "pglite", dataDir: "./data/pglite" });
    expect(parseDatabaseUrl("memory:")).toEqual({ kind: "pglite", dataDir: null });
    expect(parseDatabaseUrl("memory://")).toEqual({ kind: "pglite", dataDir: null });
    expect(parseDatabaseUrl("postgres://u@db:5432/credit?schema=ccbot")).toEqual({
      kind: "postgresql",
      connectionString: "postgres://u@db:5432/credit",
      schema: "ccbot",
    });
    expect(parseDatabaseUrl("POSTGRESQL://u@db/credit")).toMatchObject({ kind: "postgresql", schema: "public" });
    expect(parseDatabaseUrl("file:./data/x")).toEqual({ kind: "pglite", dataDir: "./data/x" });
    expect(parseDatabaseUrl("file:///var/lib/ccbot")).toEqual({ kind: "pglite", dataDir: "/var/lib/ccbot" });
    expect(parseDatabaseUrl("/var/lib/ccbot")).toEqual({ kind: "pglite", dataDir: "/var/lib/ccbot" });
    expect(parseDatabaseUrl("data/db")).toEqual({ kind: "pglite", dataDir: "data/db" });
    expect(parseDatabaseUrl("C:\\ccbot\\data")).toEqual({ kind: "pglite", dataDir: "C:\\ccbot\\data" });
  });

  it.each([
    ["postgress://u@db/credit", 'starts with "postgress:"', 'Did you mean "postgresql://"?'],
    ["mysql://u@db/credit", 'starts with "mysql:"', "Accepted: postgresql://user@host:5432/database"],
    ["sqlite:credit.db", 'starts with "sqlite:"', "file:PATH or a plain path"],
    ["postgresql:credit", 'starts with "postgresql:"', 'A PostgreSQL URL starts with "postgresql://"'],
    ["pg://u@db/credit", 'starts with "pg:"', 'Did you mean "postgresql://"?'],
    ["redis://localhost", 'starts with "redis:"', "memory: (a throw-away in-memory database)"],
  ])("refuses %s naming DATABASE_URL and the accepted forms, and creates no folder", async (url, names, says) => {
    expect(() => parseDatabaseUrl(url)).toThrow(/^DATABASE_URL /);
    expect(() => parseDatabaseUrl(url)).toThrow(names);
    expect(() => parseDatabaseUrl(url)).toThrow(says);
    await inEmptyDir(async (dir) => {
      expect((await openError(url)).code).toBe("config.database_url");
      expect(readdirSync(dir)).toEqual([]);
    });
  });

  it("refuses file: without a path", () => {
    expect(() => parseDatabaseUrl("file:")).toThrow('DATABASE_URL "file:" names no directory');
  });

  it("creates the directory of a plain path or a file: URL", async () => {
    await inEmptyDir(async (dir) => {
      const db = await openDatabase("file:nested/db");
      await db.close();
      expect(existsSync(path.join(dir, "nested/db/PG_VERSION"))).toBe(true);
    });
  });

  it("a path under /proc, a path that is a file: a clear error naming DATABASE_URL", async () => {
    const proc = await openError("/proc/ccbot-data");
    expect(proc.code).toBe("config.database_url");
    expect(proc.message).toContain("DATABASE_URL points the embedded database at /proc/ccbot-data, but /proc is the kernel's");
    expect(existsSync("/proc/ccbot-data")).toBe(false);

    const file = path.join(mkdtempSync(path.join(tmpdir(), "ccbot-url-")), "a-file");
    writeFileSync(file, "not a database");
    const isFile = await openError(file);
    expect(isFile.message).toContain(`DATABASE_URL points the embedded database at ${file}, but that is a file, not a directory`);

    const under = await openError(path.join(file, "db"));
    expect(under.message).toContain("DATABASE_URL points the embedded database at");
    expect(under.message).toMatch(/cannot be created \((ENOTDIR|EEXIST)/);
  });

  it("a directory this process cannot write: a clear error naming DATABASE_URL, exit 3, no stack", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ccbot-url-"));
    chmodSync(dir, 0o555);
    // Root writes anywhere: run the CLI as an unprivileged user then, as it would be deployed.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    for (const url of [dir, path.join(dir, "db")]) {
      const run = spawnSync("node", [path.resolve("bin/ccbot.js"), "people", "list"], {
        env: { ...process.env, DATABASE_URL: url },
        encoding: "utf8",
        ...asUser,
      });
      expect(run.status).toBe(3);
      expect(run.stderr).toContain(`DATABASE_URL points the embedded database at ${url}, but`);
      expect(run.stderr).toContain("EACCES: permission denied");
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("an unreachable PostgreSQL server: an error naming DATABASE_URL, the server, and the password hidden", async () => {
    const error = await openError("postgresql://ccbot:s3cret@127.0.0.1:1/credit");
    expect(error.code).toBe("db.open");
    expect(error.message).toContain("Cannot connect to the PostgreSQL server of DATABASE_URL (127.0.0.1:1/credit)");
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.message).not.toContain("s3cret");
  });
});
