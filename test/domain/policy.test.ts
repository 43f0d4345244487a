import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/config/policyFile.js";
import { DEFAULT_POLICY, defaultPolicy, parsePolicy } from "../../src/domain/policy.js";
import { writeTemp } from "../helpers/files.js";

describe("the dunning policy file", () => {
  it("the documented example is the default policy", () => {
    const example = JSON.parse(readFileSync("config/policy.example.json", "utf8")) as unknown;
    expect(example).toEqual(DEFAULT_POLICY);
    expect(parsePolicy(example)).toEqual(defaultPolicy);
  });

  it("a policy file with mistakes is refused with every problem named", () => {
    const broken = structuredClone(DEFAULT_POLICY) as Record<string, unknown>;
    broken.agingBuckets = [60, 30];
    (broken.approvals as Record<string, unknown>).LITIGATION = { roles: ["LAWYER"], minApprovers: 2 };
    const file = writeTemp("policy-broken.json", JSON.stringify(broken));
    expect(() => loadPolicy(file)).toThrow(
      /policy-broken\.json is not a valid dunning policy:\n {2}agingBuckets: bucket edges must increase\n {2}approvals\.LITIGATION\.roles\.0: /,
    );
  });

  it("reminder levels must be in day order", () => {
    const shuffled = structuredClone(DEFAULT_POLICY);
    shuffled.segments.SME.levels.reverse();
    expect(() => parsePolicy(shuffled, "policy.json")).toThrow("policy.json: segments.SME.levels must be in increasing day order");
  });
});
