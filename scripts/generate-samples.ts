// Writes the bundled sample company in samples/ (deterministic: the same files every run).
//   npx tsx scripts/generate-samples.ts
// 40 customers across the four segments, ~520 invoices over 15 months up to SAMPLE_AS_OF, payments with
// realistic delays per payer profile, a few credit notes, and a small FEC for five more customers.
import { writeFileSync } from "node:fs";
import { addDays, calendarDate, type CalendarDate } from "../src/domain/calendarDate.js";
import { dueDateFromTerms } from "../src/domain/paymentTerms.js";

export const SAMPLE_AS_OF = calendarDate("2026-11-20");

let seed = 20261120;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const euros = (cents: number) => (cents / 100).toFixed(2).replace(".", ",");

const NAMES = [
  "Boulangerie Martin",
  "Transports Lefebvre",
  "Hôpital Saint-Louis",
  "Grands Magasins du Centre",
  "Garage Moreau",
  "Mairie de Villeneuve",
  "Clinique des Lilas",
  "Imprimerie Bernard",
  "Société Générale de Nettoyage",
  "Café du Port",
  "Électricité Dubois",
  "Plomberie Girard",
  "Groupe Hôtelier Riviera",
  "Lycée Jean Moulin",
  "Pharmacie Roux",
  "Menuiserie Fournier",
  "Agence Immobilière Vincent",
  "Supermarchés Atlantique",
  "Conseil Départemental du Var",
  "Bâtiment Morel",
  "Laboratoires Fabre",
  "Restaurant Le Gourmet",
  "Cabinet Mercier Avocats",
  "Industries Mécaniques Blanc",
  "Communauté d'Agglo. Sud",
  "Fleuriste Garnier",
  "Logistique Chevalier",
  "Distribution Faure",
  "Opticien Lambert",
  "Centre Hospitalier Nord",
  "Peinture Bonnet",
  "Auto-École Francois",
  "Constructions Rousseau",
  "Hypermarchés Leclerc-Ouest",
  "Boucherie Perrin",
  "Assurances Mutuelles Est",
  "Salon Coiffure Clément",
  "Travaux Publics Gauthier",
  "Université de Provence",
  "Vins & Spiritueux Robin",
] as const;

// A portfolio as a credit manager sees one: most customers pay within their terms (a few days either side),
// a few drift (weeks late, now and then an invoice left open), a couple are in trouble (months late, half
// their recent invoices unpaid). Public bodies pay through their authorising officer and accountant: one of
// them drifts.
type Profile = "good" | "drift" | "trouble";
const TROUBLE = new Set(["Bâtiment Morel", "Vins & Spiritueux Robin"]);
const DRIFT = new Set([
  "Transports Lefebvre",
  "Café du Port",
  "Centre Hospitalier Nord",
  "Restaurant Le Gourmet",
  "Plomberie Girard",
  "Imprimerie Bernard",
  "Logistique Chevalier",
]);
const SEGMENT_TERMS: Record<string, readonly string[]> = {
  large_account: ["60 days from invoice date", "45 days end of month"],
  sme: ["30 days", "45 days end of month", "30 jours fin de mois le 10"],
  very_small_business: ["30 days", "on receipt"],
  public_sector: ["30 days"],
};

function segmentOf(name: string): string {
  if (/Hôpital|Mairie|Lycée|Conseil|Communauté|Centre Hospitalier|Université/.test(name)) return "public_sector";
  if (/Grands Magasins|Groupe|Supermarchés|Hypermarchés|Industries|Assurances|Laboratoires/.test(name)) return "large_account";
  if (/Boulangerie|Café|Fleuriste|Salon|Boucherie|Opticien|Pharmacie|Restaurant|Auto-École/.test(name)) return "very_small_business";
  return "sme";
}

const customers: string[] = [
  "external_id;name;segment;credit_limit;payment_terms;sales_owner;collector;contact_name;contact_email;contact_phone;address",
];
const STREETS = [
  "rue de la République",
  "avenue Jean Jaurès",
  "boulevard Victor Hugo",
  "rue du Commerce",
  "place de la Mairie",
  "route de Lyon",
];
const CITIES = [
  "69002 Lyon",
  "13001 Marseille",
  "31000 Toulouse",
  "33000 Bordeaux",
  "44000 Nantes",
  "59000 Lille",
  "67000 Strasbourg",
  "35000 Rennes",
];
const invoices: string[] = ["customer_id;number;type;issue_date;due_date;amount"];
const payments: string[] = ["reference;customer_id;payment_date;amount;method;invoice_number"];
const start = addDays(SAMPLE_AS_OF, -456); // 15 months
let invoiceNo = 1;
let paymentNo = 1;

NAMES.forEach((name, i) => {
  const id = `C${String(i + 1).padStart(3, "0")}`;
  const segment = segmentOf(name);
  const terms = pick(SEGMENT_TERMS[segment] ?? ["30 days"]);
  const profile: Profile = TROUBLE.has(name) ? "trouble" : DRIFT.has(name) ? "drift" : "good";
  const size = segment === "large_account" ? 800_000 : segment === "public_sector" ? 300_000 : segment === "sme" ? 150_000 : 40_000;
  const limit = segment === "public_sector" ? "" : euros(size * 6);
  const sales = pick(["claire.dumont@demo.example", "marc.petit@demo.example"]);
  const collector = pick(["sophie.leroy@demo.example", "karim.benali@demo.example"]);
  const contact = pick(["Mme Laurent", "M. Garcia", "Mme Nguyen", "M. Bertrand", "Mme Colin"]);
  customers.push(
    `${id};${name};${segment};${limit};${terms};${sales};${collector};${contact} (comptabilité);compta@${id.toLowerCase()}.example;+33 1 23 45 ${String(10 + i).padStart(2, "0")} 00;${1 + i * 3} ${pick(STREETS)} | ${pick(CITIES)}`,
  );
  const count = 10 + Math.floor(random() * 6) + (segment === "large_account" ? 4 : 0);
  for (let k = 0; k < count; k++) {
    const issue = addDays(start, Math.floor(random() * 456));
    const due = dueDateFromTerms(issue, terms, "DAYS_THEN_END_OF_MONTH");
    const amount = Math.round(size * (0.3 + random() * 1.4));
    const number = `F2025-${String(invoiceNo++).padStart(4, "0")}`;
    invoices.push(`${id};${number};invoice;${issue};;${euros(amount)}`);
    const delay =
      profile === "good"
        ? Math.floor(random() * 10) - 5
        : profile === "drift"
          ? 8 + Math.floor(random() * 38)
          : 45 + Math.floor(random() * 100);
    const paidOn: CalendarDate = addDays(due, delay);
    const age = Math.max(0, Math.floor((Date.parse(SAMPLE_AS_OF) - Date.parse(due)) / 86_400_000));
    // Left unpaid: a drifting customer now and then on a recent invoice; one in trouble, half of the last ten months'.
    const neverPaid = profile === "trouble" ? age <= 300 && random() < 0.5 : profile === "drift" ? age <= 75 && random() < 0.1 : false;
    if (paidOn <= SAMPLE_AS_OF && !neverPaid) {
      const partial = profile !== "good" && random() < 0.08 ? Math.round(amount * 0.5) : amount;
      payments.push(
        `VIR-${String(paymentNo++).padStart(5, "0")};${id};${paidOn};${euros(partial)};${pick(["virement", "virement", "chèque", "LCR"])};${number}`,
      );
    }
  }
  // The public body the demo's committee sends a formal notice to: an invoice left with the authorising
  // officer since September, reminded at every step of the public calendar (samples/steps.csv).
  if (name === "Centre Hospitalier Nord") {
    invoices.push(`${id};F2025-HOSP;invoice;2026-08-10;2026-09-09;${euros(485_000)}`);
  }
  // The customer in trouble who agreed a payment plan in October (src/demo.ts): its first instalment paid.
  if (name === "Bâtiment Morel") {
    payments.push(`VIR-PLAN-01;${id};2026-10-15;${euros(120_000)};virement;`);
  }
  if (i % 9 === 2) {
    const issue = addDays(SAMPLE_AS_OF, -20 - i);
    invoices.push(`${id};AV2025-${String(i).padStart(3, "0")};credit_note;${issue};;${euros(Math.round(size * 0.2))}`);
  }
});

const fecHeader =
  "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise";
const fec: string[] = [fecHeader];
const compact = (d: CalendarDate) => d.replaceAll("-", "");
const FEC_CUSTOMERS = ["Quincaillerie Arnaud", "Traiteur Delorme", "Bureau d'Études Marchand", "Serrurerie Noël", "Camping Les Pins"];
let entry = 1;
FEC_CUSTOMERS.forEach((name, i) => {
  const aux = `411F${String(i + 1).padStart(3, "0")}`;
  for (let k = 0; k < 6; k++) {
    const issue = addDays(SAMPLE_AS_OF, -30 * (6 - k) - i);
    const ht = Math.round(50_000 + random() * 400_000);
    const tva = Math.round(ht * 0.2);
    const ref = `FV26-${String(entry).padStart(4, "0")}`;
    const paid = k < 4 || (i === 0 && k === 4);
    const letter = paid ? `${String.fromCharCode(65 + k)}${String.fromCharCode(65 + i)}` : "";
    const vt = `VT${String(entry).padStart(5, "0")}`;
    fec.push(
      `VT\tVentes\t${vt}\t${compact(issue)}\t411000\tClients\t${aux}\t${name}\t${ref}\t${compact(issue)}\tFacture ${ref}\t${euros(ht + tva)}\t0,00\t${letter}\t\t${compact(issue)}\t\t`,
    );
    fec.push(
      `VT\tVentes\t${vt}\t${compact(issue)}\t706000\tPrestations de services\t\t\t${ref}\t${compact(issue)}\tFacture ${ref}\t0,00\t${euros(ht)}\t\t\t${compact(issue)}\t\t`,
    );
    fec.push(
      `VT\tVentes\t${vt}\t${compact(issue)}\t445710\tTVA collectée\t\t\t${ref}\t${compact(issue)}\tFacture ${ref}\t0,00\t${euros(tva)}\t\t\t${compact(issue)}\t\t`,
    );
    if (paid) {
      const on = addDays(issue, 35 + i * 5);
      const bq = `BQ${String(entry).padStart(5, "0")}`;
      fec.push(
        `BQ\tBanque\t${bq}\t${compact(on)}\t512000\tBanque\t\t\tREL\t${compact(on)}\tVirement ${name}\t${euros(ht + tva)}\t0,00\t\t\t${compact(on)}\t\t`,
      );
      fec.push(
        `BQ\tBanque\t${bq}\t${compact(on)}\t411000\tClients\t${aux}\t${name}\tREL\t${compact(on)}\tRèglement ${ref}\t0,00\t${euros(ht + tva)}\t${letter}\t${compact(on)}\t${compact(on)}\t\t`,
      );
    }
    entry += 1;
  }
});

writeFileSync("samples/customers.csv", customers.join("\n") + "\n");
writeFileSync("samples/invoices.csv", invoices.join("\n") + "\n");
writeFileSync("samples/payments.csv", payments.join("\n") + "\n");
// FEC files are often ISO-8859-15: the sample is too, so the demo shows the encoding detection.
writeFileSync("samples/FEC-sample.txt", Buffer.from(fec.join("\r\n") + "\r\n", "latin1"));
process.stdout.write(
  `customers ${customers.length - 1}, invoices ${invoices.length - 1}, payments ${payments.length - 1}, FEC lines ${fec.length - 1}\n`,
);
