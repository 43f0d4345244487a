import { describe, expect, it } from "vitest";
import { checkVoter, tallyVotes, type ActionUnderVote, type CastVote, type Voter } from "../../src/domain/approvals.js";
import { defaultPolicy, type Policy } from "../../src/domain/policy.js";
import { say } from "../../src/i18n/index.js";

/** The tally with what is still needed said in English (the rules' language in these tests). */
function tally(action: ActionUnderVote, votes: readonly CastVote[], policy: Policy, locale = "en-GB") {
  const outcome = tallyVotes(action, votes, policy);
  return { ...outcome, missing: outcome.missing.map((m) => say(locale, m)) };
}

const finance: Voter = { personId: 1, name: "Nathalie (finance)", roles: ["FINANCE"] };
const finance2: Voter = { personId: 5, name: "Paul (finance)", roles: ["FINANCE"] };
const owner: Voter = { personId: 2, name: "Claire (sales owner)", roles: ["SALES"] };
const otherSales: Voter = { personId: 3, name: "Marc (sales)", roles: ["SALES"] };
const admin: Voter = { personId: 4, name: "Alice (admin)", roles: ["ADMIN"] };

const block: ActionUnderVote = { kind: "BLOCK_DELIVERIES", proposedById: null, salesOwnerId: 2, salesOwnerName: "Claire" };

describe("approvals follow the policy", () => {
  it("a block needs finance and the account's sales owner", () => {
    expect(tally(block, [{ voter: finance, decision: "APPROVE" }], defaultPolicy)).toMatchObject({
      status: "PENDING",
      missing: ["the sales owner (Claire)"],
    });
    expect(tally(block, [{ voter: finance, decision: "APPROVE" }], defaultPolicy, "fr-FR").missing).toEqual(["le commercial du compte (Claire)"]);
    expect(
      tally(
        block,
        [
          { voter: finance, decision: "APPROVE" },
          { voter: owner, decision: "APPROVE" },
        ],
        defaultPolicy,
      ).status,
    ).toBe("APPROVED");
  });

  it("another sales rep cannot vote on an account they do not own", () => {
    const check = checkVoter(block, otherSales, defaultPolicy);
    if (check.allowed) throw new Error("Marc was allowed to vote");
    expect(say("en-GB", check.reason)).toBe("Blocking deliveries is decided by finance and the account's sales owner; Marc (sales) is not one of them.");
    expect(say("fr-FR", check.reason)).toBe("Blocage des livraisons : décision prise par la finance et le commercial du compte ; Marc (sales) n’en fait pas partie.");
  });

  it("one rejection by an eligible member rejects the action", () => {
    expect(
      tally(
        block,
        [
          { voter: finance, decision: "APPROVE" },
          { voter: owner, decision: "REJECT" },
        ],
        defaultPolicy,
      ).status,
    ).toBe("REJECTED");
  });

  it("the latest vote of a person counts, and a repeated vote does not count twice", () => {
    const outcome = tally(
      block,
      [
        { voter: finance, decision: "REJECT" },
        { voter: finance, decision: "APPROVE" },
        { voter: finance, decision: "APPROVE" },
      ],
      defaultPolicy,
    );
    expect(outcome.approvers).toHaveLength(1);
    expect(outcome.status).toBe("PENDING");
  });

  it("litigation needs finance and admin", () => {
    const litigation: ActionUnderVote = { kind: "LITIGATION", proposedById: null, salesOwnerId: 2 };
    expect(tally(litigation, [{ voter: finance, decision: "APPROVE" }], defaultPolicy).missing).toEqual(["an admin"]);
    expect(
      tally(
        litigation,
        [
          { voter: finance, decision: "APPROVE" },
          { voter: admin, decision: "APPROVE" },
        ],
        defaultPolicy,
      ).status,
    ).toBe("APPROVED");
  });

  it("segregation of duties: the person who proposed an unblock cannot approve it alone", () => {
    const unblock: ActionUnderVote = { kind: "UNBLOCK_DELIVERIES", proposedById: 1, salesOwnerId: 2 };
    const alone = tally(unblock, [{ voter: finance, decision: "APPROVE" }], defaultPolicy);
    expect(alone).toMatchObject({ status: "PENDING", missing: ["an approver who neither proposed the action nor owns the account"] });
    expect(
      tally(
        unblock,
        [
          { voter: finance, decision: "APPROVE" },
          { voter: finance2, decision: "APPROVE" },
        ],
        defaultPolicy,
      ).status,
    ).toBe("APPROVED");
  });

  it("segregation of duties: an owner who also holds the finance role cannot approve their own account's block alone", () => {
    const ownerInFinance: Voter = { personId: 2, name: "Claire", roles: ["SALES", "FINANCE"] };
    const policy = {
      ...defaultPolicy,
      approvals: { ...defaultPolicy.approvals, BLOCK_DELIVERIES: { roles: ["FINANCE" as const], salesOwner: true, minApprovers: 1 } },
    };
    expect(tally(block, [{ voter: ownerInFinance, decision: "APPROVE" }], policy)).toMatchObject({
      status: "PENDING",
      missing: ["an approver who neither proposed the action nor owns the account"],
    });
  });
});
