// Seed 002: "Prendre le temps avant d'accepter un échéancier"; seed 001: the "échéancier" as a practice. A
// plan is instalments with dates and amounts; the payments received since it was agreed settle them in date
// order; one not paid by its date plus the grace is missed; each late instalment bears the flat indemnity.
import { describe, expect, it } from "vitest";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { describePlan, parseInstalments, planProblems, planStanding } from "../../src/domain/paymentPlan.js";

const plan = [
  { no: 1, dueDate: d("2026-12-15"), amount: 100_000n },
  { no: 2, dueDate: d("2027-01-15"), amount: 100_000n },
  { no: 3, dueDate: d("2027-02-15"), amount: 50_000n },
];
const standing = (payments: Array<[string, bigint]>, asOf: string, regime: "commercial" | "public-procurement" = "commercial") =>
  planStanding({
    agreedOn: d("2026-11-30"),
    instalments: plan,
    payments: payments.map(([on, amount]) => ({ on: d(on), amount })),
    asOf: d(asOf),
    graceDays: 3,
    regime,
  });

describe("reading instalments as the CLI and the chat forms write them", () => {
  it('reads "2026-12-15:1000.00,2027-01-15:1000.00", French amounts included', () => {
    expect(parseInstalments("2026-12-15:1000.00,2027-01-15:1 000,50")).toEqual({
      ok: true,
      instalments: [
        { no: 1, dueDate: "2026-12-15", amount: 100_000n },
        { no: 2, dueDate: "2027-01-15", amount: 100_050n },
      ],
    });
    expect(parseInstalments("2026-12-15:1,000.00;2027-01-15:500\n2027-02-15:250")).toMatchObject({ ok: true, instalments: [{ amount: 100_000n }, { amount: 50_000n }, { amount: 25_000n }] });
  });

  it("names each bad instalment by its position and what is wrong", () => {
    expect(parseInstalments("2026-12-15:1000,2027-13-01:1000,2027-02-01:ten")).toEqual({
      ok: false,
      errors: ['instalment 2: "2027-13-01" is not a date (YYYY-MM-DD)', 'instalment 3: "ten" is not an amount'],
    });
    expect(parseInstalments("")).toMatchObject({ ok: false, errors: [expect.stringContaining("no instalment")] });
  });
});

describe("a sound plan", () => {
  it("has two instalments at least, in date order, none before the agreement, adding up to what it is for", () => {
    expect(planProblems({ agreedOn: d("2026-11-30"), instalments: plan, total: 250_000n })).toEqual([]);
    expect(planProblems({ agreedOn: d("2026-11-30"), instalments: plan, total: 300_000n })).toEqual([
      "the instalments add up to 2500.00, not the 3000.00 the plan is for",
    ]);
    expect(planProblems({ agreedOn: d("2026-12-20"), instalments: [plan[1], plan[0]].filter((i) => i !== undefined) })).toEqual([
      "instalment 1: 15/12/2026 is before the day the plan is agreed (20/12/2026)",
      "instalment 1: 15/12/2026 is not after instalment 2 (15/01/2027); list them in date order, one per date",
    ]);
    expect(planProblems({ agreedOn: d("2026-12-20"), instalments: [plan[1], plan[0]].filter((i) => i !== undefined), locale: "fr-FR" })).toEqual([
      "échéance 1 : le 15/12/2026 est avant le jour où l’échéancier est accordé (20/12/2026)",
      "échéance 1 : le 15/12/2026 n’est pas après l’échéance 2 (15/01/2027) ; listez-les dans l’ordre des dates, une par date",
    ]);
    expect(parseInstalments("2027-01-05:abc,2027-02-31:10", 2, "fr-FR")).toEqual({
      ok: false,
      errors: ["échéance 1 : « abc » n’est pas un montant", "échéance 2 : « 2027-02-31 » n’est pas une date (AAAA-MM-JJ)"],
    });
    expect(planProblems({ agreedOn: d("2026-11-30"), instalments: [{ no: 1, dueDate: d("2026-12-15"), amount: 0n }] })).toEqual([
      "a payment plan has at least two instalments (for one payment, record a promise to pay)",
      "instalment 1: the amount must be greater than zero",
    ]);
  });
});

describe("following a plan as of a date", () => {
  it("payments settle the instalments in date order; a surplus goes to the next one", () => {
    const s = standing([["2026-12-14", 150_000n]], "2026-12-20");
    expect(s.instalments.map((i) => [i.state, i.paid, i.paidOn])).toEqual([
      ["paid", 100_000n, "2026-12-14"],
      ["upcoming", 50_000n, null],
      ["upcoming", 0n, null],
    ]);
    expect(s.next?.no).toBe(2);
    expect(s.state).toBe("active");
  });

  it("an instalment unpaid within the grace is due; after it, missed, with the 40 EUR indemnity", () => {
    expect(standing([], "2026-12-18").instalments[0]).toMatchObject({ state: "due", daysLate: 3, indemnity: 0n });
    expect(standing([], "2026-12-19").instalments[0]).toMatchObject({ state: "missed", daysLate: 4, indemnity: 4000n });
  });

  it("an instalment paid after its date is paid late and bears the indemnity, for a public body too", () => {
    const s = standing([["2026-12-17", 100_000n], ["2027-01-15", 100_000n], ["2027-02-10", 50_000n]], "2027-03-01", "public-procurement");
    expect(s.instalments.map((i) => [i.state, i.daysLate, i.indemnity])).toEqual([
      ["paid late", 2, 4000n],
      ["paid", 0, 0n],
      ["paid", 0, 0n],
    ]);
    expect(s.state).toBe("completed");
    expect(s.indemnity).toBe(4000n);
  });

  it("payments made before the plan was agreed, or after the as-of date, do not count", () => {
    const s = standing([["2026-11-29", 100_000n], ["2026-12-16", 100_000n]], "2026-12-15");
    expect(s.instalments[0]).toMatchObject({ state: "due", paid: 0n });
  });

  it("the last instalment missed breaks the plan", () => {
    const s = standing([["2026-12-15", 100_000n], ["2027-01-15", 100_000n]], "2027-02-19");
    expect(s.state).toBe("broken");
    expect(describePlan(s, (m) => (Number(m) / 100).toFixed(2))).toBe(
      "3 instalments totalling 2500.00, 2 paid, 1 missed, next 500.00 due 15/02/2027, indemnities 40.00",
    );
  });
});
