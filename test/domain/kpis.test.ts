import { describe, expect, it } from "vitest";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import {
  countbackDso,
  exposureOf,
  payerProfile,
  recoveryRates,
  recoveryTotals,
  revenueToCoverLoss,
  simpleDso,
  type MonthFigures,
} from "../../src/domain/kpis.js";

const CALENDAR = { yearDays: 365 as const, salesIncludeVat: true, vatRatePercent: 20 };

// Sales 100 000 in Jan, 120 000 in Feb (28 days), 150 000 in Mar; receivables 200 000 at the end of March.
const MONTHS: MonthFigures[] = [
  { month: "2026-01", sales: 10_000_000n, receivablesAtEnd: 9_000_000n },
  { month: "2026-02", sales: 12_000_000n, receivablesAtEnd: 14_000_000n },
  { month: "2026-03", sales: 15_000_000n, receivablesAtEnd: 20_000_000n },
];

describe("DSO", () => {
  it("countback: March's 150 000 covers 31 days, then 50 000 of February's 120 000 is 50/120 x 28 days", () => {
    expect(countbackDso(MONTHS, 2, CALENDAR)).toBeCloseTo(31 + (50 / 120) * 28, 6); // 42.67 days
  });

  it("countback under the 360-day convention counts 30 days a month", () => {
    expect(countbackDso(MONTHS, 2, { ...CALENDAR, yearDays: 360 })).toBeCloseTo(30 + (50 / 120) * 30, 6);
  });

  it("countback without enough history to exhaust the receivables is unknown", () => {
    expect(countbackDso([{ month: "2026-01", sales: 10_000_000n, receivablesAtEnd: 15_000_000n }], 0, CALENDAR)).toBeNull();
    expect(countbackDso(MONTHS, 0, CALENDAR)).toBeCloseTo((90 / 100) * 31, 6);
  });

  it("simple: receivables / 3 months of sales x the days of those months", () => {
    expect(simpleDso(MONTHS, 2, CALENDAR)).toBeCloseTo((200_000 / 370_000) * (31 + 28 + 31), 6);
    expect(simpleDso(MONTHS, 1, CALENDAR)).toBeNull();
  });

  it("sales without VAT make the DSO longer by the VAT rate", () => {
    const withVat = simpleDso(MONTHS, 2, CALENDAR) as number;
    expect(simpleDso(MONTHS, 2, { ...CALENDAR, salesIncludeVat: false })).toBeCloseTo(withVat * 1.2, 6);
  });
});

describe("recovery rates", () => {
  it("share of what fell due in a month collected within 30 and 90 days of the due date", () => {
    const rates = recoveryRates(
      recoveryTotals(
        [
          {
            dueDate: d("2026-06-10"),
            amount: 1000n,
            settlements: [
              { on: d("2026-07-01"), amount: 600n },
              { on: d("2026-08-20"), amount: 400n },
            ],
          },
          { dueDate: d("2026-06-25"), amount: 1000n, settlements: [] },
          { dueDate: d("2026-10-05"), amount: 500n, settlements: [{ on: d("2026-10-06"), amount: 500n }] },
        ],
        ["2026-06", "2026-10"],
      ),
      d("2026-11-20"),
    );
    expect(rates[0]).toEqual({ month: "2026-06", due: 2000n, within1Month: 0.3, within3Months: 0.5 });
    // October's 90 days are not over yet on 20 November.
    expect(rates[1]).toEqual({ month: "2026-10", due: 500n, within1Month: null, within3Months: null });
  });
});

describe("payer profile", () => {
  it("a customer who always pays on time and keeps promises scores 100 (A)", () => {
    expect(payerProfile({ paid: [{ amount: 1000n, daysLate: 0 }], promisesKept: 1, promisesBroken: 0 })).toMatchObject({
      score: 100,
      grade: "A",
    });
  });

  it("late payments and broken promises lower the score", () => {
    const profile = payerProfile({
      paid: [
        { amount: 3000n, daysLate: 45 },
        { amount: 1000n, daysLate: 2 },
      ],
      promisesKept: 0,
      promisesBroken: 2,
    });
    // on time 1/4; average late (3000x45 + 1000x2)/4000 = 34.25 days; broken 2/3
    expect(profile.averageDaysLate).toBe(34.3);
    expect(profile.score).toBe(Math.round(100 * (0.5 * 0.25 + 0.3 * (1 - 34.25 / 60) + 0.2 * (1 - 2 / 3))));
    expect(profile.grade).toBe("D");
  });

  it("no history, no score", () => {
    expect(payerProfile({ paid: [], promisesKept: 0, promisesBroken: 0 }).score).toBeNull();
  });
});

describe("exposure and the cost of an unpaid invoice", () => {
  it("an unpaid 10 000 with a 25% margin needs 40 000 of extra sales", () => {
    expect(revenueToCoverLoss(1_000_000n, 25)).toBe(4_000_000n);
  });

  it("exposure above the limit", () => {
    expect(exposureOf(1_200_000n, 100_000n, 1_000_000n)).toEqual({
      exposure: 1_100_000n,
      creditLimit: 1_000_000n,
      overLimit: 100_000n,
      usage: 1.1,
    });
  });
});
