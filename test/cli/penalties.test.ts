// Late-payment penalties from the CLI: `report penalties` per invoice over its whole late life (invoices
// paid late included), `letter penalties` invoicing them, and the `penalty-rate` / `margin-rate` settings.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ccbot, heldCliTargets } from "../helpers/cli.js";
import { dropTestSchemas } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";

afterAll(dropTestSchemas);

async function seed(url: string, name: string): Promise<void> {
  const customers = csv(
    "external_id;name;segment;address",
    "K1;Café du Port;sme;12 quai Nord | 13002 Marseille",
    "U1;Université de Provence;public_sector;3 place Victor Hugo | 13003 Marseille",
  );
  expect((await ccbot(url, "import", "customers", writeTemp(`pen-c-${name}.csv`, customers))).code).toBe(0);
  const invoices = csv(
    "customer_id;number;issue_date;due_date;amount",
    "K1;F-1;2025-01-01;2025-01-15;10000",
    "K1;F-2;2025-05-15;2025-06-15;10000",
    "K1;F-3;2025-03-01;2025-03-31;1000",
    "U1;P-1;2025-05-15;2025-06-15;10000",
  );
  expect((await ccbot(url, "import", "invoices", writeTemp(`pen-i-${name}.csv`, invoices))).code).toBe(0);
  const payments = csv(
    "reference;customer_id;payment_date;amount;invoice_number",
    "V1;K1;2025-03-01;4000;F-1",
    "V2;K1;2025-06-10;5000;F-2",
    "V3;K1;2025-07-31;5000;F-2",
    "V4;K1;2025-03-31;1000;F-3",
  );
  expect((await ccbot(url, "import", "payments", writeTemp(`pen-p-${name}.csv`, payments))).code).toBe(0);
}

describe.each(heldCliTargets)("ccbot penalties on $name", (target) => {
  it("report penalties: each payment closes its share; an invoice paid late gets its claim, one paid on time none", async () => {
    const url = await target.url();
    await seed(url, target.name);
    const report = await ccbot(url, "report", "penalties", "--as-of", "2025-07-31", "--format", "json");
    expect(report).toMatchObject({ code: 0 });
    // F-1: 4 000 paid 45 days late (64.849...) + 6 000 open 197 days to 31 Jul 2025:
    //   16 Jan-30 Jun 166 days at 13.15% + 31 days of July at 12.15%: 6 000 x (13.15 x 166 + 12.15 x 31) / 36 500
    //   = 6 000 x 2 559.55 / 36 500 = 420.748...; total 485.597... -> 485.60
    // F-2: 5 000 before the due date, 5 000 paid 46 days late: 78.62 (see test/domain/latePenalties.test.ts)
    // F-3: paid on its due date: not listed. P-1 (public body): 10 000 open 46 days at 3.15 + 8 = 11.15%: 140.52
    expect(JSON.parse(report.stdout)).toEqual([
      expect.objectContaining({ externalId: "K1", number: "F-1", status: "still open", open: "6000.00", daysLate: 197, regime: "commercial", rates: "2025-H1 13.15%; 2025-H2 12.15%", interest: "485.60", indemnity: "40.00" }),
      expect.objectContaining({ externalId: "K1", number: "F-2", status: "paid late", open: "0.00", daysLate: 46, interest: "78.62", indemnity: "40.00" }),
      expect.objectContaining({ externalId: "U1", number: "P-1", status: "still open", regime: "public-procurement", rates: "2025-H1 11.15%; 2025-H2 11.15%", interest: "140.52", indemnity: "40.00" }),
      expect.objectContaining({ externalId: "TOTAL", interest: "704.74", indemnity: "120.00" }),
    ]);

    const one = await ccbot(url, "report", "penalties", "--as-of", "2025-07-31", "--customer", "U1", "--format", "csv");
    expect(one.stdout.trim().split("\r\n")).toEqual([
      "client;nom;facture;échéance;montant (EUR);statut;restant dû (EUR);jours de retard;régime;taux par semestre;intérêts (EUR);indemnité (EUR)",
      "U1;Université de Provence;P-1;2025-06-15;10000,00;still open;10000,00;46;public-procurement;2025-H1 11.15%; 2025-H2 11.15%;140,52;40,00",
      "TOTAL;;;;10000,00;;10000,00;;;;140,52;40,00",
    ].map((l) => l.replace("2025-H1 11.15%; 2025-H2 11.15%", '"2025-H1 11.15%; 2025-H2 11.15%"')));
  });

  it("settings penalty-rate: refused below three times the legal interest rate, then replaces ECB + 10", async () => {
    const url = await target.url();
    await seed(url, target.name);
    // Latest half-year in the default table: 2026-H1, legal interest rate 2.62% -> floor 7.86%.
    const low = await ccbot(url, "settings", "set", "penalty-rate=7.5%");
    expect(low.code).toBe(1);
    expect(low.stderr).toContain("penalty-rate 7,5 % est sous le plancher légal de 7,86 % pour le semestre commençant le 2026-01-01");
    const word = await ccbot(url, "settings", "set", "penalty-rate=twelve");
    expect(word.stderr).toContain("penalty-rate doit être un pourcentage supérieur à 0 et d’au plus 100 (par ex. « 12% ») ou « none » (reçu « twelve »)");
    expect((await ccbot(url, "settings", "set", "penalty-rate=12%", "margin-rate=25 %")).code).toBe(0);
    const shown = JSON.parse((await ccbot(url, "settings", "show")).stdout);
    expect(shown).toMatchObject({ penaltyRatePercent: 12, marginRatePercent: 25 });

    const report = await ccbot(url, "report", "penalties", "--as-of", "2025-07-31", "--customer", "K1", "--format", "json");
    // 12% is at least the floor of both half-years (2025-H1 11.13%, 2025-H2 8.28%), so it applies throughout.
    // F-2: 5 000 x 12% x 46 / 365 = 75.616... -> 75.62
    // F-1: 4 000 x 12% x 45 / 365 = 59.178...; 6 000 x 12% x 197 / 365 = 388.602...; total 447.780... -> 447.78
    expect(JSON.parse(report.stdout)).toEqual([
      expect.objectContaining({ number: "F-1", rates: "2025-H1 12% (contract); 2025-H2 12% (contract)", interest: "447.78" }),
      expect.objectContaining({ number: "F-2", interest: "75.62" }),
      expect.objectContaining({ externalId: "TOTAL", interest: "523.40" }),
    ]);
    // The public body's interest is set by law, contract or not.
    const publicBody = await ccbot(url, "report", "penalties", "--as-of", "2025-07-31", "--customer", "U1", "--format", "json");
    expect(JSON.parse(publicBody.stdout)[0]).toMatchObject({ interest: "140.52" });
  });

  it("letter penalties: invoices the interest and indemnities, to the authorising officer for a public body; text and PDF", async () => {
    const url = await target.url();
    await seed(url, target.name);
    const letter = await ccbot(url, "letter", "penalties", "K1", "--as-of", "2025-07-31");
    expect(letter.code).toBe(0);
    expect(letter.stdout).toContain("Objet : facture des intérêts moratoires et indemnités forfaitaires — compte K1");
    expect(letter.stdout).toContain(
      "- Facture F-2 du 15 mai 2025, échue le 15 juin 2025, montant 10 000,00 € : réglée avec 46 jours de retard ; taux 13,15 % puis 12,15 % ; intérêts 78,62 € ; indemnité 40,00 €",
    );
    expect(letter.stdout).toContain("reste dû 6 000,00 €, 197 jours de retard à ce jour");
    expect(letter.stdout).toContain("Pénalités de retard (article L441-10 Code de commerce : taux de la BCE majoré de 10 points) : 564,22 €");
    expect(letter.stdout).toContain("Indemnités forfaitaires pour frais de recouvrement (40 € par facture, article D441-5 Code de commerce) : 80,00 €");
    expect(letter.stdout).toContain("Total dû au titre de la présente facture : 644,22 €");
    expect(letter.stdout).toContain(": 564,22 €\nIndemnités forfaitaires");
    expect(letter.stdout).not.toContain("F-3");

    const dir = path.dirname(writeTemp(`pen-dir-${target.name}.txt`, ""));
    const pdfFile = path.join(dir, `penalties-U1-${target.name}.pdf`);
    const publicLetter = await ccbot(url, "letter", "penalties", "U1", "--as-of", "2025-07-31", "--output", pdfFile);
    expect(publicLetter.code).toBe(0);
    expect(publicLetter.stderr.replace(/[\u00a0\u202f]/g, " ")).toContain(`Facture de pénalités de U1 écrite dans ${pdfFile} : 1 facture, total 180,52 €.`);
    expect(readFileSync(pdfFile).subarray(0, 5).toString()).toBe("%PDF-");
    const textFile = path.join(dir, `penalties-U1-${target.name}.txt`);
    await ccbot(url, "letter", "penalties", "U1", "--as-of", "2025-07-31", "--output", textFile);
    const text = readFileSync(textFile, "utf8");
    expect(text).toContain("À l'attention de l'ordonnateur");
    expect(text).toContain("Copie : comptable public assignataire des dépenses de Université de Provence");
    expect(text).toContain("Intérêts moratoires (articles L2192-13 et R2192-31 Code de la commande publique");

    const nothing = await ccbot(url, "letter", "penalties", "K1", "--as-of", "2025-01-10");
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain("No invoice of K1 was paid late or is open past due on 2025-01-10. Aucune lettre à envoyer.");
    const unknown = await ccbot(url, "letter", "penalties", "NOPE");
    expect(unknown.stderr).toContain("Aucun client de numéro ou de nom « NOPE ».");
  });
});
