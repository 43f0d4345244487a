// ccbot speaks the company's language (issue #13): French by default, English with `ccbot settings set
// locale=en-GB`, for the general help and a command's help, usage errors, the digest table, a report, plan and
// mail; the machine outputs (--format json) keep the same keys and values in both languages.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { prepareCommittee } from "../../src/usecases/committee.js";
import { seedAgenda } from "../helpers/agendaFixtures.js";
import { ccbot, heldCliTargets, heldDatabase } from "../helpers/cli.js";
import { dropTestSchemas } from "../helpers/databases.js";

afterAll(dropTestSchemas);

const ASOF = d("2026-11-20");
/** Output with its no-break spaces (French numbers and punctuation) as plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe.each(heldCliTargets)("ccbot in the company's language on $name", (target) => {
  let url: string;
  beforeAll(async () => {
    url = await target.url();
    const db = await heldDatabase(url);
    try {
      await migrate(db);
      await seedAgenda(db, `lang-${target.name}`);
      await prepareCommittee(db, defaultPolicy, ASOF, new Date("2026-11-20T07:00:00Z"));
    } finally {
      await db.close();
    }
  });

  const run = async (...args: string[]) => {
    const out = await ccbot(url, ...args);
    return { ...out, stdout: plain(out.stdout), stderr: plain(out.stderr) };
  };

  it("speaks French by default: help, usage errors, the digest, a report, plan and mail", async () => {
    const help = await run("--help");
    expect(help).toMatchObject({ code: 0, stderr: "" });
    expect(help.stdout).toContain("ccbot : la ligne de commande du comité de crédit");
    expect(help.stdout).not.toContain("Commands:");
    expect((await run("plan", "--help")).stdout).toContain("convient d’un échéancier avec un client");
    expect((await run("mail", "--help")).stdout).toContain("la boîte de réponse");
    expect((await run("digest", "--help")).stdout).toContain("Affiche le compte rendu hebdomadaire");

    const unknown = await run("dance");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Commande inconnue « dance ».");
    expect(unknown.stderr).toContain("ccbot : la ligne de commande du comité de crédit");
    expect((await run("digest", "--format", "csv")).stderr).toContain("--format doit valoir table ou json (reçu : csv)");
    expect((await run("plan", "list", "--as-of", "someday")).stderr).toContain("--as-of someday n’est pas une date");
    expect((await run("plan", "add", "--customer", "Nobody", "--instalments", "2027-01-05:10,2027-02-05:10")).stderr).toContain(
      "Aucun client de numéro ou de nom « Nobody ».",
    );
    expect((await run("mail", "poll")).stderr).toContain("Aucune boîte de réponse n’est configurée");

    const digest = await run("digest", "--as-of", ASOF, "--format", "table");
    expect(digest).toMatchObject({ code: 0, stderr: "" });
    expect(digest.stdout).toContain("COMITÉ DE CRÉDIT 2026-W47");
    expect(digest.stdout).toContain("vendredi 20 novembre 2026");
    expect(digest.stdout).toContain("Balance âgée");
    expect(digest.stdout).toContain("non échu");
    expect(digest.stdout).toContain("Ordre du jour : 8 propositions par enjeu");
    expect(digest.stdout).toContain("9 000,00 € à risque · enjeu 1 350,00 €");
    expect(digest.stdout).toContain("blocage des livraisons");
    expect(digest.stdout).toContain("Encaissé cette semaine : 0,00 €");
    expect(digest.stdout).not.toMatch(/Agenda|Aged balance|at risk|Cash collected/);

    const report = await run("report", "aging", "--as-of", ASOF, "--format", "table");
    expect(report.code).toBe(0);
    expect(report.stdout).toContain("non échu");

    const plans = await run("plan", "list", "--as-of", ASOF, "--format", "table");
    expect(plans.stdout).toContain("Échéanciers au 2026-11-20");
    expect(plans.stdout).toContain("statut de l’échéancier");
    expect((await run("plan", "follow", "--as-of", ASOF)).code).toBe(0);

    // ccbot history and ccbot mail contact (issue #13: the last commands written in English).
    expect((await run("history", "--help")).stdout).toContain("l’historique des relances d’un client");
    expect((await run("history", "export", "Nobody")).stderr).toContain("Aucun client de numéro ou de nom « Nobody ».");
    expect((await run("history", "export", "Nobody", "--format", "xml")).stderr).toContain("--format doit valoir json, csv ou pdf (reçu : xml)");
    const verified = await run("history", "verify");
    expect(verified.code).toBe(0);
    expect(verified.stderr).toMatch(/^Historique intact : sceaux conformes pour \d+ entrées de \d+ clients\. Ancres vérifiées : 0\.$/m);
    expect(verified.stderr).toContain("Impossible de prouver :");
    expect(verified.stderr).not.toMatch(/History intact|Could not prove/);
    expect((await run("mail", "contact", "Nobody", "ap@example.com")).stderr).toContain("Aucun client de numéro ou de nom « Nobody ».");
  });

  it("speaks English with locale=en-GB, and the JSON stays the same in both languages", async () => {
    const frenchJson = JSON.parse((await run("digest", "--as-of", ASOF, "--format", "json")).stdout) as Record<string, unknown>;
    expect((await run("settings", "set", "locale=en-GB")).code).toBe(0);
    try {
      const help = await run("--help");
      expect(help.stdout).toContain("ccbot: the credit committee's command line");
      expect(help.stdout).toContain("Commands:");
      expect((await run("plan", "--help")).stdout).toContain("agree a payment plan with a customer");
      expect((await run("mail", "--help")).stdout).toContain("the reply-to mailbox");
      const unknown = await run("dance");
      expect(unknown).toMatchObject({ code: 2 });
      expect(unknown.stderr).toContain('Unknown command "dance".');
      expect((await run("digest", "--format", "csv")).stderr).toContain("--format must be table or json (got csv)");
      expect((await run("mail", "poll")).stderr).toContain("No reply-to mailbox is configured");

      const digest = await run("digest", "--as-of", ASOF, "--format", "table");
      expect(digest.stdout).toContain("CREDIT COMMITTEE 2026-W47");
      expect(digest.stdout).toContain("Friday, 20 November 2026");
      expect(digest.stdout).toContain("Aged balance");
      expect(digest.stdout).toContain("not due");
      expect(digest.stdout).toContain("Agenda: 8 proposals by stakes");
      expect(digest.stdout).toContain("€9,000.00 at risk · stakes €1,350.00");
      expect(digest.stdout).toContain("blocking deliveries");
      expect(digest.stdout).not.toMatch(/Ordre du jour|Balance âgée|à risque|Encaissé/);

      expect((await run("report", "aging", "--as-of", ASOF, "--format", "table")).stdout).toContain("not due");
      expect((await run("plan", "list", "--as-of", ASOF, "--format", "table")).stdout).toContain("Payment plans as of 2026-11-20");
      expect((await run("history", "--help")).stdout).toContain("a customer's reminder history");
      expect((await run("history", "export", "Nobody", "--format", "xml")).stderr).toContain("--format must be json, csv or pdf (got xml)");
      const verified = await run("history", "verify");
      expect(verified.stderr).toMatch(/^History intact: \d+ entries of \d+ customer\(s\) match their seals\. Anchors checked: 0\.$/m);
      expect(verified.stderr).toContain("Could not prove:");
      expect(verified.stderr).not.toMatch(/Historique|Impossible de prouver/);
      expect((await run("mail", "contact", "Nobody", "ap@example.com")).stderr).toContain('No customer with id or name "Nobody".');

      const englishJson = JSON.parse((await run("digest", "--as-of", ASOF, "--format", "json")).stdout) as Record<string, unknown>;
      // Keys, kinds, statuses and amounts are the same; only the sentences written for people (reasons) follow the locale.
      const stable = (j: Record<string, unknown>) =>
        JSON.stringify({ ...j, proposals: (j.proposals as Array<Record<string, unknown>>).map((p) => ({ ...p, reason: undefined })) });
      expect(stable(englishJson)).toBe(stable(frenchJson));
    } finally {
      await run("settings", "set", "locale=fr-FR");
    }
  });

  it("says the domain's words in the company's language: what a block still needs, a plan's and payment terms' refusals", async () => {
    const instalments = ["plan", "add", "--customer", "K1", "--instalments", "2027-01-05:abc,2027-02-31:10"];
    // French, the default: what a block still needs, from the approval rules (src/domain/approvals.ts).
    const digest = await run("digest", "--as-of", ASOF, "--format", "table");
    expect(digest.stdout).toContain("la finance, le commercial du compte (Claire Dumont)");
    expect(digest.stdout).not.toContain("sales owner");
    const badPlan = await run(...instalments);
    expect(badPlan.code).toBe(1);
    expect(badPlan.stderr).toContain("échéance 1 : « abc » n’est pas un montant ; échéance 2 : « 2027-02-31 » n’est pas une date (AAAA-MM-JJ)");
    const badTerms = await run("settings", "set", "default-payment-terms=whenever");
    expect(badTerms.code).not.toBe(0);
    expect(badTerms.stderr).toContain("conditions de paiement « whenever » non comprises ; écrivez par exemple « 30 jours »");

    expect((await run("settings", "set", "locale=en-GB")).code).toBe(0);
    try {
      const english = await run("digest", "--as-of", ASOF, "--format", "table");
      expect(english.stdout).toContain("finance, the sales owner (Claire Dumont)");
      expect(english.stdout).not.toContain("commercial du compte");
      const plan = await run(...instalments);
      expect(plan.code).toBe(1);
      expect(plan.stderr).toContain('instalment 1: "abc" is not an amount; instalment 2: "2027-02-31" is not a date (YYYY-MM-DD)');
      const terms = await run("settings", "set", "default-payment-terms=whenever");
      expect(terms.code).not.toBe(0);
      expect(terms.stderr).toContain('payment terms "whenever" are not understood; write e.g. "30 days"');
    } finally {
      await run("settings", "set", "locale=fr-FR");
    }
  });
});
