// Issue 12, rate table: the 2026-H2 ECB rate and legal interest rate could not be confirmed from a source
// (docs/legal.md), so the default tables stop at 2026-H1 and a day after 30 June 2026 is an error naming the
// policy setting to fill in — never a guessed rate.
import { describe, expect, it } from "vitest";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { contractRateFloor, LEGAL_INTEREST_RATES, latePenalty, MissingReferenceRateError, REFERENCE_RATES } from "../../src/domain/latePenalties.js";

describe("the default rate tables", () => {
  it("end at the last half-year confirmed from a source: 2026-H1", () => {
    expect(Object.keys(REFERENCE_RATES).sort().at(-1)).toBe("2026-01-01");
    expect(Object.keys(LEGAL_INTEREST_RATES).sort().at(-1)).toBe("2026-01-01");
  });

  it("interest on a day of 2026-H2 is an error naming legal.referenceRates; a public body's delay that began in H1 keeps H1's rate", () => {
    expect(() => latePenalty(100_000n, d("2026-06-20"), d("2026-07-10"), REFERENCE_RATES, "commercial")).toThrow(MissingReferenceRateError);
    expect(() => latePenalty(100_000n, d("2026-07-20"), d("2026-08-10"), REFERENCE_RATES, "public-procurement")).toThrow(MissingReferenceRateError);
    // R2192-31: the rate of the half-year in which interest began to run, for the whole delay.
    expect(latePenalty(100_000n, d("2026-06-20"), d("2026-07-10"), REFERENCE_RATES, "public-procurement").periods.map((p) => p.ratePercent)).toEqual([10.15, 10.15]);
    expect(() => latePenalty(100_000n, d("2026-06-20"), d("2026-07-10"))).toThrow(
      "No ECB reference rate for the half-year starting 2026-07-01: add it to legal.referenceRates in the policy file",
    );
    // Up to 30 June 2026 the table answers: 10 days at 2.15 + 10 = 12.15 %.
    expect(latePenalty(100_000n, d("2026-06-20"), d("2026-06-30")).periods).toEqual([
      expect.objectContaining({ from: "2026-06-21", to: "2026-06-30", days: 10, ratePercent: 12.15 }),
    ]);
  });

  it("the floor of a contractual rate in 2026-H2 is an error naming legal.legalInterestRates", () => {
    expect(() => contractRateFloor(LEGAL_INTEREST_RATES, d("2026-07-01"))).toThrow(
      "No legal interest rate for the half-year starting 2026-07-01: add it to legal.legalInterestRates in the policy file",
    );
    expect(contractRateFloor(LEGAL_INTEREST_RATES, d("2026-01-01"))).toBe(7.86);
  });
});
