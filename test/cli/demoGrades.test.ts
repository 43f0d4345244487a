// The demo's portfolio (the bundled samples, imported as `npm run demo` does), judged as of the samples'
// date: no customer with an invoice more than 90 days late is graded A, and the reasons say why in words.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { IMPORTERS, runImport, type ImportKind } from "../../src/import/index.js";
import { ccbot } from "../helpers/cli.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SAMPLE_AS_OF = "2026-11-20";
const PEOPLE: Array<{ name: string; email: string; roles: Array<"FINANCE" | "SALES" | "COLLECTOR"> }> = [
  { name: "Nathalie Roche", email: "nathalie.roche@demo.example", roles: ["FINANCE"] },
  { name: "Claire Dumont", email: "claire.dumont@demo.example", roles: ["SALES"] },
  { name: "Marc Petit", email: "marc.petit@demo.example", roles: ["SALES"] },
  { name: "Sophie Leroy", email: "sophie.leroy@demo.example", roles: ["COLLECTOR"] },
  { name: "Karim Benali", email: "karim.benali@demo.example", roles: ["COLLECTOR"] },
];
const FILES: Array<[ImportKind, string]> = [
  ["customers", "samples/customers.csv"],
  ["invoices", "samples/invoices.csv"],
  ["payments", "samples/payments.csv"],
  ["fec", "samples/FEC-sample.txt"],
];

describe("the demo portfolio's payer grades", () => {
  it("no customer with an invoice over 90 days late is graded A, and none is explained by a bare score", async () => {
    const url = mkdtempSync(path.join(tmpdir(), "ccbot-demo-grades-"));
    const db = await openDatabase(url);
    try {
      await migrate(db);
      for (const p of PEOPLE) await db.prisma.person.create({ data: p });
      for (const [kind, file] of FILES) await runImport(db, IMPORTERS[kind], path.join(ROOT, file));
    } finally {
      await db.close();
    }
    const aging = JSON.parse((await ccbot(url, "report", "aging", "--as-of", SAMPLE_AS_OF, "--format", "json")).stdout) as Array<
      Record<string, string>
    >;
    // b4 is "over 90" with the default buckets; disputed amounts are apart (none in the samples).
    const over90 = new Set(aging.filter((r) => r.externalId && r.b4 !== "0.00").map((r) => r.externalId));
    expect(over90.size).toBeGreaterThanOrEqual(20);
    const ranked = JSON.parse((await ccbot(url, "report", "priorities", "--as-of", SAMPLE_AS_OF, "--format", "json")).stdout) as Array<
      Record<string, string>
    >;
    const graded = ranked.filter((r) => over90.has(r.externalId));
    expect(graded.length).toBe(over90.size);
    expect(graded.filter((r) => (r.payer ?? "").startsWith("A"))).toEqual([]);
    for (const r of graded) {
      expect(r.why).toMatch(/payer [BCD]: /);
      expect(r.why).toContain("over 90 days late (oldest ");
      expect(r.why).not.toMatch(/payer score \d/);
    }
    // The example of the issue: Vins & Spiritueux Robin, an invoice 324 days late.
    const robin = ranked.find((r) => r.name === "Vins & Spiritueux Robin");
    expect(robin?.payer).toMatch(/^C /);
    expect(robin?.why?.replace(/[\u202f\u00a0]/g, " ")).toContain("589,34 € over 90 days late (oldest 324 days)");
  });
});
