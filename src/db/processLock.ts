// One process at a time on an embedded (PGlite) database directory. PGlite has no lock of its own: two
// processes on one directory each write their own copy of the files and the last one wins (people lost,
// duplicate ids, whole imports gone). The lock is a file created atomically (hard link of a complete file,
// fails if it exists) holding who holds it: pid, host, command, since when. It dies with the process: a
// lock whose pid is gone on this host (or now belongs to another program: start time differs) is stale and
// the next process takes it over, one taker at a time.
import { closeSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { AppError } from "../errors.js";

export const LOCK_FILE = "ccbot.lock";
const TAKEOVER_FILE = "ccbot.lock.takeover";

export interface LockHolder {
  pid: number;
  host: string;
  /** What runs, without its options (no personal data): e.g. "ccbot people add", "start". */
  command: string;
  /** When the lock was taken (ISO instant). */
  since: string;
  /** Linux: the process start time in clock ticks (/proc/PID/stat), to tell a reused pid. */
  startTicks?: string;
}

export interface ProcessLock {
  readonly path: string;
  readonly holder: LockHolder;
  release(): void;
}

/** Takes the lock of `dir` for this process, or throws AppError("db.locked") naming the process holding it. */
export function lockDirectory(dir: string, now: Date = new Date()): ProcessLock {
  const lockPath = path.join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), command: currentCommand(), since: now.toISOString() };
  const ticks = startTicks(process.pid);
  if (ticks) me.startTicks = ticks;
  const content = JSON.stringify(me);

  const takeoverPath = path.join(dir, TAKEOVER_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(lockPath, content)) return held(lockPath, me, content);
    const existing = readLock(lockPath);
    if (existing === null) continue; // released between our try and our read
    if (existing.holder && isAlive(existing.holder)) throw lockedError(dir, lockPath, existing.holder);
    // Stale (or a torn file left by a crash): take it over, one taker at a time.
    if (!createExclusive(takeoverPath, content)) {
      const taker = readLock(takeoverPath);
      if (taker?.holder && isAlive(taker.holder)) throw lockedError(dir, lockPath, taker.holder);
      if (taker) removeIfUnchanged(takeoverPath, taker.text);
      continue;
    }
    try {
      removeIfUnchanged(lockPath, existing.text);
      if (createExclusive(lockPath, content)) return held(lockPath, me, content);
    } finally {
      removeIfUnchanged(takeoverPath, content);
    }
  }
  const last = readLock(lockPath);
  if (last?.holder) throw lockedError(dir, lockPath, last.holder);
  throw new AppError("db.locked", `The embedded database in ${dir} is being opened by another process right now (lock file ${lockPath}). Try again.`);
}

function held(lockPath: string, holder: LockHolder, content: string): ProcessLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener("exit", release);
    removeIfUnchanged(lockPath, content);
  };
  // A normal exit (even without close) frees it; a crash or kill -9 leaves it stale, which the next process detects.
  process.on("exit", release);
  return { path: lockPath, holder, release };
}

/** Creates `file` with `content`, atomically and only if it does not exist: a complete file or none. */
function createExclusive(file: string, content: string): boolean {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openSync(temporary, "wx", 0o644);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/** The lock file's text and holder (null holder: not a lock we can read), or null when there is none. */
function readLock(file: string): { text: string; holder: LockHolder | null } | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid === "number" && typeof value.host === "string") {
      const holder: LockHolder = { pid: value.pid, host: value.host, command: String(value.command ?? "?"), since: String(value.since ?? "?") };
      if (typeof value.startTicks === "string") holder.startTicks = value.startTicks;
      return { text, holder };
    }
  } catch {
    // not JSON: a file torn by a crash
  }
  return { text, holder: null };
}

/** Deletes `file` if it still holds `text` (another process may have replaced it meanwhile). */
function removeIfUnchanged(file: string, text: string): void {
  try {
    if (readFileSync(file, "utf8") === text) unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** A holder on another host is taken as alive: we cannot see its processes. */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  // The pid exists; is it still the same process (pids are reused)?
  const ticks = startTicks(holder.pid);
  return !(holder.startTicks && ticks && ticks !== holder.startTicks);
}

function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function currentCommand(): string {
  const script = path.basename(process.argv[1] ?? process.argv0).replace(/\.(c|m)?(j|t)s$/, "");
  const words = process.argv.slice(2, 4).filter((w) => /^[a-z][a-z-]*$/.test(w));
  return [script, ...words].join(" ");
}

function lockedError(dir: string, lockPath: string, holder: LockHolder): AppError {
  const self = holder.pid === process.pid && holder.host === hostname();
  return new AppError(
    "db.locked",
    `The embedded database in ${dir} is in use by process ${holder.pid} on host ${holder.host} (${holder.command}) since ${holder.since}` +
      (self ? " (this very process: it is already open)" : "") +
      ". The embedded database allows one process at a time: wait for that one to finish or stop it, " +
      "or set DATABASE_URL to a PostgreSQL server (postgresql://...) to run several processes. " +
      `If that process is no longer running on ${holder.host}, delete the lock file ${lockPath}.`,
  );
}
