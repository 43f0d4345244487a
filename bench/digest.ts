// npm run bench (second part): the weekly digest on a large portfolio, on a real PostgreSQL server.
//   BENCH_DATABASE_URL (or TEST_DATABASE_URL): the server; a throwaway schema is created and dropped.
//   BENCH_INVOICES (default 1,000,000 open invoices) and BENCH_CUSTOMERS (default 50,000).
// Prints the digest's time and its ratio to one hand-written SQL query computing the same bucket totals.
import pg from "pg";
import { openDatabase } from "../src/db/database.js";
import { migrate } from "../src/db/migrate.js";
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
  if (!seeded)
    await db.withConnection(async (sql) => {
      await sql.exec(`
      INSERT INTO person (name, email, roles) VALUES ('Finance', 'finance@bench', '{FINANCE}'), ('Sales', 'sales@bench', '{SALES}'), ('Collector', 'collector@bench', '{COLLECTOR}');
      INSERT INTO customer ("externalId", name, segment, "creditLimit", currency, "salesOwnerId", "collectorId")
      SELECT 'C' || g, 'Customer ' || g, (ARRAY['SME','LARGE_ACCOUNT','VERY_SMALL_BUSINESS','PUBLIC_SECTOR'])[1 + g % 4]::"Segment",
             CASE WHEN g % 4 = 3 THEN NULL ELSE 1000000 + (g % 50) * 100000 END, 'EUR', 2, 3
        FROM generate_series(1, ${CUSTOMERS}) g;
      INSERT INTO invoice ("customerId", kind, number, "issueDate", "dueDate", amount, "openAmount", currency, status, source)
      SELECT 1 + (g % ${CUSTOMERS}), 'INVOICE', 'F' || g, date '2026-11-20' - (g % 200) - 30, date '2026-11-20' - (g % 200) + 15,
             10000 + (g % 9000) * 10, CASE WHEN g % 5 = 0 THEN 5000 ELSE 10000 + (g % 9000) * 10 END, 'EUR', 'OPEN', 'CSV'
        FROM generate_series(1, ${INVOICES}) g;
      INSERT INTO dispute ("invoiceId", "customerId", category, reason) SELECT id, "customerId", 'PRICE', 'bench' FROM invoice WHERE id % 1000 = 0;
      ANALYZE;`);
    });
  out(
    `digest benchmark on PostgreSQL: ${INVOICES.toLocaleString("en-US")} open invoices, ${CUSTOMERS.toLocaleString("en-US")} customers (seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s)`,
  );

  // The reference: one hand-written query for the same bucket totals (disputed apart).
  const handWritten = `
    SELECT sum(i."openAmount") FILTER (WHERE d.id IS NULL AND $1::date - i."dueDate" <= 0) AS not_due,
           sum(i."openAmount") FILTER (WHERE d.id IS NULL AND $1::date - i."dueDate" BETWEEN 1 AND 30) AS b1,
           sum(i."openAmount") FILTER (WHERE d.id IS NULL AND $1::date - i."dueDate" BETWEEN 31 AND 60) AS b2,
           sum(i."openAmount") FILTER (WHERE d.id IS NULL AND $1::date - i."dueDate" BETWEEN 61 AND 90) AS b3,
           sum(i."openAmount") FILTER (WHERE d.id IS NULL AND $1::date - i."dueDate" > 90) AS b4,
           sum(i."openAmount") FILTER (WHERE d.id IS NOT NULL) AS disputed
      FROM "${schema}".invoice i
      LEFT JOIN (SELECT DISTINCT "invoiceId" AS id FROM "${schema}".dispute WHERE status = 'OPEN') d ON d.id = i.id
     WHERE i.kind = 'INVOICE' AND i."openAmount" > 0`;
  const time = async <T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> => {
    const start = performance.now();
    const result = await work();
    return { ms: performance.now() - start, result };
  };
  // Warm both once (caches), then take the best of three.
  await admin.query(handWritten, [ASOF]);
  await buildDigest(db, defaultPolicy, ASOF);
  const sqlRuns: number[] = [];
  const digestRuns: number[] = [];
  let reference: Record<string, string> = {};
  let digest: Awaited<ReturnType<typeof buildDigest>> | null = null;
  for (let i = 0; i < 3; i++) {
    const s = await time(() => admin.query(handWritten, [ASOF]));
    sqlRuns.push(s.ms);
    reference = s.result.rows[0] as Record<string, string>;
    const g = await time(() => buildDigest(db, defaultPolicy, ASOF));
    digestRuns.push(g.ms);
    digest = g.result;
  }
  const sqlMs = Math.min(...sqlRuns);
  const digestMs = Math.min(...digestRuns);
  const same =
    digest !== null &&
    [reference.not_due, reference.b1, reference.b2, reference.b3, reference.b4].every(
      (v, i) => BigInt(v ?? "0") === digest.totals.buckets[i],
    ) &&
    BigInt(reference.disputed ?? "0") === digest.totals.disputed;
  out(`hand-written bucket totals: ${sqlMs.toFixed(0)} ms`);
  out(`weekly digest (aging, positions, proposals, priorities, KPIs, disputes, promises): ${digestMs.toFixed(0)} ms`);
  out(`ratio digest / hand-written SQL: ${(digestMs / sqlMs).toFixed(2)} (target <= 2), under 3 s: ${digestMs < 3000 ? "yes" : "no"}`);
  out(`bucket totals identical to the hand-written query: ${same ? "yes" : "NO"}`);
} finally {
  await db.close();
  if (!keep) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}
