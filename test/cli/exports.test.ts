// Files and text that leave the system through the CLI: CSV that a spreadsheet opens, tables in a terminal.
import { afterAll, describe, expect, it } from "vitest";
import { appendHistory } from "../../src/db/history.js";
import { TABLE_CELL_MAX_WIDTH } from "../../src/cli/io.js";
import { ccbot, heldCliTargets, heldDatabase } from "../helpers/cli.js";
import { dropTestSchemas } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";

afterAll(dropTestSchemas);

const ESC = "\u001b";
const BEL = "\u0007";

describe.each(heldCliTargets)("ccbot exports on $name", (target) => {
  it("report --format csv: a text cell starting with = + - @ gets a leading quote; negative amounts stay numbers", async () => {
    const url = await target.url();
    const customers = csv(
      "external_id;name",
      `=K1;"=HYPERLINK(""http://x"",""click"")"`,
      "K2;@SUM(A1:A9)",
      "K3;-2+3",
      "K4;+33 Ventes",
      `K5;"Café; du Port"`, // quoted: unquoted, the ; would make a third field (refused)
    );
    expect((await ccbot(url, "import", "customers", writeTemp(`f-customers-${target.name}.csv`, customers))).code).toBe(0);
    const invoices = csv(
      "customer_id;number;type;issue_date;due_date;amount",
      "=K1;F-1;invoice;2026-09-01;2026-10-01;100",
      "K2;AV-1;credit_note;2026-09-01;2026-10-01;50",
      "K3;F-3;invoice;2026-09-01;2026-10-01;10",
      "K4;F-4;invoice;2026-11-01;2026-12-01;20",
    );
    expect((await ccbot(url, "import", "invoices", writeTemp(`f-invoices-${target.name}.csv`, invoices))).code).toBe(0);

    const report = await ccbot(url, "report", "aging", "--as-of", "2026-11-20", "--format", "csv");
    expect(report.code).toBe(0);
    expect(report.stdout.trimEnd().split("\r\n")).toEqual([
      "client;nom;non échu (EUR);1-30 (EUR);31-60 (EUR);61-90 (EUR);plus de 90 (EUR);en litige (EUR);avoirs (EUR);solde (EUR)",
      `'=K1;"'=HYPERLINK(""http://x"",""click"")";0,00;0,00;100,00;0,00;0,00;0,00;0,00;100,00`,
      "K2;'@SUM(A1:A9);0,00;0,00;0,00;0,00;0,00;0,00;50,00;-50,00",
      "K3;'-2+3;0,00;0,00;10,00;0,00;0,00;0,00;0,00;10,00",
      "K4;'+33 Ventes;20,00;0,00;0,00;0,00;0,00;0,00;0,00;20,00",
      ";TOTAL;20,00;0,00;110,00;0,00;0,00;0,00;50,00;80,00",
    ]);

    // JSON is for programs: the values as they are.
    const json = JSON.parse((await ccbot(url, "report", "aging", "--as-of", "2026-11-20", "--format", "json")).stdout) as Array<{
      name: string;
      balance: string;
    }>;
    expect(json.map((r) => r.name)).toContain('=HYPERLINK("http://x","click")');
    expect(json.find((r) => r.name === "@SUM(A1:A9)")?.balance).toBe("-50.00");
  });

  it("history export --format csv: entries typed as formulas are neutralised, the separator stays inside its cell", async () => {
    const url = await target.url();
    expect(
      (await ccbot(url, "import", "customers", writeTemp(`h-customers-${target.name}.csv`, csv("external_id;name", "K1;=1+1")))).code,
    ).toBe(0);
    const db = await heldDatabase(url);
    try {
      const customer = await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "K1" } });
      const texts = ["=cmd|' /C calc'!A0", "+33 6 12 34 56 78", "-", "@channel call back", "\tindented", "called; promised 100"];
      for (const [i, text] of texts.entries()) {
        await db.prisma.$transaction((tx) =>
          appendHistory(tx, {
            occurredAt: new Date(Date.UTC(2026, 10, 2 + i, 9)),
            customerId: customer.id,
            actorLabel: i === 0 ? "=Sophie" : "Sophie",
            origin: "CLI",
            channel: "PHONE",
            kind: "note",
            text,
          }),
        );
      }
    } finally {
      await db.close();
    }

    const exported = await ccbot(url, "history", "export", "K1", "--format", "csv");
    expect(exported.code).toBe(0);
    expect(exported.stdout.trimEnd().split("\r\n")).toEqual([
      "occurredAt;actor;origin;channel;kind;text;invoices",
      "2026-11-02T09:00:00.000Z;'=Sophie;CLI;PHONE;note;'=cmd|' /C calc'!A0;",
      "2026-11-03T09:00:00.000Z;Sophie;CLI;PHONE;note;'+33 6 12 34 56 78;",
      "2026-11-04T09:00:00.000Z;Sophie;CLI;PHONE;note;'-;",
      "2026-11-05T09:00:00.000Z;Sophie;CLI;PHONE;note;'@channel call back;",
      "2026-11-06T09:00:00.000Z;Sophie;CLI;PHONE;note;'\tindented;",
      '2026-11-07T09:00:00.000Z;Sophie;CLI;PHONE;note;"called; promised 100";',
    ]);
    // The customer named "=1+1" is found by its exact name, which is not a pattern either.
    expect((await ccbot(url, "history", "export", "=1+1")).code).toBe(0);
    expect(await ccbot(url, "history", "export", "%")).toMatchObject({ code: 1, stderr: "Aucun client de numéro ou de nom « % ».\n" });
  });

  it("terminal tables show ESC and BEL as visible symbols and cut a 5,000-character name; csv and json keep it whole", async () => {
    const url = await target.url();
    const longName = `Société ${"très ".repeat(1000)}longue`.slice(0, 5000);
    const evilName = `Evil${ESC}[2J${ESC}]0;owned${BEL} SA`;
    expect((await ccbot(url, "migrate")).code).toBe(0);
    const db = await heldDatabase(url);
    try {
      // Stored before the import checks existed (imports now refuse control characters).
      for (const [externalId, name] of [
        ["K1", evilName],
        ["K2", longName],
        ["K3", "Café du Port"],
      ] as const) {
        const customer = await db.prisma.customer.create({ data: { externalId, name, currency: "EUR" } });
        await db.prisma.invoice.create({
          data: {
            customerId: customer.id,
            number: `F-${externalId}`,
            issueDate: new Date("2026-09-01T00:00:00Z"),
            dueDate: new Date("2026-10-01T00:00:00Z"),
            amount: 10_000n,
            openAmount: 10_000n,
            currency: "EUR",
            source: "CSV",
          },
        });
      }
    } finally {
      await db.close();
    }

    const shown = await ccbot(url, "report", "priorities", "--as-of", "2026-11-20", "--format", "table");
    expect(shown.code).toBe(0);
    expect(shown.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(shown.stdout).toContain("Evil␛[2J␛]0;owned␇ SA");
    const lines = shown.stdout.trimEnd().split("\n");
    const header = lines.find((l) => l.startsWith("#"));
    const cafe = lines.find((l) => l.includes("Café du Port"));
    const long = lines.find((l) => l.includes("Société très"));
    // The long name is cut to the documented width, ending with an ellipsis; every row keeps the same layout.
    expect(long).toContain(`${longName.slice(0, TABLE_CELL_MAX_WIDTH - 1)}…`);
    expect(long).not.toContain(longName.slice(0, TABLE_CELL_MAX_WIDTH));
    expect(cafe?.indexOf("K3")).toBe(header?.indexOf("client"));
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(400);

    const asCsv = await ccbot(url, "report", "priorities", "--as-of", "2026-11-20", "--format", "csv");
    expect(asCsv.stdout).toContain(`;${longName};`);
    const asJson = JSON.parse((await ccbot(url, "report", "priorities", "--as-of", "2026-11-20", "--format", "json")).stdout) as Array<{
      name: string;
    }>;
    expect(asJson.map((r) => r.name).sort()).toEqual(["Café du Port", evilName, longName].sort());

    // Error messages quoting what was typed or stored do not drive the terminal either.
    const unknown = await ccbot(url, "report", "aging", "--customer", `${ESC}]0;pwned${BEL}`);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("Aucun client avec l’identifiant ou le nom « ␛]0;pwned␇ ».\n");
  });
});
