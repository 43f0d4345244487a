// Seed 000: "Définir un calendrier de relance adapté à sa clientèle. Choisir le mode de relance : écrit,
// téléphone, visite en clientèle." Every step of every segment's calendar is given to someone, so walking a
// calendar day by day, doing each task the day it is given, always reaches its last step and the formal notice.
import { describe, expect, it } from "vitest";
import { addDays, calendarDate as d, daysBetween, type CalendarDate } from "../../src/domain/calendarDate.js";
import { positionOf, preDueWindow, reviewAccount, type Account, type AccountInvoice } from "../../src/domain/engine.js";
import { SEGMENTS, type Segment } from "../../src/domain/parties.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { stepAssignee, type StepOwners } from "../../src/domain/taskWork.js";

const DUE = d("2026-09-01");
const marc = { id: 2, name: "Marc Petit" };
const sophie = { id: 4, name: "Sophie Leroy" };

interface Walked {
  done: Array<{ levelId: string; on: CalendarDate; to: string; note: string | null }>;
  formalNoticeOn: CalendarDate | null;
}

/** Day by day from 15 days before the due date to 120 days after, doing each task the day it is given. */
function walk(segment: Segment, owners: StepOwners): Walked {
  // 25 000.00: above the large accounts' pre-due minimum, so their pre-due call is part of the walk.
  const invoices: AccountInvoice[] = [
    { id: 1, number: "F-1", dueDate: DUE, openAmount: 2_500_000n, disputedAmount: 0n, inLitigation: false },
  ];
  const done: Walked["done"] = [];
  let formalNoticeOn: CalendarDate | null = null;
  for (let day = addDays(DUE, -15); daysBetween(DUE, day) <= 120; day = addDays(day, 1)) {
    const account: Account = {
      customerId: 1,
      name: "Boulangerie Martin",
      segment,
      creditLimit: null,
      blocked: false,
      onHold: false,
      position: positionOf(invoices, day, preDueWindow(defaultPolicy, segment)),
      credits: 0n,
      payments: [],
      promises: [],
      stepsDone: done.map((s) => ({ levelId: s.levelId, on: s.on })),
      formalNotice: null,
      pendingActionKinds: [],
      payerScore: null,
    };
    const review = reviewAccount(account, day, defaultPolicy);
    if (review.step) {
      const assignee = stepAssignee(review.step.level.by, owners);
      if (!assignee) throw new Error(`${segment}: ${review.step.level.id} on ${day} is given to nobody`);
      done.push({ levelId: review.step.level.id, on: day, to: assignee.person.name, note: assignee.note });
    }
    if (!formalNoticeOn && review.proposals.some((p) => p.kind === "FORMAL_NOTICE")) formalNoticeOn = day;
  }
  return { done, formalNoticeOn };
}

describe.each(SEGMENTS)("the %s calendar, walked day by day to its end", (segment) => {
  const levels = defaultPolicy.segments[segment].levels;

  it("every step is done on its day, by someone, and the last one leads to a formal notice", () => {
    const { done, formalNoticeOn } = walk(segment, { salesOwner: marc, collector: sophie });
    expect(done.map((s) => s.levelId)).toEqual(levels.map((l) => l.id));
    expect(done.map((s) => daysBetween(DUE, s.on))).toEqual(levels.map((l) => l.day));
    const last = done.at(-1) as Walked["done"][number];
    expect(last.levelId).toBe(levels.at(-1)?.id);
    // The formal notice is proposed once the last step is done and the debt is 45 days late.
    expect(formalNoticeOn).toBe(addDays(DUE, Math.max(levels.at(-1)?.day ?? 0, defaultPolicy.rules.formalNotice.daysLate)));
  });

  it("a visit goes to the sales owner; every other step to the collector", () => {
    const { done } = walk(segment, { salesOwner: marc, collector: sophie });
    for (const step of done) {
      const level = levels.find((l) => l.id === step.levelId);
      expect(step.to).toBe(level?.by === "SALES" ? marc.name : sophie.name);
    }
  });

  it("without a sales owner, the collector does every step, the visit included", () => {
    const { done } = walk(segment, { salesOwner: null, collector: sophie });
    expect(done.map((s) => s.levelId)).toEqual(levels.map((l) => l.id));
    expect(new Set(done.map((s) => s.to))).toEqual(new Set([sophie.name]));
  });
});

describe("very small businesses (TPE): the sales visit no longer stalls the calendar", () => {
  it("the sales owner visits on day 25 and the last reminder follows on day 30", () => {
    const { done } = walk("VERY_SMALL_BUSINESS", { salesOwner: marc, collector: sophie });
    expect(done.find((s) => s.levelId === "sales-visit")).toMatchObject({ on: addDays(DUE, 25), to: "Marc Petit", note: null });
    expect(done.find((s) => s.levelId === "last-reminder")?.on).toBe(addDays(DUE, 30));
  });

  it("with no sales owner the visit falls to the collector, and the task says why", () => {
    expect(stepAssignee("SALES", { salesOwner: null, collector: sophie })).toEqual({
      person: sophie,
      as: "collector",
      note: "the account has no sales owner: the collector does the visit",
    });
  });

  it("an account with neither a collector nor a sales owner has no one for its steps (the caller names it)", () => {
    expect(stepAssignee("COLLECTOR", { salesOwner: null, collector: null })).toBeNull();
  });
});
