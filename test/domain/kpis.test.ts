import { describe, expect, it } from "vitest";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { ageItems } from "../../src/domain/aging.js";
import { payerReason } from "../../src/domain/digest.js";
import { formatMinor } from "../../src/domain/money.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { rankAccounts } from "../../src/domain/priority.js";
import {
  countbackDso,
  describeGradeCap,
  describePayer,
  exposureOf,
  monthSoFar,
  overdueRate,
  payerProfile,
  receivablesOf,
  recoveryRates,
  recoveryTotals,
  revenueToCoverLoss,
  simpleDso,
  type GradeCap,
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

describe("payer profile (profil payeur): what is paid, what is still unpaid, promises and disputes", () => {
  const euros = (minor: bigint) => `${formatMinor(minor)} €`;

  it("a customer who always pays on time, keeps its promises and has nothing past due scores 100 (A)", () => {
    expect(payerProfile({ paid: [{ amount: 1000n, daysLate: 0 }], promisesKept: 1, promisesBroken: 0 })).toMatchObject({
      score: 100,
      grade: "A",
      gradeCap: null,
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
    // on time 1/4; average late (3000x45 + 1000x2)/4000 = 34.25 days; broken 2/3; no dispute
    expect(profile.averageDaysLate).toBe(34.3);
    expect(profile.score).toBe(Math.round(100 * (0.4 * 0.25 + 0.3 * (1 - 34.25 / 60) + 0.15 * (1 - 2 / 3) + 0.15)));
    expect(profile.grade).toBe("C");
  });

  it("an invoice still unpaid counts at its age so far: paid on time but 2 000 open 45 days past due is not A", () => {
    const profile = payerProfile({
      paid: [{ amount: 8000n, daysLate: 0 }],
      open: [{ amount: 2000n, daysLate: 45 }],
      promisesKept: 0,
      promisesBroken: 0,
    });
    // on time 8000/10000; average late 2000x45/10000 = 9 days
    expect(profile.averageDaysLate).toBe(9);
    expect(profile.onTimeShare).toBe(0.8);
    expect(profile.score).toBe(Math.round(100 * (0.4 * 0.8 + 0.3 * (1 - 9 / 60) + 0.15 + 0.15))); // 88
    expect(profile.grade).toBe("B");
    expect(profile.gradeCap).toEqual({ daysLate: 45, grade: "B" });
    expect(describeGradeCap(profile.gradeCap as GradeCap)).toBe("an invoice 45 days past due keeps the grade at B or below");
    expect(describeGradeCap(profile.gradeCap as GradeCap, "fr-FR")).toBe("une facture en retard de 45 jours maintient la note à B au mieux");
  });

  it("a good payer with one invoice 324 days late is graded C at best, and the reason says so in words", () => {
    const profile = payerProfile({
      paid: [{ amount: 2_000_000n, daysLate: 0 }],
      open: [{ amount: 58_934n, daysLate: 324 }],
      promisesKept: 0,
      promisesBroken: 0,
    });
    expect(profile.score).toBeGreaterThanOrEqual(80); // the score alone would say A
    expect(profile.grade).toBe("C");
    expect(describeGradeCap(profile.gradeCap as GradeCap)).toBe("an invoice 324 days past due keeps the grade at C or below");
    expect(profile.over90Days).toBe(58_934n);
    expect(describePayer(profile, euros)).toBe("pays 9 days late on average; 97% on time; 589.34 € over 90 days late (oldest 324 days)");
  });

  it("an invoice 31 to 90 days past due keeps the grade at B or below; 30 days does not", () => {
    const at = (daysLate: number) =>
      payerProfile({ paid: [{ amount: 1_000_000n, daysLate: 0 }], open: [{ amount: 100n, daysLate }], promisesKept: 0, promisesBroken: 0 });
    expect(at(30).grade).toBe("A");
    expect(at(90).grade).toBe("B");
    const profile = payerProfile({
      paid: [{ amount: 1_000_000n, daysLate: 0 }],
      open: [{ amount: 100n, daysLate: 31 }],
      promisesKept: 0,
      promisesBroken: 0,
    });
    expect(profile.grade).toBe("B");
  });

  it("open disputes and broken promises lower the score, and are named in the reason", () => {
    const profile = payerProfile({
      paid: [{ amount: 1000n, daysLate: 38 }],
      open: [{ amount: 1000n, daysLate: 20, disputed: true }],
      promisesKept: 0,
      promisesBroken: 2,
      openDisputes: 1,
    });
    // the disputed invoice is not lateness: average 38 days, on time 0
    expect(profile.averageDaysLate).toBe(38);
    expect(profile.score).toBe(Math.round(100 * (0 + 0.3 * (1 - 38 / 60) + 0.15 * (1 - 2 / 3) + 0.15 * (1 - 1 / 3))));
    expect(describePayer(profile, euros)).toBe("pays 38 days late on average; 0% on time; 2 promises broken; 1 open dispute");
  });

  it("a disputed invoice over 90 days past due also keeps the grade at C or below", () => {
    const profile = payerProfile({
      paid: [{ amount: 100_000n, daysLate: 0 }],
      open: [{ amount: 500n, daysLate: 120, disputed: true }],
      promisesKept: 0,
      promisesBroken: 0,
      openDisputes: 1,
    });
    expect(profile.grade).toBe("C");
  });

  it("no history, no score", () => {
    expect(payerProfile({ paid: [], promisesKept: 0, promisesBroken: 0 }).score).toBeNull();
    expect(describePayer(payerProfile({ paid: [], promisesKept: 0, promisesBroken: 0 }), euros)).toBe("no payment history");
  });

  it("the priority ranking explains the payer in words, never as a bare score", () => {
    const profile = payerProfile({
      paid: [{ amount: 1000n, daysLate: 38 }],
      open: [{ amount: 1_240_000n, daysLate: 100 }],
      promisesKept: 0,
      promisesBroken: 2,
    });
    const [ranked] = rankAccounts(
      [{ id: 1 }],
      () => ({
        customerId: 1,
        overdue: 1_240_000n,
        maxDaysLate: 100,
        payerScore: profile.score,
        payerWhy: payerReason(profile, euros),
        overLimit: 0n,
        creditLimit: null,
        brokenPromises: 2,
      }),
      defaultPolicy,
    );
    const payerReasonText = ranked?.reasons.find((r) => r.startsWith("payer"));
    expect(payerReasonText).toBe(
      "payer D: pays 100 days late on average; 0% on time; 2 promises broken; 12400.00 € over 90 days late (oldest 100 days)",
    );
    expect(ranked?.reasons.join("; ")).not.toMatch(/payer score \d/);
  });
});

describe("one definition of receivables, and the DSO of a month not over yet", () => {
  it("receivables are the aged balance net of credits; the overdue rate divides by them", () => {
    const aging = ageItems(
      [
        { dueDate: d("2026-10-01"), openAmount: 60_000n, disputedAmount: 0n },
        { dueDate: d("2026-12-01"), openAmount: 50_000n, disputedAmount: 0n },
      ],
      10_000n,
      d("2026-11-20"),
      [30, 60, 90],
    );
    expect(receivablesOf(aging)).toBe(100_000n);
    expect(overdueRate(aging.overdue, receivablesOf(aging))).toBe(0.6);
  });

  it("the current month counts the days elapsed: 20 days of sales against 20 days, not 30", () => {
    const months: MonthFigures[] = [
      { month: "2026-09", sales: 3_000_000n, receivablesAtEnd: 0n },
      { month: "2026-10", sales: 3_100_000n, receivablesAtEnd: 0n },
      { ...monthSoFar(d("2026-11-20")), sales: 2_000_000n, receivablesAtEnd: 4_050_000n },
    ];
    expect(monthSoFar(d("2026-11-20"))).toEqual({ month: "2026-11", daysElapsed: 20 });
    expect(monthSoFar(d("2026-11-30"))).toEqual({ month: "2026-11" });
    // 4 050 000 / 8 100 000 x (30 + 31 + 20) = 40.5 days
    expect(simpleDso(months, 2, CALENDAR)).toBeCloseTo(40.5, 6);
    // countback: November's 2 000 000 covers 20 days, October's 2 050 000 of 3 100 000 x 31 days
    expect(countbackDso(months, 2, CALENDAR)).toBeCloseTo(20 + (2_050_000 / 3_100_000) * 31, 6);
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
