import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { IMPORTERS, ImportRejectedError, runImport } from "../../src/import/index.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { writeTemp } from "../helpers/files.js";

afterAll(dropTestSchemas);

const HEADER =
  "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise";

// C001 "Société Générale des Eaux": F-001 (1 200) paid by VIR-1, lettered AA -> closed; F-002 (600) open.
// C002: F-003 (960) partly settled by credit note AV-001 (360), lettered BB -> 600 open; a 100 transfer unlettered.
const LINES = [
  "VT|Ventes|VT1|20260105|411000|Clients|C001|Société Générale des Eaux|F-001|20260105|Facture F-001|1200,00|0,00|AA|20260210|20260131||",
  "VT|Ventes|VT1|20260105|706000|Prestations de services|||F-001|20260105|Facture F-001|0,00|1000,00|||20260131||",
  "VT|Ventes|VT1|20260105|445710|TVA collectée|||F-001|20260105|Facture F-001|0,00|200,00|||20260131||",
  "VT|Ventes|VT2|20260110|411000|Clients|C001|Société Générale des Eaux|F-002|20260110|Facture F-002|600,00|0,00|||20260131||",
  "VT|Ventes|VT2|20260110|706000|Prestations de services|||F-002|20260110|Facture F-002|0,00|600,00|||20260131||",
  "VT|Ventes|VT3|20260112|411000|Clients|C002|Café du Port|F-003|20260112|Facture F-003|960,00|0,00|BB|20260220|20260131||",
  "VT|Ventes|VT3|20260112|706000|Prestations de services|||F-003|20260112|Facture F-003|0,00|800,00|||20260131||",
  "VT|Ventes|VT3|20260112|445710|TVA collectée|||F-003|20260112|Facture F-003|0,00|160,00|||20260131||",
  "VT|Ventes|VT4|20260220|411000|Clients|C002|Café du Port|AV-001|20260220|Avoir sur F-003|0,00|360,00|BB|20260220|20260228||",
  "VT|Ventes|VT4|20260220|706000|Prestations de services|||AV-001|20260220|Avoir sur F-003|300,00|0,00|||20260228||",
  "VT|Ventes|VT4|20260220|445710|TVA collectée|||AV-001|20260220|Avoir sur F-003|60,00|0,00|||20260228||",
  "BQ|Banque|BQ1|20260210|512000|Banque|||REL-02|20260210|Virement Société Générale des Eaux|1200,00|0,00|||20260228||",
  "BQ|Banque|BQ1|20260210|411000|Clients|C001|Société Générale des Eaux|REL-02|20260210|Règlement F-001|0,00|1200,00|AA|20260210|20260228||",
  "BQ|Banque|BQ2|20260225|512000|Banque|||REL-02|20260225|Virement Café du Port|100,00|0,00|||20260228||",
  "BQ|Banque|BQ2|20260225|411000|Clients|C002|Café du Port|REL-02|20260225|Acompte|0,00|100,00|||20260228||",
];

function fec(lines: string[]): string {
  return [HEADER, ...lines].join("\r\n") + "\r\n";
}

describe.each(targets)("FEC import on $name", (target) => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase(target);
  });
  afterAll(async () => db?.close());

  it("reads an ISO-8859-15 FEC: customers from auxiliary accounts, invoices, a credit note and payments", async () => {
    const file = writeTemp("fec-latin9.txt", Buffer.from(fec(LINES), "latin1"));
    const summary = await runImport(db, IMPORTERS.fec, file);
    expect(summary.encoding).toBe("iso-8859-15");
    expect(summary.lines).toBe(15);
    expect(summary.counts).toEqual({
      customers: { created: 2, updated: 0, unchanged: 0 },
      invoices: { created: 4, updated: 0, unchanged: 0 },
      payments: { created: 2, updated: 0, unchanged: 0 },
    });
    const customer = await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "C001" } });
    expect(customer.name).toBe("Société Générale des Eaux");
  });

  it("lettering closes the right items and leaves the rest open", async () => {
    const docs = await db.prisma.invoice.findMany({ orderBy: { number: "asc" } });
    const open = Object.fromEntries(docs.map((d) => [d.number, [d.kind, d.openAmount, d.status]]));
    expect(open).toEqual({
      "AV-001": ["CREDIT_NOTE", 0n, "CLOSED"],
      "F-001": ["INVOICE", 0n, "CLOSED"],
      "F-002": ["INVOICE", 60000n, "OPEN"],
      "F-003": ["INVOICE", 60000n, "OPEN"],
    });
    const payments = await db.prisma.payment.findMany({ orderBy: { paymentDate: "asc" } });
    expect(payments.map((p) => [p.reference, p.amount, p.unallocatedAmount])).toEqual([
      ["FEC:BQ:BQ1:C001:1", 120000n, 0n],
      ["FEC:BQ:BQ2:C002:1", 10000n, 10000n],
    ]);
    const allocations = await db.prisma.allocation.findMany({ include: { invoice: true, payment: true, creditNote: true } });
    expect(
      allocations
        .map((a) => [a.invoice.number, a.payment?.reference ?? a.creditNote?.number, a.amount, a.letteringCode])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    ).toEqual([
      ["F-001", "FEC:BQ:BQ1:C001:1", 120000n, "AA"],
      ["F-003", "AV-001", 36000n, "BB"],
    ]);
  });

  it("derives due dates from the company's default terms when the FEC has none", async () => {
    const invoice = await db.prisma.invoice.findFirstOrThrow({ where: { number: "F-002" } });
    // default terms "30 days": 10 Jan + 30
    expect(invoice.dueDate.toISOString().slice(0, 10)).toBe("2026-02-09");
    expect(invoice.dueDateDerived).toBe(true);
  });

  it("re-importing the same FEC (as UTF-8 this time) changes nothing", async () => {
    const summary = await runImport(db, IMPORTERS.fec, writeTemp("fec-utf8.txt", fec(LINES)));
    expect(summary.encoding).toBe("utf-8");
    expect(summary.counts).toEqual({
      customers: { created: 0, updated: 0, unchanged: 2 },
      invoices: { created: 0, updated: 0, unchanged: 4 },
      payments: { created: 0, updated: 0, unchanged: 2 },
    });
    expect(await db.prisma.allocation.count()).toBe(2);
  });

  it("a later FEC that letters the open invoice closes it", async () => {
    const later = [
      ...LINES.map((l) => l.replace("|F-002|20260110|Facture F-002|600,00|0,00||", "|F-002|20260110|Facture F-002|600,00|0,00|AC|")),
      "BQ|Banque|BQ3|20260305|512000|Banque|||REL-03|20260305|Virement|600,00|0,00|||20260331||",
      "BQ|Banque|BQ3|20260305|411000|Clients|C001|Société Générale des Eaux|REL-03|20260305|Règlement F-002|0,00|600,00|AC|20260305|20260331||",
    ];
    const summary = await runImport(db, IMPORTERS.fec, writeTemp("fec-march.txt", fec(later)));
    expect(summary.counts.invoices).toEqual({ created: 0, updated: 1, unchanged: 3 });
    expect(summary.counts.payments).toEqual({ created: 1, updated: 0, unchanged: 2 });
    const invoice = await db.prisma.invoice.findFirstOrThrow({ where: { number: "F-002" } });
    expect(invoice).toMatchObject({ openAmount: 0n, status: "CLOSED" });
  });

  it("rejects the whole file on a bad date, a bad amount or a customer line without auxiliary account", async () => {
    const bad = [
      ...LINES.slice(0, 3),
      "VT|Ventes|VT9|20261301|706000|Prestations|||F-009|20260105|Facture|0,00|10,00|||20260131||",
      "VT|Ventes|VT9|20260105|411000|Clients|||F-009|20260105|Facture|10,00|0,00|||20260131||",
      "VT|Ventes|VT10|20260105|411000|Clients|C001|Société Générale des Eaux|F-010|20260105|Facture|12,345|0,00|||20260131||",
    ];
    const before = await db.prisma.invoice.count();
    const error = await runImport(db, IMPORTERS.fec, writeTemp("fec-bad.txt", fec(bad))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRejectedError);
    expect((error as ImportRejectedError).rejections).toEqual([
      { line: 5, reason: 'EcritureDate: "20261301" is not a date (write YYYYMMDD)' },
      { line: 6, reason: "CompAuxNum: customer account 411000 line has no auxiliary account, so no customer" },
      { line: 7, reason: 'debit: "12,345" has more than 2 decimals' },
    ]);
    expect(await db.prisma.invoice.count()).toBe(before);
  });

  it("reads a tab-separated FEC with a due-date column", async () => {
    const header = HEADER.replaceAll("|", "\t") + "\tDateEcheance";
    const line =
      "VT\tVentes\tVT20\t20260301\t411000\tClients\tC003\tNouveau Client\tF-020\t20260301\tFacture\t100,00\t0,00\t\t\t20260331\t\t\t20260415";
    // The entry balances: revenue on the other side.
    const revenue = "VT\tVentes\tVT20\t20260301\t706000\tPrestations\t\t\tF-020\t20260301\tFacture\t0,00\t100,00\t\t\t20260331\t\t\t";
    const summary = await runImport(db, IMPORTERS.fec, writeTemp("fec-tab.txt", `${header}\n${line}\n${revenue}\n`));
    expect(summary.delimiter).toBe("\t");
    const invoice = await db.prisma.invoice.findFirstOrThrow({ where: { number: "F-020" } });
    expect(invoice.dueDate.toISOString().slice(0, 10)).toBe("2026-04-15");
    expect(invoice.dueDateDerived).toBe(false);
  });

  // pg warned "Calling client.query() when the client is already executing a query is deprecated" during FEC
  // imports on a server: the three staging tables each sent their batch on the one connection at once.
  it.runIf(target.name === "postgresql")(
    "a FEC of 20,000 lines imports with one statement at a time on its connection (no pg DeprecationWarning)",
    async () => {
      const lines: string[] = [];
      for (let i = 0; lines.length < 20_000; i++) {
        const aux = `W${String(i % 500).padStart(4, "0")}`;
        const d = `2026${String((i % 12) + 1).padStart(2, "0")}${String((i % 28) + 1).padStart(2, "0")}`;
        const ht = 1000 + (i % 5000);
        const tva = Math.round(ht * 0.2);
        const letter = i % 2 === 0 ? `W${i.toString(36)}` : "";
        const piece = `FW${String(i).padStart(8, "0")}`;
        lines.push(
          `VT|Ventes|VW${i}|${d}|411000|Clients|${aux}|Client ${aux}|${piece}|${d}|Facture|${ht + tva},00|0,00|${letter}||${d}||`,
          `VT|Ventes|VW${i}|${d}|706000|Ventes|||${piece}|${d}|Facture|0,00|${ht},00|||${d}||`,
          `VT|Ventes|VW${i}|${d}|445710|TVA|||${piece}|${d}|Facture|0,00|${tva},00|||${d}||`,
        );
        if (letter)
          lines.push(
            `BQ|Banque|BW${i}|${d}|512000|Banque|||RW${i}|${d}|Virement|${ht + tva},00|0,00|||${d}||`,
            `BQ|Banque|BW${i}|${d}|411000|Clients|${aux}|Client ${aux}|RW${i}|${d}|Reglement|0,00|${ht + tva},00|${letter}||${d}||`,
          );
      }
      const warnings: string[] = [];
      const listen = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
      process.on("warning", listen);
      try {
        const summary = await runImport(db, IMPORTERS.fec, writeTemp("fec-20k.txt", fec(lines)));
        expect(summary.lines).toBe(lines.length);
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off("warning", listen);
      }
      expect(warnings).toEqual([]);
    },
    300_000,
  );
});
