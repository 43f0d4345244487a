// Imports never store a wrong figure: each case below once imported a wrong value without a word. Each is
// now either a line-numbered rejection (nothing written) or a correct import that says what it did.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { IMPORTERS, ImportRejectedError, runImport } from "../../src/import/index.js";
import { ccbot, heldCliTargets, heldDatabase } from "../helpers/cli.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";

afterAll(dropTestSchemas);

async function rejection(promise: Promise<unknown>): Promise<ImportRejectedError> {
  const error = await promise.then(
    () => new Error("the import was expected to be rejected"),
    (e: unknown) => e,
  );
  if (error instanceof ImportRejectedError) return error;
  throw error;
}

const FEC_HEADER =
  "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise";

/** A balanced sale: 411 debit, 706 credit. */
function sale(entry: string, aux: string, name: string, piece: string, amount: string): string[] {
  return [
    `VT|Ventes|${entry}|20260105|411000|Clients|${aux}|${name}|${piece}|20260105|Facture ${piece}|${amount}|0,00|||20260131||`,
    `VT|Ventes|${entry}|20260105|706000|Prestations|||${piece}|20260105|Facture ${piece}|0,00|${amount}|||20260131||`,
  ];
}

function fecText(lines: string[], header = FEC_HEADER): string {
  return [header, ...lines].join("\r\n") + "\r\n";
}

describe.each(targets)("imports that never store a wrong figure, on $name", (target) => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase(target);
    await runImport(db, IMPORTERS.customers, writeTemp("wf-customers.csv", csv("external_id;name", "C1;Alpha", "C2;Beta")));
  });
  afterAll(async () => db?.close());

  const invoiceCount = () => db.prisma.invoice.count();

  describe("field counts", () => {
    it("a row with more fields than the header is refused: a decimal comma in a comma-separated file", async () => {
      const before = await invoiceCount();
      const error = await rejection(
        runImport(
          db,
          IMPORTERS.invoices,
          writeTemp(
            "wf-extra.csv",
            csv("customer_id,number,type,issue_date,due_date,amount", "C1,F9,invoice,2025-01-10,,12", "C1,F10,invoice,2025-01-10,,12,50"),
          ),
        ),
      );
      expect(error.rejections).toEqual([
        {
          line: 3,
          reason:
            'has 7 fields, the header has 6 (separator ","): an amount with a decimal comma must be quoted ("12,50") ' +
            "or the file saved with ; as separator",
        },
      ]);
      expect(await invoiceCount()).toBe(before);
    });

    it("a row with fewer fields than the header is refused too (its values would land in the wrong columns)", async () => {
      const error = await rejection(
        runImport(
          db,
          IMPORTERS.invoices,
          writeTemp("wf-short.csv", csv("customer_id;number;issue_date;amount;open_amount", "C1;F11;2025-01-10;1200;0", "C1;F12;2025-01-10;1200")),
        ),
      );
      expect(error.rejections).toEqual([{ line: 3, reason: 'has 4 fields, the header has 5 (separator ";")' }]);
    });

    it("a FEC line with a | inside a label has one field too many and is refused", async () => {
      const before = await invoiceCount();
      const lines = [
        ...sale("VT1", "C1", "Alpha", "F-100", "100,00"),
        "VT|Ventes|VT2|20260105|411000|Clients|C1|Alpha|F-101|20260105|Facture | avoir|100,00|0,00|||20260131||",
        "VT|Ventes|VT2|20260105|706000|Prestations|||F-101|20260105|Facture|0,00|100,00|||20260131||",
      ];
      const error = await rejection(runImport(db, IMPORTERS.fec, writeTemp("wf-fec-extra.txt", fecText(lines))));
      expect(error.rejections).toEqual([{ line: 4, reason: 'has 19 fields, the header has 18 (separator "|")' }]);
      expect(await invoiceCount()).toBe(before);
    });
  });

  describe("encodings", () => {
    it("a UTF-8 file with one ISO-8859-15 byte is refused with the line and byte offset, never read as ISO-8859-15", async () => {
      const head = Buffer.from("external_id;name\r\nE1;Société Générale\r\nE2;Caf", "utf8");
      const bytes = Buffer.concat([head, Buffer.from([0xe9]), Buffer.from("\r\nE3;Hôtel\r\n", "utf8")]);
      const error = await rejection(runImport(db, IMPORTERS.customers, writeTemp("wf-mixed.csv", bytes)));
      expect(error.rejections).toEqual([
        {
          line: 3,
          reason:
            `byte 0xE9 at offset ${head.length} is not UTF-8, while the file holds UTF-8 characters elsewhere ("é" on line 2): ` +
            "it mixes two encodings. Save it again as UTF-8, or give --encoding iso-8859-15 or windows-1252 to read every byte as one character",
        },
      ]);
      expect(await db.prisma.customer.findUnique({ where: { externalId: "E1" } })).toBeNull();
    });

    it("the encoding is decided on the whole file: an ISO-8859-15 byte first, UTF-8 characters after 64 KB", async () => {
      const filler = Array.from({ length: 2000 }, (_, i) => `G${i};Client ${i} ${"x".repeat(30)}`).join("\r\n");
      const bytes = Buffer.concat([
        Buffer.from("external_id;name\r\nG-A;Caf", "latin1"),
        Buffer.from([0xe9]),
        Buffer.from(`\r\n${filler}\r\nG-Z;Société\r\n`, "utf8"),
      ]);
      expect(bytes.indexOf(Buffer.from("Soci\u00e9t\u00e9", "utf8"))).toBeGreaterThan(64 * 1024);
      const error = await rejection(runImport(db, IMPORTERS.customers, writeTemp("wf-mixed-late.csv", bytes)));
      expect(error.rejections).toHaveLength(1);
      expect(error.rejections[0]?.line).toBe(2);
      expect(error.rejections[0]?.reason).toContain(`byte 0xE9 at offset 25 is not UTF-8, while the file holds UTF-8 characters elsewhere ("é" on line 2003)`);
      expect(await db.prisma.customer.count({ where: { externalId: { startsWith: "G" } } })).toBe(0);
    });

    it("an invalid UTF-8 byte after the first 64 KB is reported with its line and byte offset", async () => {
      const filler = Array.from({ length: 2000 }, (_, i) => `H${i};Société ${i} ${"x".repeat(30)}`).join("\r\n");
      const head = Buffer.from(`external_id;name\r\n${filler}\r\nH-Z;Caf`, "utf8");
      const bytes = Buffer.concat([head, Buffer.from([0xff]), Buffer.from("\r\n", "utf8")]);
      expect(head.length).toBeGreaterThan(64 * 1024);
      for (const encoding of ["auto", "utf-8"] as const) {
        const error = await rejection(runImport(db, IMPORTERS.customers, writeTemp("wf-late-invalid.csv", bytes), { encoding }));
        expect(error.rejections).toHaveLength(1);
        expect(error.rejections[0]?.line).toBe(2002);
        expect(error.rejections[0]?.reason).toMatch(new RegExp(`^byte 0xFF at offset ${head.length} is not UTF-8`));
      }
      expect(await db.prisma.customer.count({ where: { externalId: { startsWith: "H" } } })).toBe(0);
    });

    it("a FEC with Windows-1252 bytes (’ “ ” Œ €) is read as Windows-1252, and the summary says so", async () => {
      const text = fecText(sale("VT1", "W1", "L\u2019\u0152uvre \u201cSud\u201d \u20ac", "F-W1", "100,00"));
      const bytes = Buffer.from(
        text.replace("\u2019", "\x92").replace("\u0152", "\x8c").replace("\u201c", "\x93").replace("\u201d", "\x94").replace("\u20ac", "\x80"),
        "latin1",
      );
      const summary = await runImport(db, IMPORTERS.fec, writeTemp("wf-fec-1252.txt", bytes));
      expect(summary.encoding).toBe("windows-1252");
      expect(summary.notes).toContain(
        "encoding: read as Windows-1252, not ISO-8859-15: byte 0x92 on line 2 is a character in Windows-1252 (’) and a control character in ISO-8859-15",
      );
      const customer = await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "W1" } });
      expect(customer.name).toBe("L\u2019\u0152uvre \u201cSud\u201d \u20ac");
    });

    it("a plain ISO-8859-15 file is still read as ISO-8859-15 (0xA4 is €)", async () => {
      const bytes = Buffer.from("external_id;name\r\nI1;Caf\u00e9 \u00a4\r\n", "latin1");
      const summary = await runImport(db, IMPORTERS.customers, writeTemp("wf-latin9.csv", bytes));
      expect(summary.encoding).toBe("iso-8859-15");
      expect((await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "I1" } })).name).toBe("Café €");
    });
  });

  describe("FEC entries", () => {
    it("a Sens that is neither D nor C is refused (it used to turn an invoice into a credit note)", async () => {
      const before = await invoiceCount();
      const header = FEC_HEADER.replace("Debit|Credit", "Montant|Sens");
      const lines = [
        "VT|Ventes|VT1|20260105|411000|Clients|C1|Alpha|F-200|20260105|Facture|1200,00|X|||20260131||",
        "VT|Ventes|VT1|20260105|706000|Prestations|||F-200|20260105|Facture|1200,00|C|||20260131||",
        "VT|Ventes|VT2|20260105|411000|Clients|C1|Alpha|F-201|20260105|Facture|10,00|+1|||20260131||",
        "VT|Ventes|VT2|20260105|706000|Prestations|||F-201|20260105|Facture|10,00|-1|||20260131||",
      ];
      const error = await rejection(runImport(db, IMPORTERS.fec, writeTemp("wf-fec-sens.txt", fecText(lines, header))));
      expect(error.rejections).toEqual([{ line: 2, reason: 'Sens: "X" is neither D (debit, or +1) nor C (credit, or -1)' }]);
      expect(await invoiceCount()).toBe(before);
    });

    it("an entry whose debits and credits differ is refused, naming the entry and the difference", async () => {
      const before = await invoiceCount();
      const [split411, split706] = sale("VT3", "C1", "Alpha", "F-302", "50,00");
      const lines = [
        split411 as string, // VT3 balances, its lines apart from each other
        ...sale("VT1", "C1", "Alpha", "F-300", "100,00"),
        "VT|Ventes|VT2|20260105|411000|Clients|C1|Alpha|F-301|20260105|Facture|1200,00|0,00|||20260131||",
        "VT|Ventes|VT2|20260105|706000|Prestations|||F-301|20260105|Facture|0,00|1000,00|||20260131||",
        "VT|Ventes|VT2|20260105|445710|TVA|||F-301|20260105|Facture|0,00|190,00|||20260131||",
        split706 as string,
      ];
      const error = await rejection(runImport(db, IMPORTERS.fec, writeTemp("wf-fec-unbalanced.txt", fecText(lines))));
      expect(error.rejections).toEqual([
        {
          line: 5,
          reason: "entry VT VT2 (lines 5-7) is unbalanced: debits 1200.00, credits 1190.00, difference 10.00 (an entry's debits equal its credits)",
        },
      ]);
      expect(await invoiceCount()).toBe(before);
    });
  });

  describe("invoices lowered below what is allocated", () => {
    it("the allocation is reduced to the new amount and the rest goes back to the payment as the customer's credit", async () => {
      await runImport(db, IMPORTERS.invoices, writeTemp("wf-inv.csv", csv("customer_id;number;issue_date;amount", "C2;F-400;2026-01-05;1000")));
      await runImport(
        db,
        IMPORTERS.payments,
        writeTemp("wf-pay.csv", csv("reference;customer_id;payment_date;amount;invoice_number", "P-400;C2;2026-02-01;400;F-400")),
      );
      const lowered = await runImport(
        db,
        IMPORTERS.invoices,
        writeTemp("wf-inv-lowered.csv", csv("customer_id;number;issue_date;amount", "C2;F-400;2026-01-05;300")),
      );
      expect(lowered.counts).toEqual({
        invoices: { created: 0, updated: 1, unchanged: 0 },
        allocations: { created: 0, updated: 1, unchanged: 0 },
      });
      expect(lowered.notes).toContain(
        "line 2: invoice F-400 is now 300.00, below the 400.00 allocated to it: allocations reduced by 100.00, which goes back to payment P-400 (unallocated, the customer's credit)",
      );
      const invoice = await db.prisma.invoice.findFirstOrThrow({ where: { number: "F-400" }, include: { allocations: true } });
      expect(invoice).toMatchObject({ amount: 30000n, openAmount: 0n, status: "CLOSED" });
      expect(invoice.allocations.map((a) => a.amount)).toEqual([30000n]);
      const payment = await db.prisma.payment.findUniqueOrThrow({ where: { reference: "P-400" } });
      expect(payment.unallocatedAmount).toBe(10000n);
      // Re-importing the payments file keeps it so.
      const again = await runImport(
        db,
        IMPORTERS.payments,
        writeTemp("wf-pay-again.csv", csv("reference;customer_id;payment_date;amount;invoice_number", "P-400;C2;2026-02-01;400;F-400")),
      );
      expect(again.counts.allocations).toEqual({ created: 0, updated: 0, unchanged: 1 });
      expect((await db.prisma.payment.findUniqueOrThrow({ where: { reference: "P-400" } })).unallocatedAmount).toBe(10000n);
    });
  });

  describe("credit notes lowered below what they settle", () => {
    it("the invoices they settled owe the difference again", async () => {
      const lines = [
        "VT|Ventes|VT9|20260112|411000|Clients|C9|Gamma|F-900|20260112|Facture|960,00|0,00|BB|20260220|20260131||",
        "VT|Ventes|VT9|20260112|706000|Prestations|||F-900|20260112|Facture|0,00|960,00|||20260131||",
        "VT|Ventes|VT10|20260220|411000|Clients|C9|Gamma|AV-900|20260220|Avoir|0,00|360,00|BB|20260220|20260228||",
        "VT|Ventes|VT10|20260220|706000|Prestations|||AV-900|20260220|Avoir|360,00|0,00|||20260228||",
      ];
      await runImport(db, IMPORTERS.fec, writeTemp("wf-fec-cn.txt", fecText(lines)));
      expect((await db.prisma.invoice.findFirstOrThrow({ where: { number: "F-900" } })).openAmount).toBe(60000n);
      const lowered = await runImport(
        db,
        IMPORTERS.invoices,
        writeTemp("wf-cn-lowered.csv", csv("customer_id;number;type;issue_date;amount", "C9;AV-900;credit_note;2026-02-20;100")),
      );
      expect(lowered.notes).toContain(
        "line 2: credit note AV-900 is now 100.00, below the 360.00 allocated to it: allocations reduced by 260.00, which goes back to invoice F-900 (open again)",
      );
      const invoice = await db.prisma.invoice.findFirstOrThrow({ where: { number: "F-900" }, include: { allocations: true } });
      expect(invoice).toMatchObject({ openAmount: 86000n, status: "OPEN" });
      expect(invoice.allocations.map((a) => a.amount)).toEqual([10000n]);
      expect(await db.prisma.invoice.findFirstOrThrow({ where: { number: "AV-900" } })).toMatchObject({ amount: 10000n, openAmount: 0n });
    });
  });

  describe("columns", () => {
    it("the same column twice, or a column and its alias, is refused naming both", async () => {
      const before = await invoiceCount();
      await expect(
        runImport(db, IMPORTERS.invoices, writeTemp("wf-dup.csv", csv("customer_id;number;issue_date;amount;amount", "C1;F-500;2026-01-05;10;20"))),
      ).rejects.toThrow('wf-dup.csv, line 1: columns 4 "amount" and 5 "amount" both give amount: keep one of them.');
      await expect(
        runImport(
          db,
          IMPORTERS.invoices,
          writeTemp("wf-alias.csv", csv("customer_id;number;issue_date;montant;amount", "C1;F-500;2026-01-05;10;20")),
        ),
      ).rejects.toThrow('wf-alias.csv, line 1: columns 4 "montant" and 5 "amount" both give amount: keep one of them.');
      expect(await invoiceCount()).toBe(before);
    });
  });

  describe("sizes and bytes", () => {
    it("an amount beyond the largest accepted is a line error naming the maximum", async () => {
      const error = await rejection(
        runImport(
          db,
          IMPORTERS.invoices,
          writeTemp("wf-huge.csv", csv("customer_id;number;issue_date;amount", "C1;F-600;2026-01-05;99999999999999999")),
        ),
      );
      expect(error.rejections).toEqual([
        { line: 2, reason: 'amount: "99999999999999999" is out of range (at most 9999999999999.99)' },
      ]);
    });

    it("a 10 MB field is a line error naming the limit; a NUL byte is refused with its line", async () => {
      const file = writeTemp(
        "wf-sizes.csv",
        csv("external_id;name", "S1;Short", `S2;${"n".repeat(10 * 1024 * 1024)}`, "S3;Nul\u0000Name", "S4;Fine"),
      );
      const error = await rejection(runImport(db, IMPORTERS.customers, file));
      expect(error.rejections).toEqual([
        { line: 3, reason: "name: 10,485,760 characters, at most 1,000 are accepted" },
        {
          line: 4,
          reason: "name: contains U+0000 (null) at character 4; names, addresses and references are single-line text without control characters",
        },
      ]);
      expect(await db.prisma.customer.count({ where: { externalId: { startsWith: "S" } } })).toBe(0);
    });
  });

  describe("structure", () => {
    it("a quote never closed is a line error at the line that opens it, with the lines already found wrong", async () => {
      const file = writeTemp("wf-quote.csv", csv("external_id;name;credit_limit", "Q1;Fine;12,5,0", 'Q2;"Open quote;1', "Q3;Later;2"));
      const error = await rejection(runImport(db, IMPORTERS.customers, file));
      expect(error.rejections).toEqual([
        { line: 2, reason: 'credit_limit: "12,5,0" is not an amount' },
        { line: 3, reason: 'a quoted field is never closed (a " is missing); nothing after it was read' },
      ]);
      expect(await db.prisma.customer.count({ where: { externalId: { startsWith: "Q" } } })).toBe(0);
    });
  });

  describe("line endings", () => {
    it("a file with CR-only line endings (classic Mac) is read line by line, and the summary says so", async () => {
      const file = writeTemp("wf-cr.csv", "external_id;name\rR1;Rouge\rR2;Rose\r");
      const summary = await runImport(db, IMPORTERS.customers, file);
      expect(summary.lines).toBe(2);
      expect(summary.counts.customers).toEqual({ created: 2, updated: 0, unchanged: 0 });
      expect(summary.notes).toContain("line endings: CR only (classic Mac OS); each CR read as a line break");
      expect((await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "R2" } })).name).toBe("Rose");
    });
  });
});

describe.each(heldCliTargets)("ccbot import of out-of-range values on $name", (target) => {
  it("a huge amount, a 10 MB field and a NUL byte exit 1 with line errors, not an unexpected error", async () => {
    const url = await target.url();
    const file = writeTemp(
      `wf-cli-${target.name}.csv`,
      csv(
        "external_id;name;credit_limit",
        "K1;Fine;1000",
        "K2;Huge;99999999999999999",
        `K3;${"n".repeat(10 * 1024 * 1024)};`,
        "K4;Nul\u0000;",
      ),
    );
    const result = await ccbot(url, "import", "customers", file);
    expect(result.stderr).not.toContain("Unexpected error");
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { status: string; rejections: Array<{ line: number; reason: string }> };
    expect(report.status).toBe("rejected");
    expect(report.rejections).toEqual([
      { line: 3, reason: 'credit_limit: "99999999999999999" is out of range (at most 9999999999999.99)' },
      { line: 4, reason: "name: 10,485,760 characters, at most 1,000 are accepted" },
      {
        line: 5,
        reason: "name: contains U+0000 (null) at character 4; names, addresses and references are single-line text without control characters",
      },
    ]);
    expect(result.stderr).toContain(`wf-cli-${target.name}.csv:3: credit_limit: "99999999999999999" is out of range`);
    const db = await heldDatabase(url);
    try {
      expect(await db.prisma.customer.count()).toBe(0);
    } finally {
      await db.close();
    }
  });

  it("a file mixing UTF-8 and ISO-8859-15 exits 1 naming the line and byte offset; a CR-only file imports with a note", async () => {
    const url = await target.url();
    const bytes = Buffer.concat([Buffer.from("external_id;name\nM1;Société\nM2;Caf", "utf8"), Buffer.from([0xe9, 0x0a])]);
    const result = await ccbot(url, "import", "customers", writeTemp(`wf-cli-mixed-${target.name}.csv`, bytes));
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain("Unexpected error");
    expect(result.stderr).toContain(`wf-cli-mixed-${target.name}.csv:3: byte 0xE9 at offset 36 is not UTF-8`);

    const cr = await ccbot(url, "import", "customers", writeTemp(`wf-cli-cr-${target.name}.csv`, "external_id;name\rM1;Mac\r"));
    expect(cr.code).toBe(0);
    expect(JSON.parse(cr.stdout)).toMatchObject({
      status: "imported",
      lines: 1,
      notes: ["line endings: CR only (classic Mac OS); each CR read as a line break"],
    });
  });
});
