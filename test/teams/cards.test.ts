// Every kind of card the Teams adapter produces, checked by the official Adaptive Cards parser: version 1.5,
// no error or warning, under the 40 KB budget, even at sizes a real company reaches.
import { describe, expect, it } from "vitest";
import {
  CARD_BUDGET_BYTES,
  actionsCard,
  cardBytes,
  customerFileCard,
  digestSummaryCard,
  disputeFormCard,
  errorCard,
  infoCard,
  moreCard,
  type AdaptiveCard,
} from "../../src/bot/teams/cards.js";
import { splitTeamsActions, taskListCards, taskListCardWith } from "../../src/bot/teams/publisher.js";
import { CALL_CHECKLIST, type CustomerFile, type Digest, type PendingAction, type TaskList } from "../../src/domain/digest.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { adaptiveCardProblems } from "../helpers/adaptiveCards.js";

function expectValid(card: AdaptiveCard) {
  expect(adaptiveCardProblems(card)).toEqual({ problems: [], version: "1.5" });
  expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
}

const file: CustomerFile = {
  customerId: 1,
  name: "Café du Port",
  segment: "SME",
  blocked: true,
  blockedReason: "committee decision of 2026-11-16",
  contacts: [{ name: "Mme Colin", jobTitle: "comptable", email: "colin@cafe.example", phone: "+33 1 23 45 67 89" }],
  overdueInvoices: [{ number: "F-1", dueDate: d("2026-10-05"), openAmount: 80000n, daysLate: 46, disputed: true }],
  commitments: [{ amount: 40000n, promisedDate: d("2026-11-27"), status: "PENDING" }],
  lastHistory: Array.from({ length: 12 }, (_, i) => ({
    on: "2026-11-1" + (i % 10),
    kind: "reminder.step",
    text: "x".repeat(400),
    by: "Sophie",
  })),
  payer: { grade: "C", score: 55, averageDaysLate: 21 } as CustomerFile["payer"],
};

const action = (i: number): PendingAction => ({
  actionId: i,
  customerId: i,
  customerName: `Customer ${i} — ${"n".repeat(80)}`,
  kind: "FORMAL_NOTICE",
  status: "PROPOSED",
  reason: "r".repeat(1000),
  proposedOn: d("2026-11-16"),
  approvedBy: ["Nathalie Roche"],
  missing: ["the sales owner (Claire Dumont)"],
  invoiceNumbers: [],
});

describe("Adaptive Cards for Teams", () => {
  it("300 long actions split into valid cards under budget, with a full refresh list", () => {
    const chunks = splitTeamsActions(Array.from({ length: 300 }, (_, i) => action(i + 1)));
    expect(chunks.flat()).toHaveLength(300);
    const users = Array.from({ length: 80 }, (_, i) => `29:user-${i}`);
    for (const [i, chunk] of chunks.entries()) {
      const card = actionsCard(chunk, i + 1, chunks.length, users).card;
      expectValid(card);
      expect(card.refresh?.userIds).toHaveLength(60);
    }
    // decided actions lose their buttons
    const decided = actionsCard([{ ...action(1), finalStatus: "APPLIED", appliedText: "formal notice sent" }], 1, 1).card;
    expectValid(decided);
    expect(JSON.stringify(decided)).not.toContain("Action.Execute");
  });

  it("a collector's day of 120 tasks is split into cards under budget, every task once, the refreshed card too", () => {
    const list: TaskList = {
      collectorName: "Sophie",
      asOf: d("2026-11-20"),
      checklist: CALL_CHECKLIST,
      tasks: Array.from({ length: 120 }, (_, i) => ({
        customerId: i + 1,
        externalId: `K${i + 1}`,
        customerName: `Customer ${i + 1}`,
        kind: "step" as const,
        levelId: "second",
        channel: "PHONE" as const,
        title: "Second reminder: call",
        reason: "x".repeat(300),
        overdue: 123456n,
        maxDaysLate: 40,
        file,
      })),
    };
    const cards = taskListCards(list, "EUR", "en-GB");
    expect(cards.length).toBeGreaterThan(1);
    for (const message of cards) expectValid(message.card);
    const names = cards.flatMap((m) => [...JSON.stringify(m.card).matchAll(/Customer \d+/g)].map((x) => x[0]));
    expect(names.sort()).toEqual(list.tasks.map((t) => t.customerName).sort());
    // the card refreshed after an outcome on the last task is the last part, with the notice, still under budget
    const refreshed = taskListCardWith(list, "EUR", "en-GB", "120:second", "Customer 120: No answer — recorded.");
    expectValid(refreshed.card);
    expect(refreshed.text).toContain(`(${cards.length}/${cards.length})`);
    expect(JSON.stringify(refreshed.card)).toContain("✅ done");
    const empty = taskListCards({ ...list, tasks: [] }, "EUR", "en-GB");
    expect(empty).toHaveLength(1);
    expectValid(empty[0]!.card);
    expect(JSON.stringify(empty[0]!.card)).toContain("Nothing due today.");
  });

  it("the customer file, the dispute forms, the digest summary and plain notices are valid", () => {
    expectValid(
      customerFileCard({
        account: {
          customerId: 1,
          externalId: "K1",
          name: "Café du Port",
          segment: "SME",
          blocked: true,
          aging: { buckets: [1n, 2n, 3n, 4n, 5n], disputed: 6n, credits: 7n, balance: 8n },
          payer: file.payer,
          creditLimit: 100000n,
          review: { figures: { exposure: 150000n, overLimit: 50000n } },
          salesOwnerName: null,
          collectorName: null,
          brokenPromises: 0,
          formalNotice: null,
        } as never,
        file,
        bucketLabels: ["not due", "1-30", "31-60", "61-90", "90+"],
        currency: "EUR",
        locale: "fr-FR",
      }).card,
    );
    expectValid(disputeFormCard({ invoiceNumber: "F-1" }, "dialog", "en-GB"));
    expectValid(disputeFormCard({ invoice: "F-1", category: "PRICE", error: "Say what the customer disputes." }, "message", "en-GB"));
    expectValid(errorCard("Invoice F9 is unknown.").card);
    expectValid(infoCard("Dispute recorded.").card);
    const digest = {
      period: "2026-W47",
      asOf: d("2026-11-20"),
      companyName: "Acme",
      currency: "EUR",
      locale: "fr-FR",
      bucketLabels: ["not due", "1-30"],
      totals: { buckets: [100n, 200n], disputed: 0n, credits: 0n, balance: 300n },
      change: [10n, -20n],
      kpis: { dsoCountback: 52.3, overdueRate: 0.4, previousOverdueRate: 0.38, recovery1Month: null, recovery3Months: null },
      priorities: [{ rank: 1, account: { name: "Café du Port", blocked: true }, reasons: ["a", "b"] }],
      actions: [{ ...action(1), amountAtRisk: 900_000n, stakes: 135_000n, pendingSince: "2026-W45", currency: "EUR", locale: "fr-FR" }],
      moreActions: [{ ...action(2), amountAtRisk: 20_590n, stakes: 400n }],
      disputes: [],
      promises: [],
      followUp: [
        {
          actionId: 9,
          customerName: "Garage Martin",
          externalId: "K9",
          kind: "BLOCK_DELIVERIES",
          decision: "APPLIED",
          decidedOn: d("2026-11-13"),
          since: ["block in force", "nothing paid since"],
          paidSince: 0n,
        },
      ],
      cashCollected: 123_456n,
      paymentPlans: [],
    } as never as Digest;
    const summary = digestSummaryCard(digest).card;
    expectValid(summary);
    const shown = JSON.stringify(summary).replace(/\s/g, " ");
    // the date in the header, credits shown (never "-0,00 €"), the agenda's stakes and first week, last week's decisions
    // (a French company: the digest's words in French, the follow-up's as the domain wrote them without facts)
    expect(shown).toContain("Comité de crédit 2026-W47 (vendredi 20 novembre 2026) — Acme");
    expect(shown).toContain('"title":"avoirs","value":"0,00 €"');
    expect(shown).toContain("9 000,00 € à risque · enjeu 1 350,00 € · en attente depuis 2026-W45");
    expect(shown).toContain("block in force; nothing paid since");
    expect(shown).toContain("Encaissé cette semaine : 1 234,56 €");
    const more = moreCard(digest).card;
    expectValid(more);
    expect(JSON.stringify(more).replace(/\s/g, " ")).toContain("1 de plus, plus petite : afficher");
    // a reply of several proposals of one kind offers to approve them together
    const batch = actionsCard([action(1), action(2), action(3)], 1, 1, [], "en-GB").card;
    expectValid(batch);
    expect(JSON.stringify(batch.actions)).toContain("Approve the 3 formal notices above");
    expect(JSON.stringify(actionsCard([action(1), action(2), action(3)], 1, 1, [], "fr-FR").card.actions)).toContain(
      "Approuver les 3 mises en demeure ci-dessus",
    );
  });
});
