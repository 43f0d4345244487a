// `ccbot digest`: the committee's digest as a preview, in a table or as JSON (issue #13), amounts as decimal strings.
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
const cents = (decimal: string) => BigInt(decimal.replace(".", ""));

describe.each(heldCliTargets)("ccbot digest on $name", (target) => {
  let url: string;
  beforeAll(async () => {
    url = await target.url();
    const db = await heldDatabase(url);
    try {
      await migrate(db);
      await seedAgenda(db, `cli-${target.name}`);
      await prepareCommittee(db, defaultPolicy, ASOF, new Date("2026-11-20T07:00:00Z"));
    } finally {
      await db.close();
    }
  });

  it("prints the digest as JSON: the aging adds up, the proposals by stakes with their customer, amounts as decimals", async () => {
    const json = await ccbot(url, "digest", "--as-of", ASOF, "--format", "json");
    expect(json.stderr).toBe("");
    expect(json.code).toBe(0);
    const digest = JSON.parse(json.stdout) as {
      asOf: string;
      aging: { buckets: Record<string, string>; disputed: string; credits: string; balance: string };
      proposals: Array<{
        id: number;
        kind: string;
        pendingSince: string;
        customer: { externalId: string; segment: string };
        amountAtRisk: string;
        stakes: string;
        onAgenda: boolean;
      }>;
      followUp: unknown[];
      cashCollected: string;
      promisesDue: unknown[];
    };
    expect(digest.asOf).toBe("2026-11-20");
    // buckets + disputed - credits = balance
    const buckets = Object.values(digest.aging.buckets).reduce((sum, v) => sum + cents(v), 0n);
    expect(buckets + cents(digest.aging.disputed) - cents(digest.aging.credits)).toBe(cents(digest.aging.balance));
    expect(digest.aging.balance).toBe("44600.00");
    expect(digest.proposals.map((p) => p.customer.externalId)).toEqual(["K8", "K7", "K6", "K5", "K4", "K3", "K2", "K1"]);
    expect(digest.proposals[0]).toMatchObject({
      kind: "BLOCK_DELIVERIES",
      pendingSince: "2026-W47",
      customer: { externalId: "K8", segment: "SME" },
      amountAtRisk: "9000.00",
      stakes: "1350.00",
      onAgenda: true,
    });
    expect(digest).toMatchObject({ followUp: [], cashCollected: "0.00", promisesDue: [] });
  });

  it("prints the same digest as a table, in the company's locale, and refuses an unknown format", async () => {
    const table = await ccbot(url, "digest", "--as-of", ASOF, "--format", "table");
    expect(table.code).toBe(0);
    expect(table.stdout).toContain("Ordre du jour : 8 propositions par enjeu");
    expect(table.stdout.replace(/\s/g, " ")).toContain("9 000,00 € à risque · enjeu 1 350,00 €");

    const wrong = await ccbot(url, "digest", "--format", "csv");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--format doit valoir table ou json (reçu : csv)");
  });
});
