// npm run bench (first part): import throughput (lines/s) and peak memory for generated CSV and FEC files.
//   BENCH_LINES=1000000 (default) the largest file; a file of a tenth of it is run first, so the two peak
//   memories show whether memory grows with file size (it must not: imports stream).
//   BENCH_DATABASE_URL or TEST_DATABASE_URL: also run on that PostgreSQL server (in a throwaway schema).
//   BENCH_PGLITE=0 skips the embedded database.
// On PostgreSQL the invoices import has a reference line, measured in the same run: a hand-written COPY of the
// same file into a temporary table, then one INSERT ... SELECT into the same invoice table (fresh schema, same
// customers), with none of the import's checks. It runs just before and just after the import, and the import
// is compared with their mean, so that a machine whose load changes during the run does not skew the ratio.
// Target: the import within 1.5x of it.
//   BENCH_FEC=0 skips the FEC files (a quicker run of the invoices and their reference).
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { once } from "node:events";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "../src/db/database.js";
import { migrate } from "../src/db/migrate.js";
import { IMPORTERS, runImport, type ImportKind } from "../src/import/index.js";

const MAX_LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const CUSTOMERS = 50_000;
const dir = mkdtempSync(path.join(tmpdir(), "ccbot-bench-"));
const out = (line: string) => process.stdout.write(line + "\n");

async function writeLines(file: string, header: string, count: number, line: (i: number) => string): Promise<void> {
  const stream = createWriteStream(file);
  stream.write(header + "\n");
  for (let i = 0; i < count; i++) {
    if (!stream.write(line(i) + "\n")) await once(stream, "drain");
  }
  stream.end();
  await once(stream, "finish");
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");
const dateOf = (i: number) => `2025-${pad((i % 12) + 1, 2)}-${pad((i % 28) + 1, 2)}`;
const compact = (i: number) => dateOf(i).replaceAll("-", "");

async function generate(lines: number) {
  const customers = path.join(dir, `customers.csv`);
  const invoices = path.join(dir, `invoices-${lines}.csv`);
  const fec = path.join(dir, `fec-${lines}.txt`);
  await writeLines(
    customers,
    "external_id;name;segment;credit_limit;payment_terms",
    CUSTOMERS,
    (i) =>
      `C${pad(i, 6)};Client ${i};${["sme", "large_account", "very_small_business", "public_sector"][i % 4]};${(i % 50) * 1000},00;${["30 days", "45 days end of month", "60 days from invoice date"][i % 3]}`,
  );
  await writeLines(
    invoices,
    "customer_id;number;issue_date;due_date;amount",
    lines,
    (i) => `C${pad(i % CUSTOMERS, 6)};F${pad(i, 8)};${dateOf(i)};;${100 + (i % 9000)},${pad(i % 100, 2)}`,
  );
  // FEC: per invoice 3 lines (411 debit, 706 credit, 44571 credit); every other invoice paid (2 bank lines, lettered).
  const header =
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise";
  const fecLines: string[] = [];
  let n = 0;
  await writeLines(fec, header, lines, () => {
    if (fecLines.length === 0) {
      const i = n++;
      const aux = `C${pad(i % CUSTOMERS, 6)}`;
      const ht = 1000 + (i % 5000);
      const tva = Math.round(ht * 0.2);
      const d = compact(i);
      const paid = i % 2 === 0;
      const letter = paid ? `L${i.toString(36)}` : "";
      fecLines.push(
        `VT\tVentes\tVT${i}\t${d}\t411000\tClients\t${aux}\tClient ${i % CUSTOMERS}\tFV${pad(i, 8)}\t${d}\tFacture\t${ht + tva},00\t0,00\t${letter}\t\t${d}\t\t`,
        `VT\tVentes\tVT${i}\t${d}\t706000\tVentes\t\t\tFV${pad(i, 8)}\t${d}\tFacture\t0,00\t${ht},00\t\t\t${d}\t\t`,
        `VT\tVentes\tVT${i}\t${d}\t445710\tTVA\t\t\tFV${pad(i, 8)}\t${d}\tFacture\t0,00\t${tva},00\t\t\t${d}\t\t`,
      );
      if (paid) {
        fecLines.push(
          `BQ\tBanque\tBQ${i}\t${d}\t512000\tBanque\t\t\tREL\t${d}\tVirement\t${ht + tva},00\t0,00\t\t\t${d}\t\t`,
          `BQ\tBanque\tBQ${i}\t${d}\t411000\tClients\t${aux}\tClient ${i % CUSTOMERS}\tREL\t${d}\tReglement\t0,00\t${ht + tva},00\t${letter}\t\t${d}\t\t`,
        );
      }
      fecLines.reverse();
    }
    return fecLines.pop() as string;
  });
  return { customers, invoices, fec };
}

interface Measure {
  lines: number;
  phases: Record<string, number>;
  seconds: number;
  peakRssMb: number;
  peakHeapMb: number;
}

async function measure(db: Database, kind: ImportKind, file: string): Promise<Measure> {
  global.gc?.();
  let peakRss = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  const started = performance.now();
  try {
    const summary = await runImport(db, IMPORTERS[kind], file);
    return {
      lines: summary.lines,
      phases: summary.phases,
      seconds: (performance.now() - started) / 1000,
      peakRssMb: peakRss / 2 ** 20,
      peakHeapMb: peakHeap / 2 ** 20,
    };
  } finally {
    clearInterval(timer);
  }
}

/**
 * The reference: what a person would write by hand to load the invoices file into the invoice table, in one
 * transaction: COPY into a temporary table, then INSERT ... SELECT joining the customers (due date = issue
 * date + 30 days, amounts from the decimal comma). Seconds, from the first byte sent to the commit.
 */
async function handWritten(url: string, schema: string, file: string): Promise<{ seconds: number; lines: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    await client.query(`SET search_path TO "${schema}"`);
    await client.query("BEGIN");
    await client.query(
      "CREATE TEMP TABLE ref_invoice (customer_id text, number text, issue_date date, due_date date, amount text) ON COMMIT DROP",
    );
    await pipeline(createReadStream(file), client.query(copyFrom("COPY ref_invoice FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)")));
    const inserted = await client.query(
      `INSERT INTO invoice ("customerId", kind, number, "issueDate", "dueDate", "dueDateDerived", amount, "openAmount", currency, status, source)
       SELECT c.id, 'INVOICE', r.number, r.issue_date, coalesce(r.due_date, r.issue_date + 30), r.due_date IS NULL,
              a.minor, a.minor, 'EUR', 'OPEN', 'CSV'
         FROM ref_invoice r
         JOIN customer c ON c."externalId" = r.customer_id
        CROSS JOIN LATERAL (SELECT (replace(r.amount, ',', '.')::numeric * 100)::bigint AS minor) a`,
    );
    await client.query("COMMIT");
    return { seconds: (performance.now() - started) / 1000, lines: inserted.rowCount ?? 0 };
  } finally {
    await client.end();
  }
}

async function serverSchema(server: string, suffix = ""): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  const schema = `ccbot_bench_${process.pid}${suffix}`;
  const url = new URL(server);
  url.searchParams.set("schema", schema);
  return {
    url: url.toString(),
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

const importSeconds = new Map<string, number>();
const references: Array<{ seconds: number; lines: number }> = [];

/** The hand-written reference, in a schema of its own with the same customers (imported, not measured). */
async function reference(files: { customers: string; invoices: string }): Promise<{ seconds: number; lines: number }> {
  const place = await serverSchema(server as string, `_ref${references.length}`);
  try {
    const db = await openDatabase(place.url);
    try {
      await migrate(db);
      await runImport(db, IMPORTERS.customers, files.customers);
    } finally {
      await db.close();
    }
    return await handWritten(server as string, place.schema, files.invoices);
  } finally {
    await place.drop();
  }
}
const sizes = [Math.max(1000, Math.round(MAX_LINES / 10)), MAX_LINES];
const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const targets: Array<{ name: string; open: () => Promise<{ url: string; drop: () => Promise<void> }> }> = [];
if (process.env.BENCH_PGLITE !== "0") {
  targets.push({
    name: "pglite",
    open: async () => {
      const data = mkdtempSync(path.join(tmpdir(), "ccbot-bench-db-"));
      return { url: data, drop: async () => rmSync(data, { recursive: true, force: true }) };
    },
  });
}
if (server) targets.push({ name: "postgresql", open: () => serverSchema(server) });

out(
  `ccbot import benchmark: ${sizes.map((s) => s.toLocaleString("en-US")).join(" and ")} lines, ${CUSTOMERS.toLocaleString("en-US")} customers`,
);
out(`node ${process.version}; peak memory is the whole process (the embedded database included)`);
out("");
out("database    file      lines      seconds  lines/s    peak RSS MB  peak heap MB  phases (s)");
try {
  for (const size of sizes) {
    const files = await generate(size);
    for (const target of targets) {
      const place = await target.open();
      const db = await openDatabase(place.url);
      try {
        await migrate(db);
        await runImport(db, IMPORTERS.customers, files.customers);
        for (const [kind, file] of [
          ["invoices", files.invoices],
          ...(process.env.BENCH_FEC === "0" ? [] : ([["fec", files.fec]] as const)),
        ] as const) {
          if (kind === "invoices" && target.name === "postgresql") references.push(await reference(files));
          const m = await measure(db, kind, file);
          if (kind === "invoices" && target.name === "postgresql") references.push(await reference(files));
          if (kind === "invoices") importSeconds.set(`${target.name}:${size}`, m.seconds);
          out(
            `${target.name.padEnd(11)} ${kind.padEnd(9)} ${m.lines.toLocaleString("en-US").padStart(9)}  ${m.seconds.toFixed(1).padStart(7)}  ` +
              `${Math.round(m.lines / m.seconds)
                .toLocaleString("en-US")
                .padStart(9)}  ${m.peakRssMb.toFixed(0).padStart(11)}  ${m.peakHeapMb.toFixed(0).padStart(12)}  ${Object.entries(m.phases)
                .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`)
                .join(", ")}`,
          );
        }
      } finally {
        await db.close();
        await place.drop();
      }
    }
    if (references.length > 0) {
      const imported = importSeconds.get(`postgresql:${size}`) as number;
      const mean = references.reduce((sum, r) => sum + r.seconds, 0) / references.length;
      const lines = references[0]?.lines ?? 0;
      out(
        `${"postgresql".padEnd(11)} ${"hand SQL".padEnd(9)} ${lines.toLocaleString("en-US").padStart(9)}  ${mean.toFixed(1).padStart(7)}  ` +
          `${Math.round(lines / mean)
            .toLocaleString("en-US")
            .padStart(9)}  reference (COPY + INSERT ... SELECT, before ${references[0]?.seconds.toFixed(1)} s and after ` +
          `${references[1]?.seconds.toFixed(1)} s the import): the import takes ${(imported / mean).toFixed(2)}x (target <= 1.5x)`,
      );
      references.length = 0;
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
out("");
out(
  "Target: >= 100,000 lines/s on PostgreSQL; peak memory about the same for both file sizes; the invoices import within 1.5x of the hand-written SQL.",
);
