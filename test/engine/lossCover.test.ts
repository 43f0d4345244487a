// The cost of an unpaid invoice (seed "Piloter le recouvrement": the sales needed to make up a loss =
// amount / gross margin rate), next to the committee's litigation proposals.
import { afterAll, describe, expect, it } from "vitest";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { defaultPolicy, type Policy } from "../../src/domain/policy.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { buildDigest } from "../../src/services/committeeViews.js";
import { prepareCommittee } from "../../src/usecases/committee.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";

afterAll(dropTestSchemas);

const ASOF = d("2026-11-20");
// Litigation without waiting for an expired formal notice, so one week's preparation proposes it.
const policy: Policy = {
  ...defaultPolicy,
  rules: { ...defaultPolicy.rules, litigation: { ...defaultPolicy.rules.litigation, requiresExpiredFormalNotice: false } },
};

describe.each(targets)("the cost of an unpaid invoice on $name", (target) => {
  it("a litigation proposal says the sales needed to make up the overdue at the company's margin rate, in the digest too", async () => {
    const db = await freshDatabase(target);
    try {
      await runImport(db, IMPORTERS.customers, writeTemp(`loss-c-${target.name}.csv`, csv("external_id;name", "K9;Garage Martin")));
      await runImport(
        db,
        IMPORTERS.invoices,
        writeTemp(
          `loss-i-${target.name}.csv`,
          csv("customer_id;number;issue_date;due_date;amount", "K9;G-1;2026-05-01;2026-06-01;2000,00"),
        ),
      );
      await db.prisma.companySettings.upsert({
        where: { id: 1 },
        update: { marginRatePercent: 20 },
        create: { id: 1, marginRatePercent: 20 },
      });
      await prepareCommittee(db, policy, ASOF);
      const litigation = await db.prisma.proposedAction.findFirst({ where: { kind: "LITIGATION" } });
      // 2 000.00 / 20% = 10 000.00 of sales
      // Amounts with the company's currency and locale (fr-FR: narrow no-break spaces, decimal comma).
      expect(litigation?.reason.replace(/\s/g, " ")).toMatch(
        /; il faudrait 10 000,00 € de ventes à 20 % de marge brute pour compenser 2 000,00 € s’ils ne sont jamais payés$/,
      );
      // A backlog account gets one proposal at a time (docs/policy.md, catch-up rule): the litigation alone.
      const others = await db.prisma.proposedAction.findMany({ where: { kind: { not: "LITIGATION" } } });
      expect(others).toEqual([]);
      const digest = await buildDigest(db, policy, ASOF);
      expect(digest.actions.find((a) => a.kind === "LITIGATION")?.reason).toContain("à 20 % de marge brute");
    } finally {
      await db.close();
    }
  });
});
