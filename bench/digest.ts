// npm run bench (second part): the weekly digest on a large portfolio, on a real PostgreSQL server.
//   BENCH_DATABASE_URL (or TEST_DATABASE_URL): the server; a throwaway schema is created and dropped.
//   BENCH_INVOICES (default 1,000,000 open invoices) and BENCH_CUSTOMERS (default 50,000).
// Prints the digest's time and its ratio to one hand-written SQL query computing the same aged balance
// (bench/digestReference.ts, checked on a few invoices by test/cli/digestFigures.test.ts), both measured in
// this run, with the load average. Exits with an error when the digest's figures differ from the reference's.
import { cpus, loadavg } from "node:os";
import pg from "pg";
import { referenceAging, type ReferenceAging } from "./digestReference.js";
import { openDatabase } from "../src/db/database.js";
import { migrate } from "../src/db/migrate.js";
import { loadSettings } from "../src/db/settings.js";
import { calendarDate } from "../src/domain/calendarDate.js";
import { defaultPolicy } from "../src/domain/policy.js";
import { buildDigest } from "../src/services/committeeViews.js";

const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const out = (line: string) => process.stdout.write(line + "\n");
if (!server) {
  out("digest benchmark skipped: set BENCH_DATABASE_URL=postgresql://... (it needs a real PostgreSQL server)");
  process.exit(0);
}
const INVOICES = Number(process.env.BENCH_INVOICES ?? 1_000_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 50_000);
const ASOF = calendarDate("2026-11-20");
// BENCH_KEEP=1 keeps the seeded schema between runs (for profiling); otherwise it is dropped.
const keep = process.env.BENCH_KEEP === "1";
const schema = keep ? "ccbot_bench_digest_kept" : `ccbot_bench_digest_${process.pid}`;
const url = new URL(server);
url.searchParams.set("schema", schema);

const db = await openDatabase(url.toString());
const admin = new pg.Client({ connectionString: server });
await admin.connect();
try {
  await migrate(db);
  const seedStart = performance.now();
  const seeded = Number((await admin.query(`SELECT count(*) AS n FROM "${schema}".invoice`)).rows[0]?.n ?? 0) > 0;
  // Every date is explicit (nothing depends on the day the bench runs), and the portfolio has the cases where
  // the as-of figures differ from today's open amounts: disputes opened before and after the date (one just
  // before midnight UTC, already the next day in Paris), partly disputed invoices, a dispute resolved after the
  // date, payments allocated after the date, amounts settled outside the bot recorded after the date, credit
  // notes (some issued after the date) and unallocated payments.
  if (!seeded)
    await db.withConnection(async (sql) => {
      await sql.exec(`
      INSERT INTO person (name, email, roles) VALUES ('Finance', 'finance@bench', '{FINANCE}'), ('Sales', 'sales@bench', '{SALES}'), ('Collector', 'collector@bench', '{COLLECTOR}');
      INSERT INTO customer ("externalId", name, segment, "creditLimit", currency, "salesOwnerId", "collectorId")
      SELECT 'C' || g, 'Customer ' || g, (ARRAY['SME','LARGE_ACCOUNT','VERY_SMALL_BUSINESS','PUBLIC_SECTOR'])[1 + g % 4]::"Segment",
             CASE WHEN g % 4 = 3 THEN NULL ELSE 1000000 + (g % 50) * 100000 END, 'EUR', 2, 3
        FROM generate_series(1, ${CUSTOMERS}) g;
      INSERT INTO invoice ("customerId", kind, number, "issueDate", "dueDate", amount, "openAmount", currency, status, source, "createdAt", "updatedAt")
      SELECT 1 + (g % ${CUSTOMERS}), 'INVOICE', 'F' || g, issue, issue + 45, amount,
             CASE WHEN g % 5 = 0 THEN 5000 ELSE amount END - CASE WHEN g % 97 = 0 THEN 2000 ELSE 0 END, 'EUR', 'OPEN', 'CSV',
             issue + time '08:00', CASE WHEN g % 50 = 0 THEN timestamptz '2026-11-25 09:00:00+00' ELSE issue + time '08:00' END
        FROM generate_series(1, ${INVOICES}) g,
             LATERAL (SELECT date '2026-11-20' - (g % 200) - 30 AS issue, (10000 + (g % 9000) * 10)::bigint AS amount) x;
      INSERT INTO dispute ("invoiceId", "customerId", category, reason, "amountDisputed", "openedAt", status, "resolvedAt")
      SELECT id, "customerId", 'PRICE', 'bench', CASE WHEN id % 1000 = 500 THEN 3000 END,
             CASE id % 1000 WHEN 0 THEN timestamptz '2026-11-01 10:00:00+00' WHEN 500 THEN timestamptz '2026-11-10 10:00:00+00'
                            WHEN 250 THEN timestamptz '2026-11-20 23:30:00+00' ELSE timestamptz '2026-11-01 10:00:00+00' END,
             CASE WHEN id % 1000 = 750 THEN 'RESOLVED' ELSE 'OPEN' END::"DisputeStatus",
             CASE WHEN id % 1000 = 750 THEN timestamptz '2026-11-23 10:00:00+00' END
        FROM invoice WHERE kind = 'INVOICE' AND id % 250 = 0;
      INSERT INTO payment ("customerId", reference, "paymentDate", amount, "unallocatedAmount", currency, source)
      SELECT "customerId", 'VIR-' || number, date '2026-11-24', 2000, 0, 'EUR', 'CSV' FROM invoice WHERE kind = 'INVOICE' AND substr(number, 2)::int % 97 = 0;
      INSERT INTO allocation ("invoiceId", "paymentId", amount, "allocatedOn", source)
      SELECT i.id, p.id, 2000, date '2026-11-24', 'CSV' FROM payment p JOIN invoice i ON i.kind = 'INVOICE' AND 'VIR-' || i.number = p.reference;
      INSERT INTO invoice ("customerId", kind, number, "issueDate", "dueDate", amount, "openAmount", currency, status, source, "createdAt", "updatedAt")
      SELECT g, 'CREDIT_NOTE', 'AV' || g, d, d, 5000, 5000, 'EUR', 'OPEN', 'CSV', d + time '08:00', d + time '08:00'
        FROM generate_series(1, ${CUSTOMERS}, 10) g, LATERAL (SELECT CASE WHEN g % 20 = 1 THEN date '2026-11-10' ELSE date '2026-11-25' END AS d) x;
      INSERT INTO payment ("customerId", reference, "paymentDate", amount, "unallocatedAmount", currency, source)
      SELECT g, 'UNA-' || g, date '2026-11-17', 10000, 10000, 'EUR', 'CSV' FROM generate_series(1, ${CUSTOMERS}, 20) g;
      ANALYZE;`);
    });
  out(
    `digest benchmark on PostgreSQL: ${INVOICES.toLocaleString("en-US")} open invoices, ${CUSTOMERS.toLocaleString("en-US")} customers (seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s)`,
  );

  // The reference: one hand-written query for the same aged balance, on a connection of its own.
  await admin.query(`SET search_path TO "${schema}"`);
  const timeZone = (await db.withConnection(loadSettings)).timeZone;
  const edges = defaultPolicy.agingBuckets;
  const reference = () =>
    referenceAging(async (text, params) => (await admin.query(text, params)).rows as Array<Record<string, unknown>>, ASOF, timeZone, edges);
  const time = async <T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> => {
    const start = performance.now();
    const result = await work();
    return { ms: performance.now() - start, result };
  };
  // Warm both once (caches), then take the best of three, alternating.
  await reference();
  await buildDigest(db, defaultPolicy, ASOF);
  const sqlRuns: number[] = [];
  const digestRuns: number[] = [];
  let expected: ReferenceAging | null = null;
  let digest: Awaited<ReturnType<typeof buildDigest>> | null = null;
  for (let i = 0; i < 3; i++) {
    const s = await time(reference);
    sqlRuns.push(s.ms);
    expected = s.result;
    const g = await time(() => buildDigest(db, defaultPolicy, ASOF));
    digestRuns.push(g.ms);
    digest = g.result;
  }
  const sqlMs = Math.min(...sqlRuns);
  const digestMs = Math.min(...digestRuns);
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");
  out(`hand-written aged balance (bench/digestReference.ts): ${sqlMs.toFixed(0)} ms (runs ${sqlRuns.map((m) => m.toFixed(0)).join(", ")})`);
  out(
    `weekly digest (aging, positions, proposals, priorities, KPIs, disputes, promises): ${digestMs.toFixed(0)} ms (runs ${digestRuns.map((m) => m.toFixed(0)).join(", ")})`,
  );
  out(
    `ratio digest / hand-written SQL: ${(digestMs / sqlMs).toFixed(2)} (target <= 3: ${digestMs <= 3 * sqlMs ? "yes" : "NO"}); load average ${load} on ${cpus().length} cores`,
  );
  // The figures must be the same, or the timing compares two different things: say which differ and fail.
  const totals = digest?.totals;
  const differences: string[] = [];
  if (!expected || !totals) differences.push("nothing measured");
  else {
    const labels = digest?.bucketLabels ?? [];
    expected.buckets.forEach((v, i) => {
      if (totals.buckets[i] !== v) differences.push(`bucket ${labels[i] ?? i}: digest ${totals.buckets[i]}, reference ${v}`);
    });
    for (const key of ["disputed", "credits", "balance"] as const)
      if (totals[key] !== expected[key]) differences.push(`${key}: digest ${totals[key]}, reference ${expected[key]}`);
  }
  if (differences.length > 0) {
    process.stderr.write(`DIGEST FIGURES DIFFER FROM THE HAND-WRITTEN REFERENCE (minor units):\n  ${differences.join("\n  ")}\n`);
    process.exitCode = 1;
  } else out(`aged balance identical to the hand-written query: yes (balance ${totals?.balance} minor units)`);
} finally {
  await db.close();
  if (!keep) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}
