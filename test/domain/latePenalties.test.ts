import { describe, expect, it } from "vitest";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { contractRateFloor, lateLife, latePenalty, LEGAL_INTEREST_RATES } from "../../src/domain/latePenalties.js";

describe("late-payment penalties (L441-10 Code de commerce)", () => {
  it("10,000.00 EUR 45 days late in the first half of 2025: ECB 3.15% + 10 points = 13.15%, 162.12 EUR, plus 40 EUR", () => {
    // 10 000 x 13.15% x 45 / 365 = 162.1232...
    const penalty = latePenalty(1_000_000n, d("2025-01-15"), d("2025-03-01"));
    expect(penalty.daysLate).toBe(45);
    expect(penalty.periods).toEqual([
      { from: "2025-01-16", to: "2025-03-01", days: 45, ratePercent: 13.15, basis: "legal", interest: expect.closeTo(16212.33, 1) },
    ]);
    expect(penalty.interest).toBe(16212n);
    expect(penalty.indemnity).toBe(4000n);
  });

  it("days on both sides of 1 July take each half-year's rate", () => {
    // due 15 June 2025, letter 31 July 2025: 15 days at 13.15% (16-30 June), 31 days at 12.15% (July)
    const penalty = latePenalty(1_000_000n, d("2025-06-15"), d("2025-07-31"));
    expect(penalty.periods.map((p) => [p.from, p.to, p.days, p.ratePercent])).toEqual([
      ["2025-06-16", "2025-06-30", 15, 13.15],
      ["2025-07-01", "2025-07-31", 31, 12.15],
    ]);
    // 10 000 x (13.15% x 15 + 12.15% x 31) / 365 = 54.04 + 103.19 = 157.23
    expect(penalty.interest).toBe(15723n);
  });

  it("several invoices across two half-years, each with its 40 EUR indemnity", () => {
    const invoices = [
      { amount: 250_000n, due: d("2024-05-31") },
      { amount: 480_000n, due: d("2024-09-30") },
    ];
    const until = d("2025-01-31");
    const penalties = invoices.map((i) => latePenalty(i.amount, i.due, until));
    // 2 500 x (14.5% x 214 + 14.25% x... ) — computed per period:
    // invoice 1: 1 Jun-30 Jun 2024 30 d at 14.5%, Jul-Dec 184 d at 14.25%, Jan 2025 31 d at 13.15%
    expect(penalties[0]?.periods.map((p) => [p.days, p.ratePercent])).toEqual([
      [30, 14.5],
      [184, 14.25],
      [31, 13.15],
    ]);
    const expected1 = Math.round((250_000 * (14.5 * 30 + 14.25 * 184 + 13.15 * 31)) / 36_500);
    const expected2 = Math.round((480_000 * (14.25 * 92 + 13.15 * 31)) / 36_500);
    expect(penalties.map((p) => p.interest)).toEqual([BigInt(expected1), BigInt(expected2)]);
    expect(penalties.reduce((s, p) => s + p.indemnity, 0n)).toBe(8000n);
  });

  it("no penalty before the due date; a half-year without a known rate is an error, not a guess", () => {
    expect(latePenalty(1_000_000n, d("2025-03-01"), d("2025-02-01"))).toMatchObject({ daysLate: 0, interest: 0n, indemnity: 0n });
    expect(() => latePenalty(1_000_000n, d("2026-06-15"), d("2026-07-15"))).toThrow(
      "No ECB reference rate for the half-year starting 2026-07-01",
    );
  });
});

describe("penalties over an invoice's whole late life, each payment closing its share", () => {
  it("a 10,000.00 invoice paid 4,000.00 45 days late, the rest still open 105 days later: interest on each slice", () => {
    // due 15 Jan 2025, ECB 3.15% + 10 = 13.15% all along (first half of 2025)
    // 4 000 paid 1 Mar 2025 (45 days):  4 000 x 13.15% x 45 / 365 =  64.849...
    // 6 000 open on 30 Apr 2025 (16 + 28 + 31 + 30 = 105 days): 6 000 x 13.15% x 105 / 365 = 226.972...
    // total 291.821... -> 291.82, and one 40.00 indemnity for the invoice
    const life = lateLife({
      amount: 1_000_000n,
      dueDate: d("2025-01-15"),
      settlements: [{ on: d("2025-03-01"), amount: 400_000n, kind: "payment" }],
      asOf: d("2025-04-30"),
    });
    expect(life.slices.map((s) => [s.amount, s.until, s.paid, s.penalty.daysLate])).toEqual([
      [400_000n, "2025-03-01", true, 45],
      [600_000n, "2025-04-30", false, 105],
    ]);
    expect(life).toMatchObject({ daysLate: 105, open: 600_000n, status: "still open", interest: 29182n, indemnity: 4000n });
    // The formal notice alone (interest on what is open, 6 000) would have claimed 226.97: 64.85 under-claimed.
    expect(latePenalty(600_000n, d("2025-01-15"), d("2025-04-30")).interest).toBe(22697n);
  });

  it("an invoice paid in full late gets its claim: half before the due date (no interest), half 46 days late across 1 July", () => {
    // 5 000 paid 10 Jun 2025, before the 15 Jun due date: nothing.
    // 5 000 paid 31 Jul 2025: 15 days at 13.15% (16-30 Jun) + 31 days at 12.15% (Jul)
    //   = 5 000 x (13.15 x 15 + 12.15 x 31) / 36 500 = 5 000 x 573.9 / 36 500 = 78.616... -> 78.62
    const life = lateLife({
      amount: 1_000_000n,
      dueDate: d("2025-06-15"),
      settlements: [
        { on: d("2025-07-31"), amount: 500_000n, kind: "payment" },
        { on: d("2025-06-10"), amount: 500_000n, kind: "payment" },
      ],
      asOf: d("2025-11-30"),
    });
    expect(life).toMatchObject({ daysLate: 46, open: 0n, status: "paid late", interest: 7862n, indemnity: 4000n });
    expect(life.periods).toEqual([
      { from: "2025-06-16", ratePercent: 13.15, basis: "legal" },
      { from: "2025-07-01", ratePercent: 12.15, basis: "legal" },
    ]);
  });

  it("paid on time: no interest, no indemnity; a payment after the as-of date is not known yet", () => {
    const onTime = lateLife({
      amount: 100_000n,
      dueDate: d("2025-03-31"),
      settlements: [{ on: d("2025-03-31"), amount: 100_000n, kind: "payment" }],
      asOf: d("2025-06-30"),
    });
    expect(onTime).toMatchObject({ daysLate: 0, status: "paid on time", interest: 0n, indemnity: 0n, slices: [] });
    // 1 000 due 31 Mar 2025, paid 1 May 2025, seen on 30 Apr 2025: still open 30 days, 1 000 x 13.15% x 30 / 365 = 10.808 -> 10.81
    const before = lateLife({
      amount: 100_000n,
      dueDate: d("2025-03-31"),
      settlements: [{ on: d("2025-05-01"), amount: 100_000n, kind: "payment" }],
      asOf: d("2025-04-30"),
    });
    expect(before).toMatchObject({ daysLate: 30, status: "still open", open: 100_000n, interest: 1081n });
  });

  it("a credit note's share was never owed and the disputed part bears no interest", () => {
    // 1 000 due 15 Jan 2025, credit note 200, 800 paid 14 Feb 2025 (30 days): 800 x 13.15% x 30 / 365 = 8.646 -> 8.65
    const credited = lateLife({
      amount: 100_000n,
      dueDate: d("2025-01-15"),
      settlements: [
        { on: d("2025-01-15"), amount: 20_000n, kind: "credit" },
        { on: d("2025-02-14"), amount: 80_000n, kind: "payment" },
      ],
      asOf: d("2025-03-31"),
    });
    expect(credited).toMatchObject({ status: "paid late", interest: 865n });
    // 1 000 open, 300 disputed, on 14 Feb 2025: 700 x 13.15% x 30 / 365 = 7.566 -> 7.57
    const disputed = lateLife({ amount: 100_000n, dueDate: d("2025-01-15"), settlements: [], asOf: d("2025-02-14"), excluded: 30_000n });
    expect(disputed).toMatchObject({ open: 100_000n, interest: 757n, indemnity: 4000n });
  });
});

describe("a contractual penalty rate (terms of sale) replaces ECB + 10, never below three times the legal interest rate", () => {
  it("the floors published for 2024-2026: 3 x the legal interest rate of professional creditors", () => {
    // 2024-H1 5.07% -> 15.21; 2024-H2 4.92% -> 14.76; 2025-H1 3.71% -> 11.13; 2025-H2 2.76% -> 8.28; 2026-H1 2.62% -> 7.86
    expect(["2024-01-01", "2024-07-01", "2025-01-01", "2025-07-01", "2026-01-01"].map((h) => contractRateFloor(LEGAL_INTEREST_RATES, d(h)))).toEqual([
      15.21, 14.76, 11.13, 8.28, 7.86,
    ]);
    expect(() => contractRateFloor(LEGAL_INTEREST_RATES, d("2026-07-01"))).toThrow("No legal interest rate for the half-year starting 2026-07-01");
  });

  it("12% a year in the second half of 2025 (floor 8.28%): 10,000.00 30 days late = 98.63", () => {
    // 10 000 x 12% x 30 / 365 = 98.630... -> 98.63 (ECB + 10 would be 12.15%: 99.86)
    const contract = { ratePercent: 12, legalInterestRates: LEGAL_INTEREST_RATES };
    const life = lateLife({ amount: 1_000_000n, dueDate: d("2025-09-30"), settlements: [], asOf: d("2025-10-30"), contract });
    expect(life).toMatchObject({ interest: 9863n, periods: [{ from: "2025-10-01", ratePercent: 12, basis: "contract" }] });
  });

  it("10% is void in the first half of 2025 (floor 11.13%: ECB + 10 applies) and valid in the second (floor 8.28%)", () => {
    // 15 days at 13.15% + 31 days at 10%: 10 000 x (197.25 + 310) / 36 500 = 138.972... -> 138.97
    const contract = { ratePercent: 10, legalInterestRates: LEGAL_INTEREST_RATES };
    const life = lateLife({ amount: 1_000_000n, dueDate: d("2025-06-15"), settlements: [], asOf: d("2025-07-31"), contract });
    expect(life.periods).toEqual([
      { from: "2025-06-16", ratePercent: 13.15, basis: "legal" },
      { from: "2025-07-01", ratePercent: 10, basis: "contract" },
    ]);
    expect(life.interest).toBe(13897n);
  });

  it("a public body's interest is set by law: the contractual rate does not apply (ECB of the starting half-year + 8)", () => {
    // due 15 Jun 2025, 46 days at 3.15% + 8 = 11.15%: 10 000 x 11.15% x 46 / 365 = 140.520... -> 140.52
    const contract = { ratePercent: 12, legalInterestRates: LEGAL_INTEREST_RATES };
    const life = lateLife({
      amount: 1_000_000n,
      dueDate: d("2025-06-15"),
      settlements: [],
      asOf: d("2025-07-31"),
      regime: "public-procurement",
      contract,
    });
    expect(life.periods.map((p) => [p.ratePercent, p.basis])).toEqual([
      [11.15, "legal"],
      [11.15, "legal"],
    ]);
    expect(life.interest).toBe(14052n);
  });
});
