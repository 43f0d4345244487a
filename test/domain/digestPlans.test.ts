// The digest's payment plans, judged as of a date (pure): what counts as due this week, missed, agreed this
// week; the reading order; and the cap on the plans written out in a chat message, the rest counted.
import { describe, expect, it } from "vitest";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { DIGEST_PLANS_SHOWN, digestPlanOf, orderPlans, planCounts, plansToShow, type DigestPlan } from "../../src/domain/digest.js";
import { planStanding } from "../../src/domain/paymentPlan.js";

const ASOF = d("2026-11-20");

function plan(planId: number, agreedOn: string, instalments: Array<[string, bigint]>, payments: Array<[string, bigint]> = [], escalated = false): DigestPlan {
  const standing = planStanding({
    agreedOn: d(agreedOn),
    instalments: instalments.map(([date, amount], i) => ({ no: i + 1, dueDate: d(date), amount })),
    payments: payments.map(([on, amount]) => ({ on: d(on), amount })),
    asOf: ASOF,
    graceDays: 3,
    regime: "commercial",
  });
  return digestPlanOf(
    {
      planId,
      customerId: planId,
      externalId: `P${planId}`,
      customerName: `Client ${planId}`,
      status: "ACTIVE",
      agreedOn: d(agreedOn),
      currency: "EUR",
      standing,
      escalations: new Map(escalated ? [[1, { text: "escalation: next step due", on: ASOF }]] : []),
    },
    ASOF,
  );
}

describe("payment plans in the digest", () => {
  it("an instalment within its grace is due, not missed; one past date + grace is missed; partly paid shows what is left", () => {
    const p = plan(1, "2026-10-01", [["2026-11-18", 50_000n], ["2026-11-27", 50_000n], ["2026-11-28", 50_000n]], [["2026-11-19", 20_000n]]);
    // 18 Nov + 3 days of grace = 21 Nov: still due on the 20th; 27 Nov is within the week (20 + 7); 28 Nov too.
    expect(p.missed).toEqual([]);
    expect(p.dueThisWeek).toEqual([
      { no: 1, dueDate: "2026-11-18", amount: 50_000n, outstanding: 30_000n },
      { no: 2, dueDate: "2026-11-27", amount: 50_000n, outstanding: 50_000n },
    ]);
    const late = plan(2, "2026-10-01", [["2026-11-16", 50_000n], ["2026-12-16", 50_000n]], [], true);
    expect(late.missed).toEqual([
      { no: 1, dueDate: "2026-11-16", amount: 50_000n, outstanding: 50_000n, indemnity: 4000n, escalation: "escalation: next step due", escalatedOn: "2026-11-20" },
    ]);
    // agreed this week: the 7 days up to the date, that day included; a week before is not.
    expect(plan(3, "2026-11-14", [["2026-12-01", 1n], ["2027-01-01", 1n]]).agreedThisWeek).toBe(true);
    expect(plan(4, "2026-11-13", [["2026-12-01", 1n], ["2027-01-01", 1n]]).agreedThisWeek).toBe(false);
  });

  it("missed first, then due, then agreed, then on track (newest first within each); at most DIGEST_PLANS_SHOWN written out, the others counted", () => {
    const onTrack = Array.from({ length: 3 }, (_, i) => plan(100 + i, "2026-09-01", [["2026-10-01", 1n], ["2026-12-31", 1n]], [["2026-10-01", 1n]]));
    const missed = Array.from({ length: 12 }, (_, i) => plan(200 + i, "2026-10-01", [["2026-11-10", 10n], ["2026-12-10", 10n]]));
    const due = plan(300, "2026-10-01", [["2026-11-25", 10n], ["2026-12-25", 10n]]);
    const agreed = plan(400, "2026-11-19", [["2026-12-19", 10n], ["2027-01-19", 10n]]);
    const ordered = orderPlans([...onTrack, agreed, due, ...missed]);
    expect(ordered.slice(0, 12).every((p) => p.missed.length === 1)).toBe(true);
    expect(ordered.slice(12).map((p) => p.planId)).toEqual([300, 400, 102, 101, 100]);
    expect(planCounts(ordered)).toEqual({ agreed: 1, due: 1, missed: 12, onTrack: 3 });
    const view = plansToShow(ordered);
    expect(view.shown).toHaveLength(DIGEST_PLANS_SHOWN);
    expect(view).toMatchObject({ more: 14 - DIGEST_PLANS_SHOWN, onTrack: 3 });
  });
});
