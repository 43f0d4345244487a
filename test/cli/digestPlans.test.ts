// `ccbot digest`: the payment plans in the committee's follow-through (agreed this week, instalments due this
// week, instalments missed and their escalation), in the table and in the JSON's `paymentPlans` array.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { prepareCommittee } from "../../src/usecases/committee.js";
import { ccbot, heldCliTargets, heldDatabase } from "../helpers/cli.js";
import { dropTestSchemas } from "../helpers/databases.js";
import { seedPlans } from "../helpers/planFixtures.js";

afterAll(dropTestSchemas);

const ASOF = d("2026-11-20");
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

interface JsonPlan {
  id: number;
  status: string;
  agreedOn: string;
  agreedThisWeek: boolean;
  customer: { externalId: string; name: string };
  total: string;
  paid: string;
  remaining: string;
  instalments: number;
  paidInstalments: number;
  dueThisWeek: Array<{ no: number; dueDate: string; amount: string; outstanding: string }>;
  missed: Array<{ no: number; dueDate: string; amount: string; indemnity: string; escalation: string | null; escalatedOn: string | null }>;
}

describe.each(heldCliTargets)("ccbot digest's payment plans on $name", (target) => {
  let url: string;
  let plans: Awaited<ReturnType<typeof seedPlans>>["plans"];
  const digestJson = async () => {
    const out = await ccbot(url, "digest", "--as-of", ASOF, "--format", "json");
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    return JSON.parse(out.stdout) as { paymentPlans: JsonPlan[]; promisesDue: unknown[]; promisesBroken: unknown[] };
  };

  beforeAll(async () => {
    url = await target.url();
    const db = await heldDatabase(url);
    try {
      await migrate(db);
      ({ plans } = await seedPlans(db, `cli-${target.name}`));
    } finally {
      await db.close();
    }
  });

  it("before the morning's follow-up, the preview shows the missed instalment as not escalated yet", async () => {
    const json = await digestJson();
    const p1 = json.paymentPlans.find((p) => p.id === plans.p1);
    expect(p1?.missed).toEqual([
      { no: 2, dueDate: "2026-11-12", amount: "1000.00", outstanding: "1000.00", indemnity: "40.00", escalation: null, escalatedOn: null },
    ]);
    const table = plain((await ccbot(url, "digest", "--as-of", ASOF)).stdout);
    // The company speaks French (the default): the plan's line in French, its dates as the French write them.
    expect(table).toContain(
      "Transports Lefebvre: échéancier n° " +
        plans.p1 +
        " accordé le 05/10/2026 : échéance 2 de 1 000,00 € du 12/11/2026 manquée, indemnité forfaitaire de recouvrement 40,00 € ; pas encore traitée : le suivi quotidien l’enregistre",
    );
  });

  it("after the committee's preparation: agreed, due this week, missed and escalated, completed, on track — in that order", async () => {
    const db = await heldDatabase(url);
    try {
      await prepareCommittee(db, defaultPolicy, ASOF, new Date("2026-11-20T07:00:00Z"));
    } finally {
      await db.close();
    }
    const json = await digestJson();
    expect(json.paymentPlans.map((p) => [p.customer.externalId, p.status])).toEqual([
      ["P1", "ACTIVE"],
      ["P2", "ACTIVE"],
      ["P4", "COMPLETED"],
      ["P3", "ACTIVE"],
    ]);
    const [p1, p2, p4, p3] = json.paymentPlans;
    // The missed instalment, with the escalation the follow-up recorded that morning (in French, the company's
    // language that day: a recorded text is kept as it was said, docs/i18n.md).
    expect(p1).toMatchObject({ id: plans.p1, agreedThisWeek: false, total: "3000.00", paid: "1000.00", remaining: "2000.00", paidInstalments: 1 });
    expect(p1?.missed).toEqual([
      expect.objectContaining({ no: 2, dueDate: "2026-11-12", indemnity: "40.00", escalation: expect.stringMatching(/^escalade : /), escalatedOn: "2026-11-20" }),
    ]);
    expect(p1?.dueThisWeek).toEqual([]);
    // Agreed on Wednesday, its first instalment due next Wednesday.
    expect(p2).toMatchObject({ id: plans.p2, agreedOn: "2026-11-18", agreedThisWeek: true, instalments: 2, paidInstalments: 0, missed: [] });
    expect(p2?.dueThisWeek).toEqual([{ no: 1, dueDate: "2026-11-25", amount: "500.00", outstanding: "500.00" }]);
    expect(p4).toMatchObject({ id: plans.p4, paid: "600.00", remaining: "0.00", dueThisWeek: [], missed: [] });
    expect(p3).toMatchObject({ id: plans.p3, agreedThisWeek: false, paidInstalments: 1, dueThisWeek: [], missed: [] });
    // A plan's instalments are followed as the plan's, not again as promises to pay.
    expect(json.promisesDue).toEqual([]);
    expect(json.promisesBroken).toEqual([]);

    // The table in English (the company's language decides it; JSON above is the same in every language).
    expect((await ccbot(url, "settings", "set", "locale=en-GB")).code).toBe(0);
    const table = plain((await ccbot(url, "digest", "--as-of", ASOF, "--format", "table")).stdout);
    expect(table).toContain("Payment plans (4): 1 agreed this week, 1 instalment due this week, 1 missed");
    expect(table).toMatch(
      new RegExp(`Transports Lefebvre: plan #${plans.p1} agreed 05/10/2026: instalment 2 of €1,000.00 due 12/11/2026 missed, recovery indemnity €40.00; escalade : .+ · 1 of 3 instalments paid, €2,000.00 left`),
    );
    expect(table).toContain(
      `Garage Martin: plan #${plans.p2} agreed 18/11/2026: agreed this week: 2 instalments totalling €1,000.00, 25/11/2026 to 28/12/2026 · instalment 1 of €500.00 due 25/11/2026 · 0 of 2 instalments paid, €1,000.00 left`,
    );
    expect(table).toContain(`Café du Port: plan #${plans.p4} agreed 10/09/2026: completed this week: €600.00 paid`);
    expect(table).toContain(`Boulangerie Petit: plan #${plans.p3} agreed 01/10/2026: 1 of 2 instalments paid, €400.00 left`);
  });
});
