// Reference cases for the figures of `ccbot report`, through the CLI entry point on each database:
// every as-of figure is what was known at the end of that day; the kpis headline is in the company's
// currency and in json/csv; one definition of receivables; a customer's aged balance adds up.
import { afterAll, describe, expect, it } from "vitest";
import { ccbot, heldCliTargets } from "../helpers/cli.js";
import { dropTestSchemas } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";

afterAll(dropTestSchemas);

async function ok(url: string, ...args: string[]) {
  const result = await ccbot(url, ...args);
  expect(result, `${args.join(" ")}: ${result.stderr}`).toMatchObject({ code: 0 });
  return result;
}

async function load(url: string, name: string, lines: { invoices: string[]; payments?: string[] }) {
  await ok(
    url,
    "import",
    "customers",
    writeTemp(`${name}-c.csv`, csv("external_id;name;payment_terms", "K1;Café du Port;30 days", "K2;Garage Nord;30 days")),
  );
  await ok(
    url,
    "import",
    "invoices",
    writeTemp(`${name}-i.csv`, csv("customer_id;number;type;issue_date;due_date;amount", ...lines.invoices)),
  );
  if (lines.payments)
    await ok(
      url,
      "import",
      "payments",
      writeTemp(`${name}-p.csv`, csv("reference;customer_id;payment_date;amount;invoice_number", ...lines.payments)),
    );
}

/** The `report aging --format json` line of a customer. */
async function agingLine(url: string, asOf: string, externalId: string) {
  const rows = JSON.parse((await ok(url, "report", "aging", "--as-of", asOf, "--format", "json")).stdout) as Array<Record<string, string>>;
  return rows.find((r) => r.externalId === externalId) ?? null;
}

describe.each(heldCliTargets)("as-of figures on $name", (target) => {
  it("an invoice of 100 due 2025-06-01 paid 80 on 2025-06-11 shows 100 open on 2025-06-10 and 20 on 2025-06-11", async () => {
    const url = await target.url();
    await load(url, "ref", {
      invoices: ["K1;F-100;invoice;2025-05-02;2025-06-01;100"],
      payments: ["VIR-80;K1;2025-06-11;80;F-100"],
    });
    expect(await agingLine(url, "2025-06-10", "K1")).toMatchObject({ b1: "100.00", credits: "0.00", balance: "100.00" });
    expect(await agingLine(url, "2025-06-11", "K1")).toMatchObject({ b1: "20.00", balance: "20.00" });

    // The customer's lines, the priorities, the KPIs and the DSO say the same on the 10th.
    const lines = JSON.parse((await ok(url, "report", "aging", "--as-of", "2025-06-10", "--customer", "K1", "--format", "json")).stdout);
    expect(lines).toEqual([
      { number: "F-100", issueDate: "2025-05-02", dueDate: "2025-06-01", daysPastDue: 9, bucket: "1-30", openAmount: "100.00" },
      { number: "BALANCE", issueDate: null, dueDate: null, daysPastDue: null, bucket: null, openAmount: "100.00" },
    ]);
    const priorities = JSON.parse((await ok(url, "report", "priorities", "--as-of", "2025-06-10", "--format", "json")).stdout);
    // Nothing was paid yet on the 10th: the payer is judged on the open invoice only (9 days late), in words.
    expect(priorities).toEqual([
      expect.objectContaining({
        externalId: "K1",
        overdue: "100.00",
        maxDaysLate: 9,
        payer: "C (56/100)",
        why: expect.stringContaining("payeur C : paie avec 9 jours de retard en moyenne; 0 % à l’heure"),
      }),
    ]);
    const kpis = JSON.parse((await ok(url, "report", "kpis", "--as-of", "2025-06-10", "--format", "json")).stdout);
    expect(kpis.figures).toMatchObject({ asOf: "2025-06-10", receivables: "100.00", overdue: "100.00", overdueRate: 1 });
    const dso = JSON.parse((await ok(url, "report", "dso", "--as-of", "2025-06-10", "--format", "json")).stdout);
    expect(dso.at(-1)).toMatchObject({ month: "2025-06", receivables: "100.00" });
  });

  it("a collector's tasks as of a date see the invoice as it was open then, not as paid since", async () => {
    const url = await target.url();
    await ok(url, "people", "add", "--name", "Karim Benali", "--email", "karim@example.test", "--roles", "collector");
    await ok(url, "import", "customers", writeTemp("t-c.csv", csv("external_id;name;collector", "K4;Fleurs du Quai;karim@example.test")));
    await ok(
      url,
      "import",
      "invoices",
      writeTemp("t-i.csv", csv("customer_id;number;issue_date;due_date;amount", "K4;F-40;2025-04-01;2025-05-01;100")),
    );
    await ok(
      url,
      "import",
      "payments",
      writeTemp("t-p.csv", csv("reference;customer_id;payment_date;amount;invoice_number", "VIR-40;K4;2025-06-11;80;F-40")),
    );
    const before = JSON.parse((await ok(url, "report", "tasks", "--as-of", "2025-06-10", "--format", "json")).stdout);
    expect(before).toEqual([expect.objectContaining({ externalId: "K4", overdue: "100.00", maxDaysLate: 40 })]);
    const after = JSON.parse((await ok(url, "report", "tasks", "--as-of", "2025-06-12", "--format", "json")).stdout);
    expect(after).toEqual([expect.objectContaining({ externalId: "K4", overdue: "20.00", maxDaysLate: 42 })]);
    const text = await ok(url, "report", "tasks", "--as-of", "2025-06-10");
    expect(text.stdout).toContain("échu : 1 facture, 100,00");
  });

  it("invoices, credit notes and payments dated after the as-of date are left out", async () => {
    const url = await target.url();
    await load(url, "later", {
      invoices: [
        "K1;F-1;invoice;2026-09-01;2026-10-01;500",
        "K1;A-1;credit_note;2026-11-05;;50",
        "K1;F-2;invoice;2026-11-10;2026-12-10;300",
      ],
      payments: ["VIR-1;K1;2026-11-15;120;", "VIR-0;K1;2026-10-20;10;"],
    });
    expect(await agingLine(url, "2026-10-31", "K1")).toMatchObject({ b1: "500.00", credits: "10.00", balance: "490.00" });
    expect(await agingLine(url, "2026-11-20", "K1")).toMatchObject({ b0: "300.00", b2: "500.00", credits: "180.00", balance: "620.00" });
  });

  it("a customer's aged balance lists its credit notes and unallocated payments, and its lines add up to its balance", async () => {
    const url = await target.url();
    await load(url, "lines", {
      invoices: [
        "K2;F-10;invoice;2026-09-01;2026-10-01;1000",
        "K2;F-11;invoice;2026-10-15;2026-11-14;400",
        "K2;A-10;credit_note;2026-10-20;;150",
      ],
      payments: ["VIR-10;K2;2026-10-05;600;F-10", "VIR-11;K2;2026-11-02;75;"],
    });
    const rows = JSON.parse(
      (await ok(url, "report", "aging", "--as-of", "2026-11-20", "--customer", "K2", "--format", "json")).stdout,
    ) as Array<Record<string, string | null>>;
    expect(rows.map((r) => [r.number, r.bucket, r.openAmount])).toEqual([
      ["F-10", "31-60", "400.00"],
      ["F-11", "1-30", "400.00"],
      ["A-10", "credit note", "-150.00"],
      ["VIR-11", "unallocated payment", "-75.00"],
      ["BALANCE", null, "575.00"],
    ]);
    const cents = (text: string | null | undefined) => Math.round(Number(text) * 100);
    const sum = rows.slice(0, -1).reduce((s, r) => s + cents(r.openAmount), 0);
    expect(sum).toBe(cents(rows.at(-1)?.openAmount));
    expect((await agingLine(url, "2026-11-20", "K2"))?.balance).toBe("575.00");
  });

  it("report kpis prints its headline in the company's currency and locale, and gives it in json and csv", async () => {
    const url = await target.url();
    await load(url, "kpis", {
      invoices: ["K1;F-1;invoice;2026-08-01;2026-09-30;1000000", "K1;F-2;invoice;2026-11-02;2026-12-02;250000"],
      payments: ["VIR-1;K1;2026-11-10;50000;"],
    });
    const table = await ok(url, "report", "kpis", "--as-of", "2026-11-20");
    // fr-FR by default: narrow no-break spaces group thousands, a comma before the cents.
    const text = table.stdout.replace(/[\u202f\u00a0]/g, " ");
    // …and French words (test/i18n/languages.test.ts has the English ones with locale=en-GB).
    expect(text).toContain("encours clients: 1 200 000,00 €");
    expect(text).toContain("échu: 1 000 000,00 €");
    expect(text).toContain("taux d’échu: 83,3 %");
    expect(text).not.toContain("120000000");

    const json = JSON.parse((await ok(url, "report", "kpis", "--as-of", "2026-11-20", "--format", "json")).stdout);
    expect(json.figures).toMatchObject({ asOf: "2026-11-20", receivables: "1200000.00", overdue: "1000000.00" });
    expect(json.figures.overdueRate).toBeCloseTo(1_000_000 / 1_200_000, 6);
    expect(Array.isArray(json.rows)).toBe(true);

    const csvOut = (await ok(url, "report", "kpis", "--as-of", "2026-11-20", "--format", "csv")).stdout.split("\r\n");
    expect(csvOut.slice(0, 4)).toEqual(["indicateur;valeur", "au;2026-11-20", "encours clients (EUR);1200000,00", "échu (EUR);1000000,00"]);
    expect(csvOut).toContain("échéance en;échu dans le mois (EUR);encaissé sous 1 mois (%);encaissé sous 3 mois (%)");

    // One definition of receivables: the aged balance's total, the DSO's last month and the KPI agree.
    const aging = JSON.parse((await ok(url, "report", "aging", "--as-of", "2026-11-20", "--format", "json")).stdout);
    const dso = JSON.parse((await ok(url, "report", "dso", "--as-of", "2026-11-20", "--format", "json")).stdout);
    expect(aging.at(-1)).toMatchObject({ name: "TOTAL", credits: "50000.00", balance: "1200000.00" });
    expect(dso.at(-1)).toMatchObject({ month: "2026-11", receivables: "1200000.00" });
  });

  it("changing end-of-month recomputes the due dates derived from terms, never those the file gave", async () => {
    const url = await target.url();
    await ok(
      url,
      "import",
      "customers",
      writeTemp("eom-c.csv", csv("external_id;name;payment_terms", "K3;Atelier Sud;45 days end of month")),
    );
    await ok(
      url,
      "import",
      "invoices",
      writeTemp(
        "eom-i.csv",
        csv(
          "customer_id;number;issue_date;due_date;amount",
          "K3;F-30;2026-01-10;;100",
          "K3;F-31;2026-01-20;;100",
          "K3;F-32;2026-01-10;2026-03-15;100",
        ),
      ),
    );
    const due = async () =>
      Object.fromEntries(
        (
          JSON.parse((await ok(url, "report", "aging", "--as-of", "2026-01-31", "--customer", "K3", "--format", "json")).stdout) as Array<
            Record<string, string>
          >
        )
          .filter((r) => r.number !== "BALANCE")
          .map((r) => [r.number, r.dueDate]),
      );
    // Default reading: 10 Jan + 45 days = 24 Feb, then the end of February.
    expect(await due()).toEqual({ "F-30": "2026-02-28", "F-31": "2026-03-31", "F-32": "2026-03-15" });
    const set = await ok(url, "settings", "set", "end-of-month=end-of-month-then-days");
    expect(set.stderr).toContain(
      "Échéances déduites des délais de paiement recalculées : 2 sur 2 ont changé ; les échéances données par les fichiers source sont conservées.",
    );
    // End of January, then 45 days: 17 March, for both derived ones; the file's date stays.
    expect(await due()).toEqual({ "F-30": "2026-03-17", "F-31": "2026-03-17", "F-32": "2026-03-15" });
    const again = await ok(url, "settings", "set", "end-of-month=end-of-month-then-days");
    expect(again.stderr).not.toContain("recalculées");
  });
});
