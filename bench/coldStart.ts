// npm run bench (first part): how long a person waits for `ccbot` to answer, side by side:
//   node -e 0                    the floor: Node itself starting
//   ccbot --help  compiled       bin/ccbot.js running dist/ (built at install by `prepare`)
//   ccbot --help  from sources   the same through tsx (CCBOT_FROM_SOURCES=1), as before the build
//   ccbot report aging           on a small embedded database (200 customers, 2,000 invoices), both ways
// Each command runs BENCH_COLD_RUNS times (default 5); the median and the fastest wall-clock times are shown.
// Without dist/ (or with a stale one) the compiled lines say so instead of measuring the fallback twice.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
// @ts-expect-error bin/launch.js is plain JavaScript without types
import { staleReason } from "../bin/launch.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);
const out = (line: string) => process.stdout.write(line + "\n");

function time(args: string[], env: NodeJS.ProcessEnv): number[] {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (run.status !== 0) throw new Error(`${args.join(" ")} exited with ${run.status}: ${run.stderr.slice(0, 500)}`);
    times.push(ms);
  }
  return times.sort((a, b) => a - b);
}

const median = (t: number[]) => t[Math.floor(t.length / 2)] as number;

// A small company in an embedded database, imported once (compiled or not, whichever is there).
const dir = mkdtempSync(path.join(tmpdir(), "ccbot-cold-"));
const dbDir = path.join(dir, "db");
const customers = path.join(dir, "customers.csv");
const invoices = path.join(dir, "invoices.csv");
writeFileSync(customers, ["external_id;name", ...Array.from({ length: 200 }, (_, i) => `C${i};Client ${i}`)].join("\n") + "\n");
writeFileSync(
  invoices,
  [
    "customer_id;number;issue_date;amount",
    ...Array.from({ length: 2000 }, (_, i) => `C${i % 200};F${i};2026-${String((i % 11) + 1).padStart(2, "0")}-15;${100 + (i % 900)},50`),
  ].join("\n") + "\n",
);
const env = { ...process.env, DATABASE_URL: dbDir, LOG_LEVEL: "silent" };
const sources = { ...env, CCBOT_FROM_SOURCES: "1" };
for (const [kind, file] of [
  ["customers", customers],
  ["invoices", invoices],
]) {
  const run = spawnSync(process.execPath, ["bin/ccbot.js", "import", kind as string, file as string], { cwd: ROOT, env, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`import ${kind} failed: ${run.stderr.slice(0, 500)}`);
}

const stale = staleReason("cli/ccbot") as string | null;
const rows: Array<[string, number[] | string]> = [
  ["node -e 0 (the floor)", time(["-e", "0"], env)],
  ["ccbot --help, compiled (dist/)", stale ?? time(["bin/ccbot.js", "--help"], env)],
  ["ccbot --help, from sources (tsx)", time(["bin/ccbot.js", "--help"], sources)],
  ["ccbot report aging, compiled (dist/)", stale ?? time(["bin/ccbot.js", "report", "aging", "--format", "csv"], env)],
  ["ccbot report aging, from sources (tsx)", time(["bin/ccbot.js", "report", "aging", "--format", "csv"], sources)],
];
out(
  `\nCold start (${RUNS} runs each, wall-clock; 200 customers, 2,000 invoices for the report; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")})`,
);
out(`${"command".padEnd(42)} ${"median".padStart(9)} ${"fastest".padStart(9)}`);
for (const [name, t] of rows) {
  if (typeof t === "string") out(`${name.padEnd(42)} not measured: ${t} (npm run build)`);
  else out(`${name.padEnd(42)} ${`${median(t).toFixed(0)} ms`.padStart(9)} ${`${(t[0] as number).toFixed(0)} ms`.padStart(9)}`);
}
