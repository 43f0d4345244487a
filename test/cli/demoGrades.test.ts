// The demo's portfolio (the bundled samples, imported as `npm run demo` does), judged as of the samples'
// date: it reads like a real portfolio (most customers pay within terms, a few drift, a couple are in
// trouble); no customer with an invoice more than 90 days late is graded A, and the reasons say why in words;
// no delivery block is proposed to a public body; penalties are reported for invoices paid late.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { IMPORTERS, runImport, type ImportKind } from "../../src/import/index.js";
import { ccbot, heldDatabase } from "../helpers/cli.js";
import { freshPgliteDir } from "../helpers/databases.js";

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
  ["steps", "samples/steps.csv"],
];

describe("the demo portfolio's payer grades", () => {
  it("reads like a real portfolio; no customer with an invoice over 90 days late is graded A; no block for a public body; penalties for invoices paid late", async () => {
    const url = freshPgliteDir();
    const db = await heldDatabase(url);
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
    const customers = aging.filter((r) => r.externalId && r.externalId !== "TOTAL");
    const over90 = new Set(customers.filter((r) => r.b4 !== "0.00").map((r) => r.externalId));
    // A real portfolio: a handful of accounts with something over 90 days late, not half of them.
    expect(over90.size).toBeGreaterThanOrEqual(2);
    expect(over90.size).toBeLessThanOrEqual(customers.length / 5);
    const ranked = JSON.parse((await ccbot(url, "report", "priorities", "--as-of", SAMPLE_AS_OF, "--format", "json")).stdout) as Array<
      Record<string, string>
    >;
    const graded = ranked.filter((r) => over90.has(r.externalId));
    expect(graded.length).toBe(over90.size);
    expect(graded.filter((r) => (r.payer ?? "").startsWith("A"))).toEqual([]);
    for (const r of graded) {
      expect(r.why).toMatch(/payeur [BCD] : /);
      expect(r.why?.replace(/[\u202f\u00a0]/g, " ")).toContain("à plus de 90 jours de retard (le plus ancien : ");
      expect(r.why).not.toMatch(/score de paiement \d/);
    }
    // Most customers pay within their terms: nothing more than 30 days late for at least two thirds of them.
    const drifting = customers.filter((r) => r.b2 !== "0.00" || r.b3 !== "0.00" || r.b4 !== "0.00");
    expect(drifting.length).toBeGreaterThan(0);
    expect(drifting.length).toBeLessThanOrEqual(customers.length / 3);
    // The example of the issue: Vins & Spiritueux Robin, a customer in trouble, months late.
    const robin = ranked.find((r) => r.name === "Vins & Spiritueux Robin");
    expect(robin?.payer).toMatch(/^[CD] /);
    expect(robin?.why?.replace(/[\u202f\u00a0]/g, " ")).toMatch(/à plus de 90 jours de retard \(le plus ancien : \d{3} jours\)/);
    // No delivery block proposed to a public body (Code de la commande publique: the supplier goes on performing).
    const publicBodies = new Set(
      readFileSync(path.join(ROOT, "samples/customers.csv"), "utf8")
        .split("\n")
        .filter((l) => l.split(";")[2] === "public_sector")
        .map((l) => l.split(";")[0]),
    );
    expect(publicBodies.size).toBeGreaterThanOrEqual(5);
    const publicRows = ranked.filter((r) => publicBodies.has(r.externalId));
    expect(publicRows.length).toBeGreaterThan(0);
    for (const r of publicRows) expect(r.proposals).not.toMatch(/block/i);
    // Penalties: invoices paid late get their claim, not only the open ones. The default rate table stops at
    // 2026-H1 (the ECB rate of 1 July 2026 is not confirmed: docs/legal.md), so as of the samples' date the
    // report names the setting to fill in, and as of 30 June 2026 it computes.
    const missing = await ccbot(url, "report", "penalties", "--as-of", SAMPLE_AS_OF, "--format", "json");
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("No ECB reference rate for the half-year starting 2026-07-01: add it to legal.referenceRates in the policy file");
    const penalties = JSON.parse((await ccbot(url, "report", "penalties", "--as-of", "2026-06-30", "--format", "json")).stdout) as Array<
      Record<string, string>
    >;
    const paidLate = penalties.filter((r) => r.status === "paid late");
    expect(paidLate.length).toBeGreaterThan(0);
    expect(paidLate.every((r) => r.indemnity === "40.00" && Number(r.daysLate) > 0)).toBe(true);
  });
});
