// `ccbot plan`: agree a payment plan from the command line, list it with each instalment's standing, and
// follow it (the daily job's work) — bad input named by option and instalment, nothing written.
import { afterAll, describe, expect, it } from "vitest";
import { addDays, calendarDateAt } from "../../src/domain/calendarDate.js";
import { formatDate } from "../../src/i18n/index.js";
import { ccbot, heldCliTargets } from "../helpers/cli.js";
import { dropTestSchemas } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";

afterAll(dropTestSchemas);

describe.each(heldCliTargets)("ccbot plan on $name", (target) => {
  // Twelve commands, each opening the embedded database as a person would: minutes on a loaded 2-core machine.
  it("agrees a plan, refuses a bad one naming the instalment, lists and follows it", { timeout: 300_000 }, async () => {
    const url = await target.url();
    const today = calendarDateAt(new Date(), "Europe/Paris");
    expect((await ccbot(url, "import", "customers", writeTemp(`plan-cli-c-${target.name}.csv`, csv("external_id;name;segment", "K1;Garage Moreau;sme")))).code).toBe(0);
    const invoices = csv("customer_id;number;issue_date;due_date;amount", `K1;F-1;${addDays(today, -90)};${addDays(today, -60)};3000,00`);
    expect((await ccbot(url, "import", "invoices", writeTemp(`plan-cli-i-${target.name}.csv`, invoices))).code).toBe(0);

    const first = addDays(today, 10);
    const second = addDays(today, 40);
    const bad = await ccbot(url, "plan", "add", "--customer", "K1", "--instalments", `${second}:1000.00,${first}:2000.00`);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      `--instalments: L’échéancier n’est pas valide : échéance 2 : le ${formatDate(first, "fr-FR")} n’est pas après l’échéance 1 (${formatDate(second, "fr-FR")})`,
    );
    const unreadable = await ccbot(url, "plan", "add", "--customer", "K1", "--instalments", `${first}:1000.00,${second}:lots`);
    expect(unreadable).toMatchObject({ code: 1, stderr: expect.stringContaining("--instalments : échéance 2 : « lots » n’est pas un montant") });
    const unknown = await ccbot(url, "plan", "add", "--customer", "K9", "--instalments", `${first}:1000.00,${second}:2000.00`);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining("Aucun client de numéro ou de nom « K9 »") });

    const added = await ccbot(url, "plan", "add", "--customer", "K1", "--instalments", `${first}:1000.00,${second}:2000.00`, "--note", "agreed with the manager");
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ status: "agreed", total: "300000", currency: "EUR" });
    const again = await ccbot(url, "plan", "add", "--customer", "Garage Moreau", "--instalments", `${first}:1000.00,${second}:2000.00`);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining("Garage Moreau a déjà un échéancier en cours") });

    const list = await ccbot(url, "plan", "list", "--customer", "K1", "--format", "json");
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ externalId: "K1", no: 1, dueDate: first, amount: "1000.00", paid: "0.00", state: "upcoming", status: "active", agreedOn: today }),
      expect.objectContaining({ externalId: "K1", no: 2, dueDate: second, amount: "2000.00", state: "upcoming", indemnity: "0.00" }),
    ]);

    // Nothing paid 20 days later: the first instalment is missed (10 days + 3 days of grace), escalated once.
    const later = addDays(today, 20);
    const followed = await ccbot(url, "plan", "follow", "--as-of", later);
    expect(JSON.parse(followed.stdout)).toMatchObject({ asOf: later, missed: 1, escalations: 1 });
    expect(JSON.parse((await ccbot(url, "plan", "follow", "--as-of", later)).stdout)).toMatchObject({ missed: 0, escalations: 0 });
    const csvList = await ccbot(url, "plan", "list", "--as-of", later, "--format", "csv");
    expect(csvList.stdout.trim().split("\r\n")[1]).toBe(`1;K1;Garage Moreau;en cours;${today};1;${first};1000,00;0,00;;manquée;10;40,00`);
  });
});
