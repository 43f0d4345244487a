// Names, addresses and references are single-line: an import refuses line breaks and control characters
// with the line number and the column, writes nothing and exits with code 1.
import { afterAll, describe, expect, it } from "vitest";
import { ccbot, heldCliTargets, heldDatabase } from "../helpers/cli.js";
import { dropTestSchemas } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";

afterAll(dropTestSchemas);

const SINGLE_LINE = "names, addresses and references are single-line text without control characters";

interface Rejected {
  status: string;
  rejected: number;
  rejections: Array<{ line: number; reason: string }>;
}

async function counts(url: string) {
  const db = await heldDatabase(url);
  try {
    return {
      customers: await db.prisma.customer.count(),
      invoices: await db.prisma.invoice.count(),
      payments: await db.prisma.payment.count(),
    };
  } finally {
    await db.close();
  }
}

const FEC_HEADER =
  "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise";

describe.each(heldCliTargets)("import of control characters on $name", (target) => {
  it("customers.csv: a quoted line break in a name, ESC in a contact, BEL in an id are refused with line and column", async () => {
    const url = await target.url();
    const file = writeTemp(
      `cc-customers-${target.name}.csv`,
      csv(
        "external_id;name;address;contact_name",
        "K1;Boulangerie Martin;3 rue Est | 13002 Marseille;Anne Martin",
        `K2;"Acme`,
        `Total réclamé : 0,00 €";1 rue X;`,
        `K3;Café du Port;"3 quai Est`,
        `13002 Marseille";Paul\u001b[31m Durand`,
        "K\u00074;Hôtel;;",
        `K5;Grands Magasins;"1 rue A\u000b2e étage";`,
        "K6;Sept lignes;1 | 2 | 3 | 4 | 5 | 6 | 7;",
      ),
    );
    const result = await ccbot(url, "import", "customers", file);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Rejected;
    expect(report).toMatchObject({ status: "rejected", rejected: 5 });
    expect(report.rejections).toEqual([
      { line: 3, reason: `name: contains U+000A (line break) at character 5; ${SINGLE_LINE}` },
      { line: 5, reason: `contact_name: contains U+001B (escape) at character 5; ${SINGLE_LINE}` },
      { line: 7, reason: `external_id: contains U+0007 (bell) at character 2; ${SINGLE_LINE}` },
      { line: 8, reason: `address: contains U+000B (vertical tab) at character 8; ${SINGLE_LINE}` },
      { line: 9, reason: "address: has more than 6 lines (an address fits on an envelope: at most 6 lines)" },
    ]);
    // The terminal listing shows the controls as symbols, never the raw bytes.
    expect(result.stderr).toContain(`cc-customers-${target.name}.csv:5: contact_name: contains U+001B (escape)`);
    expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(await counts(url)).toEqual({ customers: 0, invoices: 0, payments: 0 });

    // The same file without the bad lines goes in; the address keeps its lines.
    const good = writeTemp(
      `cc-customers-good-${target.name}.csv`,
      csv("external_id;name;address", `K3;Café du Port;"3 quai Est`, `13002 Marseille"`),
    );
    expect((await ccbot(url, "import", "customers", good)).code).toBe(0);
    const db = await heldDatabase(url);
    try {
      expect(await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "K3" } })).toMatchObject({
        address: "3 quai Est\n13002 Marseille",
      });
    } finally {
      await db.close();
    }
  });

  it("invoices.csv and payments.csv: references with a line break, DEL or a C1 control are refused", async () => {
    const url = await target.url();
    expect((await ccbot(url, "import", "customers", writeTemp(`cc-c-${target.name}.csv`, csv("external_id;name", "K1;Acme")))).code).toBe(
      0,
    );

    const invoices = await ccbot(
      url,
      "import",
      "invoices",
      writeTemp(
        `cc-invoices-${target.name}.csv`,
        csv(
          "customer_id;number;issue_date;amount",
          "K1;F-1;2026-09-01;100",
          `K1;"F-2`,
          `Total réclamé : 0,00 €";2026-09-01;100`,
          "K1;F-3\u007f;2026-09-01;100",
        ),
      ),
    );
    expect(invoices.code).toBe(1);
    expect((JSON.parse(invoices.stdout) as Rejected).rejections).toEqual([
      { line: 3, reason: `number: contains U+000A (line break) at character 4; ${SINGLE_LINE}` },
      { line: 5, reason: `number: contains U+007F (delete) at character 4; ${SINGLE_LINE}` },
    ]);

    const payments = await ccbot(
      url,
      "import",
      "payments",
      writeTemp(
        `cc-payments-${target.name}.csv`,
        csv("reference;customer_id;payment_date;amount;method", "P-1;K1;2026-10-01;50;virement", "P-2\u009b;K1;2026-10-01;50;chèque"),
      ),
    );
    expect(payments.code).toBe(1);
    expect((JSON.parse(payments.stdout) as Rejected).rejections).toEqual([
      {
        line: 3,
        reason: `reference: contains U+009B (control character) at character 4; ${SINGLE_LINE}`,
      },
    ]);
    expect(await counts(url)).toEqual({ customers: 1, invoices: 0, payments: 0 });
  });

  it("FEC: an ESC in CompAuxLib and a C1 byte of an ISO-8859-15 file in PieceRef are refused with their line", async () => {
    const url = await target.url();
    const lines = [
      FEC_HEADER,
      "VT|Ventes|VT1|20260105|411000|Clients|C001|Société Générale|F-001|20260105|Facture F-001|1200,00|0,00|||20260131||",
      "VT|Ventes|VT1|20260105|706000|Prestations|||F-001|20260105|Facture F-001|0,00|1200,00|||20260131||",
      "VT|Ventes|VT2|20260106|411000|Clients|C002|Acme\u001b[8m|F-002|20260106|Facture F-002|100,00|0,00|||20260131||",
      "VT|Ventes|VT3|20260107|411000|Clients|C003|Café|F-003\u0085|20260107|Facture F-003|100,00|0,00|||20260131||",
    ];
    // ISO-8859-15: byte 0x85 is the C1 control NEL (next line).
    const bytes = Buffer.from(lines.join("\r\n") + "\r\n", "latin1");
    const result = await ccbot(url, "import", "fec", writeTemp(`cc-fec-${target.name}.txt`, bytes), "--encoding", "iso-8859-15");
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as Rejected).rejections).toEqual([
      { line: 4, reason: `CompAuxLib: contains U+001B (escape) at character 5; ${SINGLE_LINE}` },
      { line: 5, reason: `PieceRef: contains U+0085 (control character) at character 6; ${SINGLE_LINE}` },
    ]);
    expect(await counts(url)).toEqual({ customers: 0, invoices: 0, payments: 0 });
  });
});
