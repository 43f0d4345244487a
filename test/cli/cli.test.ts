import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { readMigrations } from "../../src/db/migrate.js";
import { ccbot, cliTargets, type CliResult } from "../helpers/cli.js";
import { dropTestSchemas } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";

afterAll(dropTestSchemas);

const run = promisify(execFile);
const BIN = path.resolve("bin/ccbot.js");

/** The real executable: only where the process boundary (exit code, streams) is what is tested. */
async function ccbotProcess(databaseUrl: string, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run("node", [BIN, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// Everything else runs in-process through the CLI's entry point (runCli): the same code, without a process
// start per command (which made this file depend on the machine's speed). PGlite is a directory that each
// command opens and closes, as in real use.
describe.each(cliTargets)("ccbot on $name", (target) => {
  // Some twenty commands in a row, each opening the database: bounded generously, a loaded machine is slow, not wrong.
  it("sets up a company, its people, imports, rejects a bad file with exit code 1 and exports history", { timeout: 240_000 }, async () => {
    // An empty directory here (not the run's migrated template): `ccbot migrate` creates the database.
    const url = target.name === "pglite" ? mkdtempSync(path.join(tmpdir(), "ccbot-cli-")) : await target.url();

    const migrated = await ccbot(url, "migrate");
    expect(migrated.code).toBe(0);
    expect(JSON.parse(migrated.stdout)).toMatchObject({ applied: readMigrations().map((m) => m.name), alreadyApplied: 0 });

    const settings = await ccbot(
      url,
      "settings",
      "set",
      "company-name=ACME SAS",
      "end-of-month=end-of-month-then-days",
      "default-payment-terms=45 jours fin de mois",
    );
    expect(settings.code).toBe(0);
    expect(JSON.parse(settings.stdout)).toMatchObject({ companyName: "ACME SAS", endOfMonthRule: "END_OF_MONTH_THEN_DAYS" });

    const badSetting = await ccbot(url, "settings", "set", "time-zone=Mars/Olympus");
    expect(badSetting).toMatchObject({ code: 1 });
    expect(badSetting.stderr).toContain("Mars/Olympus n’est pas un fuseau horaire");

    const added = await ccbot(
      url,
      "people",
      "add",
      "--name",
      "Sophie Leroy",
      "--email",
      "sophie@acme.example",
      "--roles",
      "collector,back_office",
      "--slack",
      "U123@T9",
    );
    expect(added.code).toBe(0);
    const again = await ccbot(url, "people", "add", "--name", "Sophie L.", "--email", "SOPHIE@acme.example", "--roles", "sales");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("sophie@acme.example est déjà Sophie Leroy");
    const people = JSON.parse((await ccbot(url, "people", "list")).stdout);
    expect(people).toMatchObject([
      {
        name: "Sophie Leroy",
        roles: ["COLLECTOR", "BACK_OFFICE"],
        identities: [{ platform: "SLACK", externalId: "U123", workspace: "T9" }],
      },
    ]);

    const customers = writeTemp(
      `cli-customers-${target.name}.csv`,
      csv("external_id;name;collector", "K1;Café du Port;sophie@acme.example"),
    );
    const imported = await ccbot(url, "import", "customers", customers);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ status: "imported", lines: 1, counts: { customers: { created: 1 } } });

    const invoices = writeTemp(
      `cli-invoices-${target.name}.csv`,
      csv("customer_id;number;issue_date;amount", "K1;F1;2026-01-15;100", "K1;F2;2026-01-15;abc"),
    );
    const rejected = await ccbot(url, "import", "invoices", invoices);
    expect(rejected.code).toBe(1);
    expect(JSON.parse(rejected.stdout)).toMatchObject({
      status: "rejected",
      rejected: 1,
      rejections: [{ line: 3, reason: 'amount: "abc" is not an amount' }],
    });
    expect(rejected.stderr).toContain(`cli-invoices-${target.name}.csv:3: amount: "abc" is not an amount`);

    const history = await ccbot(url, "history", "export", "café du port");
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout)).toEqual({ customer: { externalId: "K1", name: "Café du Port" }, entries: [] });
    const unknown = await ccbot(url, "history", "export", "NOPE");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Aucun client de numéro ou de nom « NOPE ».");
  });

  it("says how to use it: exit code 2 on wrong usage", async () => {
    const url = await target.url();
    // The real executable: its exit code is what a script sees.
    const wrong = await ccbotProcess(url, "import", "orders", "x.csv");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("Usage : ccbot import customers|invoices|payments|fec|steps FICHIER");
    const flag = await ccbot(url, "people", "list", "--colour");
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--colour'");
  });
});

describe("configuration errors name the variable", () => {
  it("a malformed DATABASE_URL stops with exit code 3 and says why", async () => {
    const result = await ccbotProcess("postgresql://[broken", "settings", "show");
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("DATABASE_URL");
  });
});
