// Public bodies (seed 001: "l'adaptation du support de relance au profil des clients : grands comptes,
// PMI/PME, TPE, secteur public") follow the Code de la commande publique, not the Code de commerce.
import { describe, expect, it } from "vitest";
import { calendarDate as d, type CalendarDate } from "../../src/domain/calendarDate.js";
import { positionOf, preDueWindow, reviewAccount, type Account, type AccountInvoice } from "../../src/domain/engine.js";
import { latePenalty } from "../../src/domain/latePenalties.js";
import { REGIMES } from "../../src/domain/legal.js";
import { DEFAULT_POLICY, defaultPolicy, parsePolicy } from "../../src/domain/policy.js";

const ASOF = d("2026-11-20");

function invoice(id: number, dueDate: string, euros: number): AccountInvoice {
  return { id, number: `F-${id}`, dueDate: d(dueDate), openAmount: BigInt(euros * 100), disputedAmount: 0n, inLitigation: false };
}

function publicBody(extra: Partial<Account> & { invoices: AccountInvoice[] }): Account {
  const { invoices, ...rest } = extra;
  return {
    customerId: 30,
    name: "Centre Hospitalier Nord",
    segment: "PUBLIC_SECTOR",
    creditLimit: null,
    blocked: false,
    onHold: false,
    position: positionOf(invoices, ASOF, preDueWindow(defaultPolicy, "PUBLIC_SECTOR")),
    credits: 0n,
    payments: [],
    promises: [],
    stepsDone: [],
    formalNotice: null,
    pendingActionKinds: [],
    payerScore: null,
    ...rest,
  };
}

const allPublicSteps = (on: string) =>
  defaultPolicy.segments.PUBLIC_SECTOR.levels.map((l) => ({ levelId: l.id, on: d(on) as CalendarDate }));

describe("the legal regime is a property of the segment", () => {
  it("the public sector falls under public procurement, the other segments under commercial law", () => {
    expect(defaultPolicy.segments.PUBLIC_SECTOR.regime).toBe("public-procurement");
    expect([
      defaultPolicy.segments.SME.regime,
      defaultPolicy.segments.LARGE_ACCOUNT.regime,
      defaultPolicy.segments.VERY_SMALL_BUSINESS.regime,
    ]).toEqual(["commercial", "commercial", "commercial"]);
  });

  it("a segment without a regime in the policy file is commercial; an unknown regime is refused by name", () => {
    const input = structuredClone(DEFAULT_POLICY) as unknown as { segments: Record<string, Record<string, unknown>> };
    delete input.segments.SME?.regime;
    expect(parsePolicy(input).segments.SME.regime).toBe("commercial");
    (input.segments.SME as Record<string, unknown>).regime = "public";
    expect(() => parsePolicy(input, "policy.json")).toThrow(/segments\.SME\.regime: /);
  });

  it("every step is done by someone who can be given it: a step by a viewer is refused", () => {
    const input = structuredClone(DEFAULT_POLICY);
    (input.segments.SME.levels[0] as { by: string }).by = "VIEWER";
    expect(() => parsePolicy(input, "policy.json")).toThrow(
      "segments.SME.levels.0.by: a step is done by one of: COLLECTOR, SALES, BACK_OFFICE, FINANCE",
    );
  });
});

describe("public bodies: interest under the Code de la commande publique (R2192-31)", () => {
  it("ECB rate of the half-year in which interest began to run + 8 points, for the whole delay", () => {
    // Due 15 June 2025, letter 31 July 2025: interest began on 16 June (first half of 2025, ECB 3.15%), so all
    // 46 days are at 11.15%, July included (a company would pay 12.15% in July: ECB 2.15% + 10).
    const penalty = latePenalty(1_000_000n, d("2025-06-15"), d("2025-07-31"), undefined, "public-procurement");
    expect(penalty.periods.map((p) => [p.from, p.to, p.days, p.ratePercent])).toEqual([
      ["2025-06-16", "2025-06-30", 15, 11.15],
      ["2025-07-01", "2025-07-31", 31, 11.15],
    ]);
    // 10 000 x 11.15% x 46 / 365 = 140.52
    expect(penalty.interest).toBe(14052n);
    expect(penalty.indemnity).toBe(4000n);
  });

  it("the same debt of a company: ECB + 10, each half-year at its own rate", () => {
    expect(latePenalty(1_000_000n, d("2025-06-15"), d("2025-07-31")).interest).toBe(15723n);
    expect(REGIMES.commercial.marginPoints - REGIMES["public-procurement"].marginPoints).toBe(2);
  });
});

describe("public bodies: what the committee is asked", () => {
  it("never a delivery block, however late and however far over a limit", () => {
    // Every reminder sent, letters included: a company would be blocked by now (below).
    const review = reviewAccount(
      publicBody({ creditLimit: 100_000n, invoices: [invoice(1, "2026-05-01", 90_000)], stepsDone: allPublicSteps("2026-06-15") }),
      ASOF,
      defaultPolicy,
    );
    expect(review.figures.maxDaysLate).toBe(203);
    expect(review.proposals.map((p) => p.kind)).not.toContain("BLOCK_DELIVERIES");
  });

  it("a public body blocked before is proposed for unblocking, with the reason in words", () => {
    const review = reviewAccount(publicBody({ blocked: true, invoices: [invoice(1, "2026-05-01", 90_000)] }), ASOF, defaultPolicy);
    expect(review.proposals.find((p) => p.kind === "UNBLOCK_DELIVERIES")?.reason).toMatch(
      /^deliveries are blocked, but a public body's supplies are not stopped under public-procurement rules/,
    );
  });

  it("the formal notice goes to the authorising officer with a copy to the public accountant, at ECB + 8", () => {
    const review = reviewAccount(
      publicBody({ invoices: [invoice(1, "2026-09-01", 8_000)], stepsDone: allPublicSteps("2026-10-20") }),
      ASOF,
      defaultPolicy,
    );
    const notice = review.proposals.find((p) => p.kind === "FORMAL_NOTICE");
    expect(notice?.reason).toBe(
      "the calendar's last step (Last reminder) done and 8000.00 still overdue, oldest 80 days; public body: formal notice to the authorising officer with a copy to the public accountant, claiming interest at the ECB rate + 8 points (L2192-13 et R2192-31 Code de la commande publique)",
    );
    expect(notice?.params).toEqual({ deadlineDays: "8", regime: "public-procurement" });
  });

  it("after the formal notice, escalation is mandatement d'office or the administrative judge, not stopping supplies", () => {
    const review = reviewAccount(
      publicBody({
        invoices: [invoice(1, "2026-07-01", 8_000)],
        stepsDone: allPublicSteps("2026-08-20"),
        formalNotice: { sentOn: d("2026-10-01"), deadline: d("2026-10-09") },
      }),
      ASOF,
      defaultPolicy,
    );
    const escalation = review.proposals.find((p) => p.kind === "LITIGATION");
    expect(escalation?.reason).toContain("ask the prefect to order payment (mandatement d'office, CGCT L1612-16 / L1612-18)");
    expect(escalation?.reason).toContain("administrative judge (référé-provision, CJA R541-1); deliveries are not stopped");
    expect(review.proposals.map((p) => p.kind)).not.toContain("BLOCK_DELIVERIES");
  });

  it("a company in the same situation is still proposed a block", () => {
    const smeSteps = defaultPolicy.segments.SME.levels.map((l) => ({ levelId: l.id, on: d("2026-06-15") }));
    const review = reviewAccount(
      publicBody({ segment: "SME", invoices: [invoice(1, "2026-05-01", 90_000)], stepsDone: smeSteps }),
      ASOF,
      defaultPolicy,
    );
    expect(review.proposals.map((p) => p.kind)).toContain("BLOCK_DELIVERIES");
  });
});
