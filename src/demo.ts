// `npm run demo`: the whole foundation on the embedded database, no server and no chat account.
// Creates a fresh database in ./data/demo, sets up a sample company and its committee, imports the bundled
// sample files (CSV and an ISO-8859-15 FEC) and prints what was loaded.
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase } from "./db/database.js";
import { migrate } from "./db/migrate.js";
import { portfolioSnapshot } from "./db/portfolio.js";
import { loadSettings } from "./db/settings.js";
import { calendarDate } from "./domain/calendarDate.js";
import { formatMoney } from "./domain/money.js";
import { IMPORTERS, runImport, type ImportKind } from "./import/index.js";
import { integer, print, table } from "./cli/io.js";
import type { Role } from "./domain/parties.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DEMO_DIR = path.join(ROOT, "data", "demo");
/** The sample files are written as of this date (scripts/generate-samples.ts). */
const SAMPLE_AS_OF = calendarDate("2026-11-20");

const COMMITTEE: Array<{ name: string; email: string; roles: Role[]; slack: string }> = [
  { name: "Nathalie Roche", email: "nathalie.roche@demo.example", roles: ["FINANCE", "ADMIN"], slack: "U0DEMOFIN" },
  { name: "Claire Dumont", email: "claire.dumont@demo.example", roles: ["SALES"], slack: "U0DEMOSA1" },
  { name: "Marc Petit", email: "marc.petit@demo.example", roles: ["SALES"], slack: "U0DEMOSA2" },
  { name: "Sophie Leroy", email: "sophie.leroy@demo.example", roles: ["COLLECTOR", "BACK_OFFICE"], slack: "U0DEMOCO1" },
  { name: "Karim Benali", email: "karim.benali@demo.example", roles: ["COLLECTOR"], slack: "U0DEMOCO2" },
];

const FILES: Array<[ImportKind, string]> = [
  ["customers", "samples/customers.csv"],
  ["invoices", "samples/invoices.csv"],
  ["payments", "samples/payments.csv"],
  ["fec", "samples/FEC-sample.txt"],
];

const out = process.stdout;
rmSync(DEMO_DIR, { recursive: true, force: true });
const db = await openDatabase(DEMO_DIR);
try {
  const migrations = await migrate(db);
  print(
    out,
    `Embedded database created in ${path.relative(process.cwd(), DEMO_DIR) || DEMO_DIR} (${migrations.applied.length} migration applied).`,
  );
  await db.withConnection(loadSettings);
  await db.prisma.companySettings.update({
    where: { id: 1 },
    data: {
      companyName: "Démo Industries SAS",
      currency: "EUR",
      timeZone: "Europe/Paris",
      locale: "fr-FR",
      defaultPaymentTerms: "30 days",
    },
  });
  for (const person of COMMITTEE) {
    await db.prisma.person.create({
      data: {
        name: person.name,
        email: person.email,
        roles: person.roles,
        identities: { create: [{ platform: "SLACK", externalId: person.slack }] },
      },
    });
  }
  print(out, `Committee: ${COMMITTEE.map((p) => `${p.name} (${p.roles.join(", ").toLowerCase()})`).join("; ")}.`);
  print(out);

  const rows: string[][] = [];
  for (const [kind, file] of FILES) {
    const summary = await runImport(db, IMPORTERS[kind], path.join(ROOT, file));
    for (const [what, c] of Object.entries(summary.counts)) {
      rows.push([
        path.basename(file),
        `${summary.encoding}`,
        what,
        integer.format(c.created),
        integer.format(c.updated),
        integer.format(c.unchanged),
      ]);
    }
  }
  print(out, table(["file", "encoding", "records", "created", "updated", "unchanged"], rows));
  print(out);

  const again = await runImport(db, IMPORTERS.invoices, path.join(ROOT, "samples/invoices.csv"));
  const c = again.counts.invoices;
  print(
    out,
    `Re-import of invoices.csv: ${c?.created} created, ${c?.updated} updated, ${c?.unchanged} unchanged (imports are idempotent).`,
  );
  print(out);

  const settings = await db.withConnection(loadSettings);
  const money = (minor: bigint) => formatMoney(minor, settings.currency, settings.locale);
  const snapshot = await portfolioSnapshot(db, SAMPLE_AS_OF);
  print(out, `${settings.companyName}: receivables as of ${SAMPLE_AS_OF} (the sample's date)`);
  print(
    out,
    `  customers by segment: ${Object.entries(snapshot.customersBySegment)
      .map(([s, n]) => `${s.toLowerCase()} ${n}`)
      .join(", ")}`,
  );
  print(out, `  open invoices: ${snapshot.openInvoices}, ${money(snapshot.openAmount)}, of which overdue ${money(snapshot.overdueAmount)}`);
  print(out, `  open credit notes: ${money(snapshot.openCreditNotes)}; unallocated payments: ${money(snapshot.unallocatedPayments)}`);
  print(out);
  print(out, "Largest overdue balances:");
  print(
    out,
    table(
      ["customer", "name", "overdue", "oldest due date"],
      snapshot.topOverdue.map((t) => [t.externalId, t.name, money(t.overdue), t.oldestDue]),
    ),
  );
  print(out);
  print(out, "Next: try the CLI on this database, e.g.");
  print(out, `  DATABASE_URL=${path.relative(process.cwd(), DEMO_DIR) || DEMO_DIR} npx ccbot people list`);
} finally {
  await db.close();
}
