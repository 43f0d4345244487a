// Going live on an old backlog (issue 12): "a debt a year late starts at the first reminder, and the demo's
// replay sent five reminders on five consecutive days, while a delivery block was proposed before any
// reminder had gone out." The catch-up rule (docs/policy.md, "Catching up"), walked day by day.
import { describe, expect, it } from "vitest";
import { addDays, calendarDate as d, type CalendarDate } from "../../src/domain/calendarDate.js";
import { positionOf, preDueWindow, reviewAccount, type Account, type AccountInvoice } from "../../src/domain/engine.js";
import type { Segment } from "../../src/domain/parties.js";
import { defaultPolicy } from "../../src/domain/policy.js";

const GO_LIVE = d("2026-11-20");

const invoice = (dueDate: string, euros: number): AccountInvoice => ({
  id: 1,
  number: "F-1",
  dueDate: d(dueDate),
  openAmount: BigInt(euros * 100),
  disputedAmount: 0n,
  inLitigation: false,
});

function account(asOf: CalendarDate, extra: Partial<Account> & { invoices: AccountInvoice[] }): Account {
  const { invoices, ...rest } = extra;
  const segment: Segment = rest.segment ?? "SME";
  return {
    customerId: 1,
    name: "Vins & Spiritueux Robin",
    segment,
    creditLimit: null,
    blocked: false,
    onHold: false,
    position: positionOf(invoices, asOf, preDueWindow(defaultPolicy, segment)),
    credits: 0n,
    payments: [],
    promises: [],
    stepsDone: [],
    formalNotice: null,
    pendingActionKinds: [],
    payerScore: null,
    ...rest,
  };
}

interface Replayed {
  steps: Array<{ levelId: string; on: CalendarDate }>;
  proposals: Array<{ kind: string; on: CalendarDate; reason: string }>;
}

/**
 * Replays `days` days from the go-live date: each step is done the day it is given, each proposal stays
 * awaiting the committee's decision (as it would until the next committee).
 */
function replay(days: number, invoices: AccountInvoice[], extra: Partial<Account> = {}): Replayed {
  const steps = [...(extra.stepsDone ?? [])];
  const proposals: Replayed["proposals"] = [];
  for (let i = 0; i < days; i++) {
    const day = addDays(GO_LIVE, i);
    const review = reviewAccount(
      account(day, {
        ...extra,
        invoices,
        stepsDone: [...steps],
        pendingActionKinds: proposals.map((p) => p.kind) as Account["pendingActionKinds"],
      }),
      day,
      defaultPolicy,
    );
    if (review.step) steps.push({ levelId: review.step.level.id, on: day });
    for (const p of review.proposals) proposals.push({ kind: p.kind, on: day, reason: p.reason });
  }
  return { steps: steps.filter((s) => s.on >= GO_LIVE), proposals };
}

describe("catching up: an account with no reminder yet", () => {
  it("a debt a year late with no history starts at the level its age warrants, not at the first reminder", () => {
    const review = reviewAccount(account(GO_LIVE, { invoices: [invoice("2025-11-20", 3000)] }), GO_LIVE, defaultPolicy);
    expect(review.step).toMatchObject({ level: { id: "last-reminder" }, channel: "LETTER", scope: "overdue" });
    expect(review.step?.reason).toBe("3000.00 overdue, oldest 365 days, no reminder yet: catching up, starts at Last reminder (day 40)");
  });

  it("a debt 25 days late with no history starts at the second reminder, then the calendar goes on as usual", () => {
    const { steps } = replay(10, [invoice("2026-10-26", 3000)]);
    // Day 25: second reminder (day 20); day 30: second call; day 34 (10 days later, not yet day 40): nothing more.
    expect(steps).toEqual([
      { levelId: "second-reminder", on: d("2026-11-20") },
      { levelId: "second-call", on: d("2026-11-25") },
    ]);
  });

  it("a debt 2 days late is not caught up: its first reminder comes on day 3 as usual", () => {
    const { steps } = replay(3, [invoice("2026-11-18", 3000)]);
    expect(steps).toEqual([{ levelId: "first-reminder", on: d("2026-11-21") }]);
  });

  it("a five-day replay of a debt a year late gives one step, not five", () => {
    const { steps } = replay(5, [invoice("2025-11-20", 3000)]);
    expect(steps).toEqual([{ levelId: "last-reminder", on: GO_LIVE }]);
  });

  it("each segment's year-old debt starts at its last reminder, a written one", () => {
    for (const segment of ["LARGE_ACCOUNT", "SME", "VERY_SMALL_BUSINESS", "PUBLIC_SECTOR"] as const) {
      const review = reviewAccount(account(GO_LIVE, { segment, invoices: [invoice("2025-11-20", 3000)] }), GO_LIVE, defaultPolicy);
      const last = defaultPolicy.segments[segment].levels.at(-1);
      expect([segment, review.step?.level.id, review.step?.channel]).toEqual([segment, last?.id, "LETTER"]);
    }
  });
});

describe("catching up: a written reminder before any block or formal notice", () => {
  it("no delivery block before a written reminder, however late and however far over the limit", () => {
    const review = reviewAccount(
      account(GO_LIVE, { creditLimit: 100_000n, invoices: [invoice("2025-11-20", 3000)] }),
      GO_LIVE,
      defaultPolicy,
    );
    expect(review.figures).toMatchObject({ maxDaysLate: 365, overLimit: 200_000n });
    expect(review.proposals.map((p) => p.kind)).toEqual([]);
    // The same account once its last reminder (a letter) has gone out, a week later: the committee is asked.
    const later = addDays(GO_LIVE, 7);
    const after = reviewAccount(
      account(later, {
        creditLimit: 100_000n,
        invoices: [invoice("2025-11-20", 3000)],
        stepsDone: [{ levelId: "last-reminder", on: GO_LIVE }],
      }),
      later,
      defaultPolicy,
    );
    expect(after.proposals.map((p) => p.kind)).toEqual(["FORMAL_NOTICE"]);
  });

  it("a call is not a written reminder: after a call alone, still no block", () => {
    // A very small business 5 days late on a big overdue, over its limit: only the first call (day 2) is done.
    const review = reviewAccount(
      account(GO_LIVE, {
        segment: "VERY_SMALL_BUSINESS",
        creditLimit: 10_000n,
        invoices: [invoice("2026-11-01", 3000)],
        stepsDone: [{ levelId: "first-call", on: d("2026-11-03") }],
      }),
      GO_LIVE,
      defaultPolicy,
    );
    expect(review.figures.overLimit).toBe(290_000n);
    expect(review.proposals.map((p) => p.kind)).not.toContain("BLOCK_DELIVERIES");
    expect(review.step?.level.id).toBe("first-reminder");
  });

  it("one backlog proposal per account: the formal notice first, the block only once it is decided", () => {
    const { proposals } = replay(14, [invoice("2025-11-20", 3000)], { creditLimit: 100_000n });
    // Go-live day: the last reminder goes out, nothing is proposed; the next day the formal notice alone,
    // its reason saying the block waits; nothing more while it awaits the committee's decision.
    expect(proposals.map((p) => [p.kind, p.on])).toEqual([["FORMAL_NOTICE", d("2026-11-21")]]);
    expect(proposals[0]?.reason).toBe(
      "the calendar's last step (Last reminder) done and 3000.00 still overdue, oldest 366 days; catching up on a backlog: one proposal at a time (delivery block later if still due)",
    );
  });
});

describe("catching up: imported steps are honoured", () => {
  it("the next step follows the imported ones, one a week while behind", () => {
    // Imported: a first reminder and a first call, months ago; the debt is a year late.
    const imported = [
      { levelId: "first-reminder", on: d("2026-01-05") },
      { levelId: "first-call", on: d("2026-01-12") },
    ];
    const { steps } = replay(22, [invoice("2025-11-20", 3000)], { stepsDone: imported });
    expect(steps).toEqual([
      { levelId: "second-reminder", on: d("2026-11-20") },
      { levelId: "second-call", on: d("2026-11-27") },
      { levelId: "last-reminder", on: d("2026-12-04") },
    ]);
  });

  it("a step imported three days ago counts toward the week: the next waits until seven days have passed", () => {
    const imported = [{ levelId: "first-reminder", on: d("2026-11-17") }];
    const { steps } = replay(6, [invoice("2025-11-20", 3000)], { stepsDone: imported });
    expect(steps).toEqual([{ levelId: "first-call", on: d("2026-11-24") }]);
  });

  it("an imported last reminder is honoured: no step goes back, the formal notice is proposed", () => {
    const review = reviewAccount(
      account(GO_LIVE, { invoices: [invoice("2025-11-20", 3000)], stepsDone: [{ levelId: "last-reminder", on: d("2026-10-01") }] }),
      GO_LIVE,
      defaultPolicy,
    );
    expect(review.step).toBeNull();
    expect(review.proposals.map((p) => p.kind)).toEqual(["FORMAL_NOTICE"]);
  });

  it("a broken promise still brings the next step forward at once, even within the catch-up week", () => {
    const imported = [{ levelId: "first-reminder", on: d("2026-11-17") }];
    const promise = { id: 9, promisedDate: d("2026-11-15"), amount: 300_000n, status: "PENDING" as const, recordedOn: d("2026-11-10") };
    const review = reviewAccount(
      account(GO_LIVE, { invoices: [invoice("2025-11-20", 3000)], stepsDone: imported, promises: [promise] }),
      GO_LIVE,
      defaultPolicy,
    );
    expect(review.step).toMatchObject({ level: { id: "first-call" }, escalated: true });
  });
});
