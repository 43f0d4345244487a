// A committee with an agenda (issue #13): K1..K8, SME accounts 2 000 € to 9 000 € overdue, 70 days late on
// 2026-11-20 and reminded in writing, each earning a delivery block; K9, 600 € as late, under the SME threshold.
import type { Database } from "../../src/db/database.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { csv, writeTemp } from "./files.js";

export async function seedAgenda(db: Database, name: string) {
  const person = (personName: string, email: string, roles: Array<"SALES" | "FINANCE" | "COLLECTOR">) =>
    db.prisma.person.create({ data: { name: personName, email, roles } });
  const people = {
    finance: await person("Nathalie Roche", "nathalie@acme.example", ["FINANCE"]),
    claire: await person("Claire Dumont", "claire@acme.example", ["SALES"]),
    sophie: await person("Sophie Leroy", "sophie@acme.example", ["COLLECTOR"]),
  };
  // K1..K8: 2 000 € to 9 000 € overdue, 70 days late, reminded in writing: each earns a delivery block.
  // K9: 600 € overdue, the same age: under the SME threshold (1 000 €), left to the collector's calendar.
  const ids = Array.from({ length: 9 }, (_, i) => `K${i + 1}`);
  await runImport(
    db,
    IMPORTERS.customers,
    writeTemp(
      `agenda-customers-${name}.csv`,
      csv(
        "external_id;name;segment;sales_owner;collector",
        ...ids.map((id) => `${id};Client ${id};sme;claire@acme.example;sophie@acme.example`),
      ),
    ),
  );
  await runImport(
    db,
    IMPORTERS.invoices,
    writeTemp(
      `agenda-invoices-${name}.csv`,
      csv(
        "customer_id;number;issue_date;due_date;amount",
        ...ids.map((id, i) => `${id};F-${id};2026-08-12;2026-09-11;${i === 8 ? "600,00" : `${(i + 2) * 1000},00`}`),
      ),
    ),
  );
  await runImport(
    db,
    IMPORTERS.steps,
    writeTemp(
      `agenda-steps-${name}.csv`,
      csv("customer_id;level;channel;date;who", ...ids.map((id) => `${id};first-reminder;email;2026-09-14;sophie@acme.example`)),
    ),
  );
  return people;
}
