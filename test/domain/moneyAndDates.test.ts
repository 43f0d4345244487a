import { describe, expect, it } from "vitest";
import { addDays, calendarDate, calendarDateAt, daysBetween, parseCalendarDate } from "../../src/domain/calendarDate.js";
import { formatMinor, formatMoney, minorDigits, parseAmount } from "../../src/domain/money.js";

describe("amounts are parsed into minor units without floating point", () => {
  it.each([
    ["1234.56", 123456n],
    ["1234,56", 123456n],
    ["1 234,56", 123456n],
    ["1\u00a0234,5", 123450n],
    ["1.234,56", 123456n],
    ["1,234.56", 123456n],
    ["-12,5", -1250n],
    ["0.10", 10n],
    ["19.990", 1999n],
    ["100", 10000n],
  ])("%s -> %s cents", (text, minor) => {
    expect(parseAmount(text)).toEqual({ ok: true, minor });
  });

  it("refuses text, empty cells and sub-cent amounts", () => {
    expect(parseAmount("abc")).toEqual({ ok: false, reason: '"abc" is not an amount' });
    expect(parseAmount("")).toEqual({ ok: false, reason: "amount is empty" });
    expect(parseAmount("1.005")).toEqual({ ok: false, reason: '"1.005" has more than 2 decimals' });
  });

  it("refuses amounts beyond 10^15 - 1 minor units, which would overflow a 64-bit column once in cents", () => {
    expect(parseAmount("9 999 999 999 999,99")).toEqual({ ok: true, minor: 999999999999999n });
    expect(parseAmount("-9999999999999.99")).toEqual({ ok: true, minor: -999999999999999n });
    expect(parseAmount("10000000000000")).toEqual({ ok: false, reason: '"10000000000000" is out of range (at most 9999999999999.99)' });
    expect(parseAmount("-99999999999999999")).toEqual({
      ok: false,
      reason: '"-99999999999999999" is out of range (at least -9999999999999.99)',
    });
    expect(parseAmount("1000000000000000", 0)).toEqual({ ok: false, reason: '"1000000000000000" is out of range (at most 999999999999999)' });
  });

  it("knows each currency's minor unit", () => {
    expect(minorDigits("EUR")).toBe(2);
    expect(minorDigits("JPY")).toBe(0);
    expect(parseAmount("1500", minorDigits("JPY"))).toEqual({ ok: true, minor: 1500n });
  });

  it("formats exactly, even beyond float precision", () => {
    expect(formatMinor(123456789012345678n)).toBe("1234567890123456.78");
    expect(formatMinor(-5n)).toBe("-0.05");
    expect(formatMoney(123456n, "EUR", "fr-FR").replace(/\s/g, " ")).toBe("1 234,56 €");
  });
});

describe("calendar dates", () => {
  it("reads ISO, French and FEC dates and refuses impossible ones", () => {
    expect(parseCalendarDate("2024-02-29")).toBe("2024-02-29");
    expect(parseCalendarDate("29/02/2024")).toBe("2024-02-29");
    expect(parseCalendarDate("20240229", { compact: true })).toBe("2024-02-29");
    expect(parseCalendarDate("29/02/2023")).toBeNull();
    expect(parseCalendarDate("20240229")).toBeNull();
    expect(parseCalendarDate("2024-13-01")).toBeNull();
  });

  it("counts days across a DST change and a leap day", () => {
    expect(daysBetween(calendarDate("2024-02-28"), calendarDate("2024-03-31"))).toBe(32);
    expect(addDays(calendarDate("2026-03-28"), 2)).toBe("2026-03-30");
  });

  it("today is a date in the company's time zone", () => {
    const instant = new Date("2026-11-23T23:30:00Z");
    expect(calendarDateAt(instant, "Europe/Paris")).toBe("2026-11-24");
    expect(calendarDateAt(instant, "America/New_York")).toBe("2026-11-23");
  });
});
