import { describe, expect, it } from "vitest";
import { ccbot, heldDatabase } from "../helpers/cli.js";
import { freshPgliteDir } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";

describe("ccbot report", () => {
  it("prints the aged balance per invoice as a French spreadsheet CSV, and the priorities as JSON with decimal amounts", async () => {
    const url = freshPgliteDir();
    await heldDatabase(url);
    expect(
      (await ccbot(url, "import", "customers", writeTemp("r-customers.csv", csv("external_id;name;credit_limit", "K1;Café du Port;100"))))
        .code,
    ).toBe(0);
    const invoices = csv(
      "customer_id;number;issue_date;due_date;amount",
      "K1;F-1;2026-09-01;2026-10-20;1234,50",
      "K1;F-2;2026-10-01;2026-10-21;100",
      "K1;F-3;2026-11-01;2026-11-20;50",
    );
    expect((await ccbot(url, "import", "invoices", writeTemp("r-invoices.csv", invoices))).code).toBe(0);
    // The first reminder went out by e-mail before the bot: a block may be proposed (never before a written one).
    const steps = csv("customer_id;level;channel;date;who", "K1;first-reminder;email;2026-10-23;Sophie Leroy");
    expect((await ccbot(url, "import", "steps", writeTemp("r-steps.csv", steps))).code).toBe(0);

    const aging = await ccbot(url, "report", "aging", "--as-of", "2026-11-20", "--customer", "K1", "--format", "csv");
    expect(aging.code).toBe(0);
    expect(aging.stdout.trim().split("\r\n")).toEqual([
      "pièce;date;échéance;jours de retard;tranche;restant dû (EUR)",
      "F-1;2026-09-01;2026-10-20;31;31-60;1234,50",
      "F-2;2026-10-01;2026-10-21;30;1-30;100,00",
      "F-3;2026-11-01;2026-11-20;0;non échu;50,00",
      "SOLDE;;;;;1384,50",
    ]);

    const priorities = await ccbot(url, "report", "priorities", "--as-of", "2026-11-20", "--format", "json");
    expect(JSON.parse(priorities.stdout)).toEqual([
      expect.objectContaining({ rank: 1, externalId: "K1", overdue: "1334.50", maxDaysLate: 31, proposals: "blocking deliveries" }),
    ]);

    const verify = await ccbot(url, "history", "verify");
    expect(verify.code).toBe(0);
    expect(verify.stderr).toContain("Historique intact : sceaux conformes pour 1 entrée de 1 client.");

    const wrongDate = await ccbot(url, "report", "aging", "--as-of", "20/13/2026");
    expect(wrongDate).toMatchObject({ code: 1 });
    expect(wrongDate.stderr).toContain("--as-of 20/13/2026 n’est pas une date (écrivez AAAA-MM-JJ).");
  });
});
