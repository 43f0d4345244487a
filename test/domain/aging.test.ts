import { describe, expect, it } from "vitest";
import { ageItems, bucketLabels, bucketOf } from "../../src/domain/aging.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";

const EDGES = [30, 60, 90];

describe("aged balance buckets", () => {
  it("an invoice on its due date (day 0) is not due yet", () => expect(bucketOf(0, EDGES)).toBe(0));
  it("an invoice 1 day past due is in 1-30", () => expect(bucketOf(1, EDGES)).toBe(1));
  it("an invoice 30 days past due is still in 1-30", () => expect(bucketOf(30, EDGES)).toBe(1));
  it("an invoice 31 days past due is in 31-60", () => expect(bucketOf(31, EDGES)).toBe(2));
  it("an invoice 91 days past due is over 90", () => expect(bucketOf(91, EDGES)).toBe(4));
  it("labels follow the configured edges", () => {
    expect(bucketLabels(EDGES)).toEqual(["not due", "1-30", "31-60", "61-90", "over 90"]);
    expect(bucketLabels([15, 45])).toEqual(["not due", "1-15", "16-45", "over 45"]);
  });

  it("disputed amounts are shown apart and credits reduce the balance", () => {
    const asOf = d("2026-11-20");
    const aging = ageItems(
      [
        { dueDate: d("2026-11-30"), openAmount: 1000n, disputedAmount: 0n },
        { dueDate: d("2026-11-20"), openAmount: 500n, disputedAmount: 0n },
        { dueDate: d("2026-10-21"), openAmount: 200n, disputedAmount: 0n }, // 30 days
        { dueDate: d("2026-10-20"), openAmount: 300n, disputedAmount: 0n }, // 31 days
        { dueDate: d("2026-06-01"), openAmount: 400n, disputedAmount: 400n },
      ],
      250n,
      asOf,
      EDGES,
    );
    expect(aging.buckets).toEqual([1500n, 200n, 300n, 0n, 0n]);
    expect(aging.disputed).toBe(400n);
    expect(aging.overdue).toBe(500n);
    expect(aging.balance).toBe(1500n + 200n + 300n + 400n - 250n);
  });

  it("a partial dispute puts only the amount disputed apart: the rest of the invoice ages with the others", () => {
    // Invoice of 1 000 due 45 days ago; the customer disputes 300 of it (two damaged pallets).
    const aging = ageItems([{ dueDate: d("2026-10-06"), openAmount: 1000n, disputedAmount: 300n }], 0n, d("2026-11-20"), EDGES);
    expect(aging.buckets).toEqual([0n, 0n, 700n, 0n, 0n]);
    expect(aging.disputed).toBe(300n);
    expect(aging.overdue).toBe(700n);
    expect(aging.balance).toBe(1000n);
  });

  it("a dispute larger than what is still open covers the open amount, no more", () => {
    const aging = ageItems([{ dueDate: d("2026-10-06"), openAmount: 200n, disputedAmount: 300n }], 0n, d("2026-11-20"), EDGES);
    expect(aging.disputed).toBe(200n);
    expect(aging.overdue).toBe(0n);
  });
});
