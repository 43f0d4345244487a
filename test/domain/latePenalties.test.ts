import { describe, expect, it } from "vitest";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { latePenalty } from "../../src/domain/latePenalties.js";

describe("late-payment penalties (L441-10 Code de commerce)", () => {
  it("10,000.00 EUR 45 days late in the first half of 2025: ECB 3.15% + 10 points = 13.15%, 162.12 EUR, plus 40 EUR", () => {
    // 10 000 x 13.15% x 45 / 365 = 162.1232...
    const penalty = latePenalty(1_000_000n, d("2025-01-15"), d("2025-03-01"));
    expect(penalty.daysLate).toBe(45);
    expect(penalty.periods).toEqual([
      { from: "2025-01-16", to: "2025-03-01", days: 45, ratePercent: 13.15, interest: expect.closeTo(16212.33, 1) },
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
