// The demo's committee line (src/demo.ts prints renderPreparation): what getting the committee ready did, now
// that an undecided proposal is carried over instead of expiring — carried over, below the materiality
// thresholds, held back after a rejection — from the real preparation of two weeks in a row.
import { afterAll, describe, expect, it } from "vitest";
import { renderPreparation } from "../../src/cli/render.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { prepareCommittee } from "../../src/usecases/committee.js";
import { recordVote } from "../../src/usecases/votes.js";
import { seedAgenda } from "../helpers/agendaFixtures.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";

afterAll(dropTestSchemas);

describe.each(targets)("the committee preparation line on $name", (target) => {
  it("week 1: 8 new, K9 below the SME threshold; week 2: 7 carried over, the rejected one held back, none expired", async () => {
    const db = await freshDatabase(target);
    try {
      const people = await seedAgenda(db, `prep-${target.name}`);
      const first = await prepareCommittee(db, defaultPolicy, d("2026-11-20"), new Date("2026-11-20T07:00:00Z"));
      expect(first).toMatchObject({ period: "2026-W47", proposed: 8, carriedOver: 0, superseded: 0, belowThreshold: 1, heldBack: 0 });
      expect(renderPreparation(first, "en-GB")).toBe(
        "Committee 2026-W47: 8 new proposals, 0 carried over from earlier weeks (figures refreshed), 0 withdrawn (the situation changed), " +
          "1 below the materiality thresholds (left to the collectors' calendar), 0 held back (rejected before, not worse since); promises kept 0, broken 0.",
      );
      // The committee rejects K1's block; the other seven stay undecided.
      const k1 = await db.prisma.proposedAction.findFirstOrThrow({ where: { customer: { externalId: "K1" } } });
      await recordVote(
        db,
        defaultPolicy,
        { personId: people.finance.id, origin: "CLI" },
        { actionId: k1.id, decision: "REJECT", comment: "they are paying, give them time" },
        new Date("2026-11-20T10:00:00Z"),
      );
      expect((await db.prisma.proposedAction.findUniqueOrThrow({ where: { id: k1.id } })).status).toBe("REJECTED");

      const second = await prepareCommittee(db, defaultPolicy, d("2026-11-27"), new Date("2026-11-27T07:00:00Z"));
      expect(second).toMatchObject({ period: "2026-W48", proposed: 0, carriedOver: 7, superseded: 0, belowThreshold: 1, heldBack: 1, expired: 0 });
      expect(renderPreparation(second, "en-GB")).toBe(
        "Committee 2026-W48: 0 new proposals, 7 carried over from earlier weeks (figures refreshed), 0 withdrawn (the situation changed), " +
          "1 below the materiality thresholds (left to the collectors' calendar), 1 held back (rejected before, not worse since); promises kept 0, broken 0.",
      );
      expect(renderPreparation(second, "en-GB")).not.toContain("expired");
    } finally {
      await db.close();
    }
  });
});
