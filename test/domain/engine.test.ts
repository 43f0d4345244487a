import { describe, expect, it } from "vitest";
import { calendarDate as d, type CalendarDate } from "../../src/domain/calendarDate.js";
import { positionOf, preDueWindow, reviewAccount, type Account, type AccountInvoice } from "../../src/domain/engine.js";
import { defaultPolicy } from "../../src/domain/policy.js";

const ASOF = d("2026-11-20");

/** An open invoice; `disputed: true` disputes all of it, `disputedAmount` part of it. */
function invoice(id: number, dueDate: string, euros: number, extra: Partial<AccountInvoice> & { disputed?: boolean } = {}): AccountInvoice {
  const { disputed = false, ...rest } = extra;
  const openAmount = BigInt(euros * 100);
  return {
    id,
    number: `F-${id}`,
    dueDate: d(dueDate),
    openAmount,
    disputedAmount: disputed ? openAmount : 0n,
    inLitigation: false,
    ...rest,
  };
}

/** An account from its open invoices, positioned as of ASOF (tests that change the date pass `asOf`). */
function account(extra: Partial<Account> & { invoices?: AccountInvoice[]; asOf?: CalendarDate }): Account {
  const { invoices = [], asOf = ASOF, ...rest } = extra;
  const segment = rest.segment ?? "SME";
  return {
    customerId: 1,
    name: "Café du Port",
    segment: "SME",
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

const allSmeSteps = (on: string) => defaultPolicy.segments.SME.levels.map((l) => ({ levelId: l.id, on: d(on) as CalendarDate }));

describe("the dunning calendar", () => {
  it("an SME invoice 3 days late gets its first reminder by e-mail", () => {
    const review = reviewAccount(account({ invoices: [invoice(1, "2026-11-17", 1200)] }), ASOF, defaultPolicy);
    expect(review.step).toMatchObject({ level: { id: "first-reminder" }, channel: "EMAIL", scope: "overdue" });
  });

  it("an invoice 2 days late is not reminded yet", () => {
    expect(reviewAccount(account({ invoices: [invoice(1, "2026-11-18", 1200)] }), ASOF, defaultPolicy).step).toBeNull();
  });

  it("a step already done is not repeated; the next one comes on its day", () => {
    const review = reviewAccount(
      account({ invoices: [invoice(1, "2026-11-08", 1200)], stepsDone: [{ levelId: "first-reminder", on: d("2026-11-11") }] }),
      ASOF,
      defaultPolicy,
    );
    expect(review.step?.level.id).toBe("first-call");
  });

  it("a large account's big invoice gets a pre-due call 10 days before its due date", () => {
    const review = reviewAccount(account({ segment: "LARGE_ACCOUNT", invoices: [invoice(1, "2026-11-28", 25000)] }), ASOF, defaultPolicy);
    expect(review.step).toMatchObject({ level: { id: "pre-due-call" }, channel: "PHONE" });
  });

  it("a small invoice of a large account gets no pre-due call", () => {
    expect(
      reviewAccount(account({ segment: "LARGE_ACCOUNT", invoices: [invoice(1, "2026-11-28", 900)] }), ASOF, defaultPolicy).step,
    ).toBeNull();
  });
});

describe("disputes", () => {
  it("a disputed invoice is never dunned", () => {
    const review = reviewAccount(account({ invoices: [invoice(1, "2026-08-01", 50000, { disputed: true })] }), ASOF, defaultPolicy);
    expect(review.step).toBeNull();
  });

  it("a disputed invoice never triggers a block, a formal notice or litigation", () => {
    const review = reviewAccount(
      account({
        creditLimit: 100n,
        invoices: [invoice(1, "2026-05-01", 50000, { disputed: true })],
        stepsDone: allSmeSteps("2026-07-01"),
        formalNotice: { sentOn: d("2026-08-01"), deadline: d("2026-08-09") },
      }),
      ASOF,
      defaultPolicy,
    );
    expect(review.proposals.map((p) => p.kind)).toEqual(["HOLD"]);
    expect(review.figures).toMatchObject({ overdue: 0n, disputed: 5_000_000n });
  });

  it("an open dispute on one invoice rules out litigation on the others", () => {
    const review = reviewAccount(
      account({
        invoices: [invoice(1, "2026-06-01", 5000), invoice(2, "2026-10-01", 100, { disputed: true })],
        stepsDone: allSmeSteps("2026-08-01"),
        formalNotice: { sentOn: d("2026-09-01"), deadline: d("2026-09-09") },
      }),
      ASOF,
      defaultPolicy,
    );
    expect(review.proposals.map((p) => p.kind)).not.toContain("LITIGATION");
  });
});

describe("partial disputes: only the amount disputed is paused", () => {
  // An invoice of 1 200.00, 45 days late; the customer disputes 300.00 of it (two damaged pallets).
  const partly = () => invoice(1, "2026-10-06", 1200, { disputedAmount: 30_000n });

  it("the undisputed 900.00 follows the calendar: reminded, counted overdue, its age kept", () => {
    const review = reviewAccount(account({ invoices: [partly()], stepsDone: allSmeSteps("2026-11-15").slice(0, 4) }), ASOF, defaultPolicy);
    expect(review.figures).toMatchObject({ overdue: 90_000n, disputed: 30_000n, maxDaysLate: 45 });
    expect(review.step).toMatchObject({ level: { id: "last-reminder" }, scope: "overdue", reason: "900.00 overdue, oldest 45 days" });
  });

  it("the undisputed rest counts toward a block and a formal notice; the disputed part does not", () => {
    const late = invoice(1, "2026-09-01", 1200, { disputedAmount: 60_000n }); // 80 days late, 600.00 disputed
    const review = reviewAccount(account({ invoices: [late], stepsDone: allSmeSteps("2026-10-20") }), ASOF, defaultPolicy);
    expect(review.proposals.find((p) => p.kind === "BLOCK_DELIVERIES")?.reason).toBe("600.00 overdue, oldest 80 days late (threshold 60)");
    expect(review.proposals.map((p) => p.kind)).toContain("FORMAL_NOTICE");
    // Half of what is late is contested: the committee is also asked whether to hold.
    expect(review.proposals.map((p) => p.kind)).toContain("HOLD");
  });

  it("a small disputed part does not ask for a hold", () => {
    const review = reviewAccount(account({ invoices: [partly()] }), ASOF, defaultPolicy);
    expect(review.proposals.map((p) => p.kind)).not.toContain("HOLD");
  });

  it("a dispute of the whole open amount still pauses the whole invoice", () => {
    const review = reviewAccount(
      account({ invoices: [invoice(1, "2026-10-06", 1200, { disputedAmount: 120_000n })] }),
      ASOF,
      defaultPolicy,
    );
    expect(review.figures).toMatchObject({ overdue: 0n, disputed: 120_000n });
    expect(review.step).toBeNull();
  });
});

describe("promises to pay", () => {
  const promise = { id: 7, promisedDate: d("2026-11-25"), amount: 120000n, status: "PENDING" as const, recordedOn: d("2026-11-15") };

  it("a pending promise suspends dunning until its date plus tolerance", () => {
    const review = reviewAccount(account({ invoices: [invoice(1, "2026-10-01", 1200)], promises: [promise] }), ASOF, defaultPolicy);
    expect(review.step).toBeNull();
    expect(review.suspended).toContain("dunning paused until 28/11/2026");
    const french = reviewAccount(account({ invoices: [invoice(1, "2026-10-01", 1200)], promises: [promise] }), ASOF, defaultPolicy, undefined, "fr-FR");
    expect(french.suspended).toBe("promesse de paiement de 1200.00 pour le 25/11/2026 : relances suspendues jusqu’au 28/11/2026");
  });

  it("a promise is kept when the money arrives by its date plus tolerance", () => {
    const review = reviewAccount(
      account({ promises: [promise], payments: [{ on: d("2026-11-27"), amount: 120000n }], asOf: d("2026-11-30") }),
      d("2026-11-30"),
      defaultPolicy,
    );
    expect(review.promiseUpdates).toEqual([
      { promiseId: 7, status: "KEPT", reason: "1200.00 received by 28/11/2026 for a promise of 1200.00" },
    ]);
  });

  it("a broken promise escalates: the next step is due at once", () => {
    const review = reviewAccount(
      account({
        invoices: [invoice(1, "2026-11-25", 1200)],
        promises: [promise],
        stepsDone: [{ levelId: "first-reminder", on: d("2026-11-28") }],
        asOf: d("2026-11-29"),
      }),
      d("2026-11-29"),
      defaultPolicy,
    );
    expect(review.promiseUpdates).toMatchObject([{ promiseId: 7, status: "BROKEN" }]);
    // 4 days late: first-call is normally due at 10 days; the broken promise brings it forward.
    expect(review.step).toMatchObject({ level: { id: "first-call" }, escalated: true });
  });

  it("a broken promise after the last reminder proposes a formal notice", () => {
    const review = reviewAccount(
      account({
        invoices: [invoice(1, "2026-10-25", 1200)],
        promises: [promise],
        stepsDone: allSmeSteps("2026-11-10"),
        asOf: d("2026-11-29"),
      }),
      d("2026-11-29"),
      defaultPolicy,
    );
    expect(review.proposals.find((p) => p.kind === "FORMAL_NOTICE")?.reason).toBe(
      "promise broken after the last reminder: 1200.00 overdue",
    );
  });
});

describe("committee actions", () => {
  it("over the limit and 15 days late: block deliveries, with the reason", () => {
    // The first reminder (e-mail) on day 3, the first call on day 10: the customer has been told in writing.
    const stepsDone = [
      { levelId: "first-reminder", on: d("2026-11-08") },
      { levelId: "first-call", on: d("2026-11-15") },
    ];
    const review = reviewAccount(
      account({ creditLimit: 100000n, invoices: [invoice(1, "2026-11-05", 1500)], stepsDone }),
      ASOF,
      defaultPolicy,
    );
    expect(review.proposals).toEqual([
      {
        kind: "BLOCK_DELIVERIES",
        // the overdue is the whole exposure: said once, not as a second "1500.00"
        reason: "exposure 1500.00 is 500.00 over the credit limit of 1000.00 and all of it is up to 15 days late",
        scope: "overdue",
        params: {},
      },
    ]);
  });

  it("no block is proposed for less than the policy's minimum overdue (500.00 by default)", () => {
    const stepsDone = allSmeSteps("2026-09-15");
    const small = reviewAccount(account({ invoices: [invoice(1, "2026-08-01", 499)], stepsDone }), ASOF, defaultPolicy);
    expect(small.proposals.map((p) => p.kind)).not.toContain("BLOCK_DELIVERIES");
    const large = reviewAccount(account({ invoices: [invoice(1, "2026-08-01", 500)], stepsDone }), ASOF, defaultPolicy);
    expect(large.proposals.map((p) => p.kind)).toContain("BLOCK_DELIVERIES");
  });

  it("an action already awaiting a decision is not proposed again", () => {
    const review = reviewAccount(
      account({ creditLimit: 100000n, invoices: [invoice(1, "2026-11-05", 1500)], pendingActionKinds: ["BLOCK_DELIVERIES"] }),
      ASOF,
      defaultPolicy,
    );
    expect(review.proposals).toEqual([]);
  });

  it("formal notice once the last reminder is done and 45 days late", () => {
    const review = reviewAccount(
      account({ invoices: [invoice(1, "2026-10-01", 800)], stepsDone: allSmeSteps("2026-11-10") }),
      ASOF,
      defaultPolicy,
    );
    expect(review.proposals.map((p) => p.kind)).toContain("FORMAL_NOTICE");
  });

  it("litigation only after the formal notice's deadline has passed", () => {
    const base = { invoices: [invoice(1, "2026-07-01", 5000)], stepsDone: allSmeSteps("2026-08-15") };
    const running = reviewAccount(
      account({ ...base, formalNotice: { sentOn: d("2026-11-15"), deadline: d("2026-11-23") } }),
      ASOF,
      defaultPolicy,
    );
    expect(running.proposals.map((p) => p.kind)).not.toContain("LITIGATION");
    const expired = reviewAccount(
      account({ ...base, formalNotice: { sentOn: d("2026-10-01"), deadline: d("2026-10-09") } }),
      ASOF,
      defaultPolicy,
    );
    expect(expired.proposals.find((p) => p.kind === "LITIGATION")?.reason).toBe(
      "5000.00 overdue, oldest 142 days, formal notice expired on 09/10/2026, no open dispute",
    );
  });

  it("a poor payer's limit is lowered to its exposure; a good payer near its limit gets more", () => {
    const poor = reviewAccount(
      account({ creditLimit: 500000n, payerScore: 30, invoices: [invoice(1, "2026-11-30", 1000)] }),
      ASOF,
      defaultPolicy,
    );
    expect(poor.proposals).toMatchObject([
      { kind: "CREDIT_LIMIT_CHANGE", params: { newCreditLimit: "100000", previousCreditLimit: "500000" } },
    ]);
    const good = reviewAccount(
      account({ creditLimit: 100000n, payerScore: 95, invoices: [invoice(1, "2026-11-30", 950)] }),
      ASOF,
      defaultPolicy,
    );
    expect(good.proposals).toMatchObject([{ kind: "CREDIT_LIMIT_CHANGE", params: { newCreditLimit: "120000" } }]);
  });

  it("a blocked account that caught up is proposed for unblocking", () => {
    const review = reviewAccount(
      account({ blocked: true, creditLimit: 100000n, invoices: [invoice(1, "2026-11-30", 500)] }),
      ASOF,
      defaultPolicy,
    );
    expect(review.proposals.map((p) => p.kind)).toEqual(["UNBLOCK_DELIVERIES"]);
  });
});
