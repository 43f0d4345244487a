// The committee's agenda, in the seeds' words: what is material, what is at stake, what comes back.
import { describe, expect, it } from "vitest";
import { batchLabel } from "../../src/bot/words.js";
import { agendaOf, batchesOf, followUpOf, outcomesFor, type DecisionFacts, type PendingAction } from "../../src/domain/digest.js";
import { roundCreditLimit } from "../../src/domain/engine.js";
import { formatMoney } from "../../src/domain/money.js";
import { defaultPolicy, levelName } from "../../src/domain/policy.js";
import { amountAtRisk, comesBack, describeLikelihood, isMaterial, lossLikelihood, stakesOf } from "../../src/domain/priority.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";

const euros = (minor: bigint) => formatMoney(minor, "EUR", "fr-FR").replace(/\s/g, " ");

describe("likelihood of loss and stakes (docs/kpis.md)", () => {
  it("the worked example: 12 000,00 € 95 days late from a C payer with a broken promise is 30% likely lost, 3 600,00 € at stake", () => {
    const likelihood = lossLikelihood({ maxDaysLate: 95, grade: "C", brokenPromises: 1, openDisputes: 0 });
    expect(likelihood).toBe(0.3);
    expect(stakesOf(1_200_000n, likelihood)).toBe(360_000n);
    expect(describeLikelihood(likelihood, { maxDaysLate: 95, grade: "C", brokenPromises: 1, openDisputes: 0 })).toBe(
      "likely loss 30% (oldest 95 days late, payer C, 1 broken promise)",
    );
    expect(describeLikelihood(likelihood, { maxDaysLate: 95, grade: "C", brokenPromises: 1, openDisputes: 2 }, "fr-FR")).toBe(
      "perte probable 30 % (le plus ancien en retard de 95 jours, payeur C, 1 promesse rompue, 2 litiges ouverts)",
    );
  });

  it("a good payer a few days late is unlikely to be lost; a poor one a year late almost surely is (capped at 95%)", () => {
    expect(lossLikelihood({ maxDaysLate: 20, grade: "A", brokenPromises: 0, openDisputes: 0 })).toBe(0.01);
    expect(lossLikelihood({ maxDaysLate: 400, grade: "D", brokenPromises: 3, openDisputes: 1 })).toBe(0.95);
  });

  it("a 205,90 € formal notice ranks far below a 56 000 € one of the same age, whatever the customer id", () => {
    const same = { maxDaysLate: 70, grade: "C" as const, brokenPromises: 0, openDisputes: 0 };
    expect(stakesOf(20_590n, lossLikelihood(same))).toBeLessThan(stakesOf(5_600_000n, lossLikelihood(same)));
  });

  it("the amount at risk is what is overdue for an escalation, the disputed late amount for a hold, the exposure for a limit", () => {
    const f = { overdue: 400_000n, disputedLate: 150_000n, exposure: 900_000n };
    expect(amountAtRisk("BLOCK_DELIVERIES", f)).toBe(400_000n);
    expect(amountAtRisk("FORMAL_NOTICE", f)).toBe(400_000n);
    expect(amountAtRisk("HOLD", f)).toBe(150_000n);
    expect(amountAtRisk("CREDIT_LIMIT_CHANGE", f)).toBe(900_000n);
    expect(amountAtRisk("CREDIT_LIMIT_CHANGE", { ...f, exposure: -5_000n })).toBe(0n);
  });
});

describe("materiality (policy committee.materiality)", () => {
  const sme = defaultPolicy.committee.materiality.SME;
  it("an SME proposal under 1 000,00 € at risk or under 15 days late stays with the collector's calendar", () => {
    expect(isMaterial("FORMAL_NOTICE", 20_590n, 60, sme)).toBe(false);
    expect(isMaterial("FORMAL_NOTICE", 200_000n, 10, sme)).toBe(false);
    expect(isMaterial("FORMAL_NOTICE", 100_000n, 15, sme)).toBe(true);
  });
  it("lifting a block is never held back; a limit change is judged on its amount alone", () => {
    expect(isMaterial("UNBLOCK_DELIVERIES", 0n, 0, sme)).toBe(true);
    expect(isMaterial("CREDIT_LIMIT_CHANGE", 500_000n, 0, sme)).toBe(true);
    expect(isMaterial("CREDIT_LIMIT_CHANGE", 50_000n, 0, sme)).toBe(false);
  });
});

describe("a rejected proposal comes back only when worse or after the cool-down", () => {
  const rule = defaultPolicy.committee.afterRejection; // 25%, 28 days
  const rejected = { decidedOn: "2026-11-13", daysSince: 7, atRisk: 1_000_000n };
  it("not while the account is no worse than 25% and the 28 days are not over", () => {
    expect(comesBack(rejected, 1_200_000n, rule, euros)).toBeNull();
  });
  it("when the amount at risk grew by 25% or more, saying by how much", () => {
    expect(comesBack(rejected, 1_300_000n, rule, euros)).toBe(
      "back after its rejection on 13/11/2026: the amount at risk grew from 10 000,00 € to 13 000,00 € (+30%)",
    );
    expect(comesBack(rejected, 1_300_000n, rule, euros, "fr-FR")).toBe(
      "de retour après son rejet du 13/11/2026 : le montant à risque est passé de 10 000,00 € à 13 000,00 € (+30 %)",
    );
  });
  it("after the cool-down, whatever the amount", () => {
    expect(comesBack({ ...rejected, daysSince: 28 }, 900_000n, rule, euros)).toBe(
      "back 28 days after its rejection on 13/11/2026 (the policy waits 28 days)",
    );
  });
});

describe("credit limits as a credit manager sets them (two significant figures)", () => {
  it("lowering to an exposure of 4 978,79 € gives 5 000 €; of 45 965,98 € gives 46 000 €", () => {
    expect(roundCreditLimit(497_879n, "up")).toBe(500_000n);
    expect(roundCreditLimit(4_596_598n, "up")).toBe(4_600_000n);
  });
  it("raising 1 000 € by 20% gives 1 200 €; 103 000 € by 20% (123 600 €) gives 120 000 €", () => {
    expect(roundCreditLimit(120_000n, "down")).toBe(120_000n);
    expect(roundCreditLimit(12_360_000n, "down")).toBe(12_000_000n);
  });
});

describe("the digest reads well", () => {
  it("a letter or an e-mail task is 'Sent', never 'No answer / voicemail'; a call keeps its answers", () => {
    expect(outcomesFor("LETTER")).toEqual(["sent", "already_paid", "wrong_contact", "dispute"]);
    expect(outcomesFor("EMAIL")).not.toContain("no_answer");
    expect(outcomesFor("PHONE")).toEqual(["no_answer", "reached", "already_paid", "wrong_contact", "dispute"]);
  });

  it("a level is named, not shown by its id", () => {
    expect(levelName({ id: "first-reminder" })).toBe("First reminder");
    expect(levelName({ id: "sales-visit", name: "Visite commerciale" })).toBe("Visite commerciale");
  });

  const action = (id: number, stakes: bigint, kind: PendingAction["kind"] = "BLOCK_DELIVERIES"): PendingAction => ({
    actionId: id,
    customerId: id,
    customerName: `Customer ${id}`,
    kind,
    status: "PROPOSED",
    reason: "",
    proposedOn: d("2026-11-20"),
    approvedBy: [],
    missing: [],
    invoiceNumbers: [],
    stakes,
    amountAtRisk: stakes * 4n,
  });

  it("the agenda is ranked by stakes and holds at most the policy's number; the rest are apart", () => {
    const actions = Array.from({ length: 20 }, (_, i) => action(i + 1, BigInt((i * 7919) % 23) * 1000n));
    const { shown, more } = agendaOf(actions, 15);
    expect(shown).toHaveLength(15);
    expect(more).toHaveLength(5);
    const stakes = [...shown, ...more].map((a) => a.stakes ?? 0n);
    expect(stakes).toEqual([...stakes].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
  });

  it("a message of 6 blocks and 1 formal notice offers to approve the 6 delivery blocks, not the lone notice", () => {
    const views = [...Array.from({ length: 6 }, (_, i) => action(i + 1, 10n)), action(7, 5n, "FORMAL_NOTICE")];
    expect(batchesOf(views)).toEqual([{ kind: "BLOCK_DELIVERIES", actionIds: [1, 2, 3, 4, 5, 6] }]);
    expect(batchLabel("BLOCK_DELIVERIES", 6, "en-GB")).toBe("Approve the 6 delivery blocks above");
  });

  it("a formal notice decided last week: letter produced, not yet sent, 1 200,00 € paid since, a promise pending", () => {
    const facts: DecisionFacts = {
      actionId: 9,
      customerName: "Garage Martin",
      externalId: "K9",
      kind: "FORMAL_NOTICE",
      decision: "APPLIED",
      decidedOn: d("2026-11-16"),
      letterProducedOn: d("2026-11-16"),
      letterSent: null,
      blockedNow: false,
      onHoldNow: false,
      creditLimitNow: null,
      paidSince: 120_000n,
      promisesSince: [{ amount: 300_000n, promisedDate: d("2026-11-30"), status: "PENDING" }],
    };
    expect(followUpOf(facts, euros).since).toEqual([
      "letter produced on 16/11/2026",
      "not recorded as sent yet",
      "1 200,00 € paid since",
      "promise of 3 000,00 € by 30/11/2026: pending",
    ]);
    expect(followUpOf(facts, euros, "fr-FR").since).toEqual([
      "lettre produite le 16/11/2026",
      "envoi pas encore enregistré",
      "1 200,00 € payés depuis",
      "promesse de 3 000,00 € pour le 30/11/2026 : en attente",
    ]);
  });
});
