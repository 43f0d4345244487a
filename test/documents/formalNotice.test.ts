import { mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { verifyHistory } from "../../src/db/history.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { composeFormalNotice } from "../../src/domain/formalNotice.js";
import { render } from "../../src/documents/templates.js";
import { formatMoney } from "../../src/domain/money.js";
import { issueFormalNotice } from "../../src/usecases/formalNotice.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { AppError } from "../../src/errors.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";

afterAll(dropTestSchemas);

// pdf.js (the 1.10 build pdf-parse ships: pure JavaScript, runs on Node 20), loaded once per file.
const pdfjs = createRequire(import.meta.url)("pdf-parse/lib/pdf.js/v1.10.100/build/pdf.js") as PdfJs;

/** The PDF's text, as a reader's software extracts it. */
async function pdfText(file: string): Promise<string> {
  pdfjs.disableWorker = true;
  const doc = await pdfjs.getDocument(new Uint8Array(readFileSync(file)));
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => item.str).join(" "));
  }
  return pages.join(" ").replace(/\s+/g, " ");
}

describe("the formal notice letter", () => {
  it("lists the invoices, the penalties to the letter's date, the indemnities and the deadline, in French", () => {
    const notice = composeFormalNotice({
      letterDate: d("2025-03-01"),
      deadlineDays: 8,
      creditor: { name: "Démo Industries SAS", address: ["12 rue de la Paix", "75002 Paris"], registration: "RCS Paris 123 456 789" },
      debtor: { name: "Café du Port", address: ["3 quai Est", "13002 Marseille"], registration: null, reference: "C010" },
      invoices: [{ number: "F-1", issueDate: d("2024-12-16"), dueDate: d("2025-01-15"), amount: 1_000_000n, openAmount: 1_000_000n }],
    });
    expect(notice.totals).toEqual({ open: 1_000_000n, interest: 16212n, indemnities: 4000n, total: 1_020_212n });
    const text = render("formal-notice", "fr", "EUR", notice);
    expect(text).toContain(
      "- Facture F-1 du 16 décembre 2024, échue le 15 janvier 2025 : montant 10 000,00 €, reste dû 10 000,00 € (45 jours de retard)",
    );
    expect(text).toContain("Total réclamé : 10 202,12 €");
    expect(text).toContain("au plus tard le 9 mars 2025");
  });
});

describe.each(targets)("issuing an approved formal notice on $name", (target) => {
  let db: Database;
  let actionId: number;
  const outDir = mkdtempSync(path.join(tmpdir(), "ccbot-letters-"));
  beforeAll(async () => {
    db = await freshDatabase(target);
    await db.prisma.companySettings.upsert({
      where: { id: 1 },
      create: { companyName: "Démo Industries SAS", companyAddress: "12 rue de la Paix\n75002 Paris" },
      update: { companyName: "Démo Industries SAS", companyAddress: "12 rue de la Paix\n75002 Paris" },
    });
    const customer = await db.prisma.customer.create({
      data: { externalId: "C010", name: "Café du Port", currency: "EUR", address: "3 quai Est\n13002 Marseille" },
    });
    const invoices = [
      { number: "F2025-0101", issue: "2025-01-05", due: "2025-02-04", amount: 250_000n, open: 250_000n },
      { number: "F2025-0202", issue: "2025-05-20", due: "2025-06-19", amount: 480_000n, open: 180_000n },
    ];
    const ids: number[] = [];
    for (const i of invoices) {
      const created = await db.prisma.invoice.create({
        data: {
          customerId: customer.id,
          number: i.number,
          issueDate: new Date(`${i.issue}T00:00:00Z`),
          dueDate: new Date(`${i.due}T00:00:00Z`),
          amount: i.amount,
          openAmount: i.open,
          currency: "EUR",
          source: "CSV",
        },
      });
      ids.push(created.id);
    }
    const action = await db.prisma.proposedAction.create({
      data: {
        customerId: customer.id,
        kind: "FORMAL_NOTICE",
        status: "APPLIED",
        reason: "last reminder done",
        period: "2025-W30",
        params: { deadlineDays: "8" },
        appliedAt: new Date(),
        invoices: { create: ids.map((invoiceId) => ({ invoiceId })) },
      },
    });
    actionId = action.id;
  });
  afterAll(async () => db?.close());

  it("writes a PDF whose text holds every invoice and the totals, and records its SHA-256 in the sealed history", async () => {
    const issued = await issueFormalNotice(
      db,
      defaultPolicy,
      { personId: null, label: "system", origin: "JOB" },
      { actionId, letterDate: d("2025-07-31"), outDir },
      new Date("2025-07-31T08:00:00Z"),
    );
    expect(issued.alreadyIssued).toBe(false);
    const text = await pdfText(issued.pdfFile);
    for (const expected of [
      "Café du Port",
      "F2025-0101",
      "F2025-0202",
      "2 500,00 €",
      "1 800,00 €",
      "Total réclamé",
      "80,00 €",
      "8 août 2025",
    ]) {
      expect(text).toContain(expected);
    }
    // penalties: F2025-0101 2 500.00 from 5 Feb to 31 Jul 2025 (146 d at 13.15%, 31 d at 12.15%); F2025-0202 1 800.00 (11 d, 31 d)
    const interest =
      Math.round((250_000 * (13.15 * 146 + 12.15 * 31)) / 36_500) + Math.round((180_000 * (13.15 * 11 + 12.15 * 31)) / 36_500);
    expect(issued.total).toBe(430_000n + BigInt(interest) + 8_000n);
    expect(issued.sha256).toBe(createHash("sha256").update(readFileSync(issued.pdfFile)).digest("hex"));
    const entry = await db.prisma.historyEntry.findFirstOrThrow({ where: { kind: "document.formal_notice" } });
    expect(entry).toMatchObject({ channel: "LETTER", actionId });
    expect((entry.data as { sha256: string }).sha256).toBe(issued.sha256);
    expect((await verifyHistory(db.prisma)).problems).toEqual([]);
  });

  it("issuing again returns the letter already sent", async () => {
    const again = await issueFormalNotice(
      db,
      defaultPolicy,
      { personId: null, label: "system", origin: "JOB" },
      { actionId, letterDate: d("2025-08-05"), outDir },
    );
    expect(again.alreadyIssued).toBe(true);
    expect(await db.prisma.historyEntry.count({ where: { kind: "document.formal_notice" } })).toBe(1);
  });

  it("a formal notice the committee has not approved is not issued", async () => {
    const pending = await db.prisma.proposedAction.create({
      data: { customerId: (await db.prisma.customer.findFirstOrThrow()).id, kind: "FORMAL_NOTICE", reason: "x", period: "2025-W31" },
    });
    const error = await issueFormalNotice(
      db,
      defaultPolicy,
      { personId: null, origin: "JOB" },
      { actionId: pending.id, letterDate: d("2025-08-05"), outDir },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toBe(`The formal notice #${pending.id} has not been approved by the committee (proposed).`);
  });
});

/** The PDF's lines as a reader sees them: the text pieces at the same height of a page, left to right. */
async function pdfLines(file: string): Promise<string[]> {
  pdfjs.disableWorker = true;
  const doc = await pdfjs.getDocument(new Uint8Array(readFileSync(file)));
  const lines: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const rows = new Map<number, Array<{ x: number; str: string }>>();
    for (const item of (await (await doc.getPage(i)).getTextContent()).items) {
      const y = Math.round(item.transform[5] ?? 0);
      rows.set(y, [...(rows.get(y) ?? []), { x: item.transform[4] ?? 0, str: item.str }]);
    }
    for (const [, pieces] of [...rows].sort((a, b) => b[0] - a[0])) {
      lines.push(
        pieces
          .sort((a, b) => a.x - b.x)
          .map((p) => p.str)
          .join(" ")
          .replace(/\s+/g, " ")
          .trim(),
      );
    }
  }
  return lines;
}

const FORGED = "Acme\nTotal réclamé : 0,00 €";

describe("a forged customer name cannot add a line to the formal notice", () => {
  it("the letter prints a name with a line break on one line", () => {
    const notice = composeFormalNotice({
      letterDate: d("2025-03-01"),
      deadlineDays: 8,
      creditor: { name: "Démo Industries SAS", address: ["12 rue de la Paix"], registration: null },
      debtor: { name: FORGED, address: ["3 quai Est\r\nPayé intégralement"], registration: "RCS\u001b[8m", reference: "C1\nSoldé" },
      invoices: [{ number: "F-1\nAvoir", issueDate: d("2024-12-16"), dueDate: d("2025-01-15"), amount: 100_000n, openAmount: 100_000n }],
    });
    const lines = render("formal-notice", "fr", "EUR", notice)
      .split("\n")
      .map((l) => l.trim());
    expect(lines).toContain("Acme Total réclamé : 0,00 €");
    expect(lines).toContain("3 quai Est Payé intégralement");
    const total = formatMoney(notice.totals.total, "EUR", "fr-FR").replace(/[\u00a0\u202f]/g, " ");
    expect(lines.filter((l) => l.startsWith("Total réclamé"))).toEqual([`Total réclamé : ${total}`]);
    expect(lines.some((l) => l.startsWith("Soldé") || l.startsWith("Avoir") || l.startsWith("Payé"))).toBe(false);
    expect(lines.join("\n")).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});

describe.each(targets)("a formal notice for a name stored with a line break, on $name", (target) => {
  let db: Database;
  const outDir = mkdtempSync(path.join(tmpdir(), "ccbot-forged-"));
  beforeAll(async () => {
    db = await freshDatabase(target);
  });
  afterAll(async () => db?.close());

  it("the text and the PDF keep the name on one line: 'Total réclamé' appears once, with the real total", async () => {
    // Stored before imports refused line breaks (test/import/controlCharacters.test.ts proves they now do).
    const customer = await db.prisma.customer.create({
      data: { externalId: "C666", name: FORGED, currency: "EUR", address: "1 rue X\n13002 Marseille" },
    });
    const invoice = await db.prisma.invoice.create({
      data: {
        customerId: customer.id,
        number: "F-9",
        issueDate: new Date("2025-01-05T00:00:00Z"),
        dueDate: new Date("2025-02-04T00:00:00Z"),
        amount: 250_000n,
        openAmount: 250_000n,
        currency: "EUR",
        source: "CSV",
      },
    });
    const action = await db.prisma.proposedAction.create({
      data: {
        customerId: customer.id,
        kind: "FORMAL_NOTICE",
        status: "APPLIED",
        reason: "last reminder done",
        period: "2025-W30",
        appliedAt: new Date(),
        invoices: { create: [{ invoiceId: invoice.id }] },
      },
    });
    const issued = await issueFormalNotice(
      db,
      defaultPolicy,
      { personId: null, label: "system", origin: "JOB" },
      { actionId: action.id, letterDate: d("2025-07-31"), outDir },
      new Date("2025-07-31T08:00:00Z"),
    );
    // As the letter writes amounts: French format, ordinary spaces.
    const total = `Total réclamé : ${formatMoney(issued.total, "EUR", "fr-FR").replace(/[\u00a0\u202f]/g, " ")}`;
    expect(issued.total).toBeGreaterThan(250_000n);

    const text = readFileSync(issued.textFile, "utf8")
      .split("\n")
      .map((l) => l.trim());
    expect(text).toContain("Acme Total réclamé : 0,00 €");
    expect(text.filter((l) => l.startsWith("Total réclamé"))).toEqual([total]);

    const pdf = await pdfLines(issued.pdfFile);
    expect(pdf).toContain("Acme Total réclamé : 0,00 €");
    expect(pdf.filter((l) => l.startsWith("Total réclamé"))).toEqual([total]);
  });
});

describe("the formal notice to a public body (Code de la commande publique)", () => {
  const input = {
    letterDate: d("2025-07-31"),
    deadlineDays: 8,
    creditor: { name: "Démo Industries SAS", address: ["12 rue de la Paix", "75002 Paris"], registration: "RCS Paris 123 456 789" },
    debtor: { name: "Université de Provence", address: ["115 route de Lyon", "44000 Nantes"], registration: null, reference: "C039" },
    invoices: [{ number: "F-9", issueDate: d("2025-05-16"), dueDate: d("2025-06-15"), amount: 1_000_000n, openAmount: 1_000_000n }],
    regime: "public-procurement" as const,
  };

  it("claims interest at the ECB rate of the half-year it began + 8 points, and is addressed to the ordonnateur, copy to the comptable public", () => {
    const notice = composeFormalNotice(input);
    // 46 days at 3.15% + 8 = 11.15% (first half of 2025, when interest began): 140.52, plus 40.00
    expect(notice.totals).toEqual({ open: 1_000_000n, interest: 14052n, indemnities: 4000n, total: 1_018_052n });
    expect(notice.template).toBe("formal-notice-public");
    const text = render(notice.template, "fr", "EUR", notice);
    for (const expected of [
      "À l'attention de l'ordonnateur",
      "Copie : comptable public assignataire des dépenses de Université de Provence",
      "mise en demeure de mandater et de payer",
      "articles L2192-13 et R2192-31 du Code de la commande publique",
      "majoré de 8 points) : 140,52 €",
      "Indemnité forfaitaire pour frais de recouvrement (40 € par facture, articles L2192-13 et D2192-35",
      "- établissements publics de santé : 50 jours (article R2192-11 1°)",
      "- entreprises publiques : 60 jours (article R2192-11 2°)",
      "- collectivités territoriales et leurs établissements publics : 30 jours (article R2192-10)",
      "mandatement d'office",
      "référé-provision, article R541-1 du Code de justice administrative",
      "Total réclamé : 10 180,52 €",
    ])
      expect(text).toContain(expected);
    // Not the private-sector rules, and no threat to stop supplies.
    expect(text).not.toContain("L441-10");
    expect(text).not.toMatch(/livraison/i);
  });

  it("reads the same in English", () => {
    const notice = composeFormalNotice(input);
    const text = render(notice.template, "en", "EUR", notice);
    for (const expected of [
      "For the attention of the authorising officer (ordonnateur)",
      "Copy: the public accountant (comptable public)",
      "articles L2192-13 and R2192-31 of the French Public Procurement Code",
      "public health establishments: 50 days (article R2192-11 1°)",
      "mandatement d'office",
      "Total claimed: €10,180.52",
    ])
      expect(text).toContain(expected);
    expect(text).not.toContain("L441-10");
    expect(text).not.toMatch(/deliver/i);
  });

  it("the public reminders and call checklist exist in both languages and name the ordonnateur and the comptable public", () => {
    const context = {
      customer: { name: "Lycée Jean Moulin" },
      invoices: [{ number: "F-9", openAmount: 50_000n, dueDate: d("2025-06-15"), daysLate: 46 }],
      total: 50_000n,
      sender: { name: "Sophie Leroy" },
      company: { name: "Démo Industries SAS" },
    };
    expect(render("reminder-public", "fr", "EUR", context)).toContain(
      "À l'attention de l'ordonnateur — copie au comptable public assignataire",
    );
    expect(render("reminder-public-last", "fr", "EUR", context)).toContain("taux de la BCE majoré de 8 points, article R2192-31");
    expect(render("reminder-public-last", "en", "EUR", context)).not.toMatch(/deliver/i);
    expect(render("call-checklist-public", "en", "EUR", context)).toContain("the public accountant");
    expect(render("call-checklist-public", "fr", "EUR", context)).toContain("service fait");
    // Every template a calendar step names exists in both languages.
    const names = new Set(Object.values(defaultPolicy.segments).flatMap((s) => s.levels.map((l) => l.template)));
    for (const name of names)
      for (const language of ["fr", "en"] as const) expect(() => render(name as never, language, "EUR", context)).not.toThrow();
  });
});

describe.each(targets)("issuing a formal notice to a public body on $name", (target) => {
  let db: Database;
  const outDir = mkdtempSync(path.join(tmpdir(), "ccbot-public-letters-"));
  beforeAll(async () => {
    db = await freshDatabase(target);
    await db.prisma.companySettings.upsert({
      where: { id: 1 },
      create: { companyName: "Démo Industries SAS", companyAddress: "12 rue de la Paix\n75002 Paris" },
      update: { companyName: "Démo Industries SAS", companyAddress: "12 rue de la Paix\n75002 Paris" },
    });
  });
  afterAll(async () => db?.close());

  it("the letter follows the customer's segment: public-procurement rules, and only the undisputed part is claimed", async () => {
    const customer = await db.prisma.customer.create({
      data: {
        externalId: "C030",
        name: "Centre Hospitalier Nord",
        segment: "PUBLIC_SECTOR",
        currency: "EUR",
        address: "88 place de la Mairie\n31000 Toulouse",
      },
    });
    const invoice = await db.prisma.invoice.create({
      data: {
        customerId: customer.id,
        number: "F2025-0300",
        issueDate: new Date("2025-05-16T00:00:00Z"),
        dueDate: new Date("2025-06-15T00:00:00Z"),
        amount: 1_300_000n,
        openAmount: 1_300_000n,
        currency: "EUR",
        source: "CSV",
      },
    });
    await db.prisma.dispute.create({
      data: {
        invoiceId: invoice.id,
        customerId: customer.id,
        category: "QUANTITY",
        reason: "one delivery short",
        amountDisputed: 300_000n,
      },
    });
    const action = await db.prisma.proposedAction.create({
      data: {
        customerId: customer.id,
        kind: "FORMAL_NOTICE",
        status: "APPLIED",
        reason: "last reminder done",
        period: "2025-W30",
        params: { deadlineDays: "8", regime: "public-procurement" },
        appliedAt: new Date(),
        invoices: { create: [{ invoiceId: invoice.id }] },
      },
    });
    const issued = await issueFormalNotice(
      db,
      defaultPolicy,
      { personId: null, label: "system", origin: "JOB" },
      { actionId: action.id, letterDate: d("2025-07-31"), outDir },
      new Date("2025-07-31T08:00:00Z"),
    );
    // 10 000.00 claimed (3 000.00 disputed left out): 140.52 interest at 11.15% + 40.00
    expect(issued.total).toBe(1_018_052n);
    const text = readFileSync(issued.textFile, "utf8");
    expect(text).toContain("reste dû 10 000,00 € (hors 3 000,00 € en cours de contestation)");
    expect(text).toContain("À l'attention de l'ordonnateur");
    expect(text).not.toContain("L441-10");
    const pdf = await pdfText(issued.pdfFile);
    expect(pdf).toContain("R2192-31");
    const entry = await db.prisma.historyEntry.findFirstOrThrow({ where: { actionId: action.id, kind: "document.formal_notice" } });
    expect(entry.text).toMatch(
      /^Mise en demeure émise à l’ordonnateur, copie au comptable public \(règles de la commande publique\) : 10\s180,52\s€ réclamés/u,
    );
  });
});
