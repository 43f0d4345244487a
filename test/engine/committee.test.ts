import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { loadPortfolio } from "../../src/db/portfolioQueries.js";
import { bucketOf } from "../../src/domain/aging.js";
import { calendarDate as d, calendarDateFromDb } from "../../src/domain/calendarDate.js";
import { positionOf, preDueWindow, reviewAccount } from "../../src/domain/engine.js";
import { DEFAULT_POLICY, parsePolicy } from "../../src/domain/policy.js";
import { SEGMENTS } from "../../src/domain/parties.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { buildDigest, collectorTasks } from "../../src/services/committeeViews.js";
import { prepareCommittee } from "../../src/usecases/committee.js";
import { recordPromise } from "../../src/usecases/contacts.js";
import { flagDispute, resolveDispute } from "../../src/usecases/disputes.js";
import { recordVote } from "../../src/usecases/votes.js";
import { AppError } from "../../src/errors.js";
import { say } from "../../src/i18n/index.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";

afterAll(dropTestSchemas);

const ASOF = d("2026-11-20");
// These tests are about the engine's rules on small amounts: no materiality threshold (test/engine/agenda.test.ts has those).
const policy = parsePolicy({
  ...DEFAULT_POLICY,
  committee: {
    ...DEFAULT_POLICY.committee,
    materiality: Object.fromEntries(SEGMENTS.map((s) => [s, { minimumAtRisk: 0, minimumDaysLate: 0 }])),
  },
});

async function setUp(db: Database) {
  const person = (name: string, email: string, roles: Array<"SALES" | "FINANCE" | "COLLECTOR" | "ADMIN" | "BACK_OFFICE">) =>
    db.prisma.person.create({ data: { name, email, roles } });
  const people = {
    finance: await person("Nathalie Roche", "nathalie@acme.example", ["FINANCE"]),
    claire: await person("Claire Dumont", "claire@acme.example", ["SALES"]),
    marc: await person("Marc Petit", "marc@acme.example", ["SALES"]),
    sophie: await person("Sophie Leroy", "sophie@acme.example", ["COLLECTOR"]),
  };
  await runImport(
    db,
    IMPORTERS.customers,
    writeTemp(
      "committee-customers.csv",
      csv(
        "external_id;name;segment;credit_limit;sales_owner;collector",
        "K1;Transports Lefebvre;sme;1000;claire@acme.example;sophie@acme.example",
        "K2;Café du Port;sme;;marc@acme.example;sophie@acme.example",
        "K3;Hôpital Nord;public_sector;;;sophie@acme.example",
      ),
    ),
  );
  await runImport(
    db,
    IMPORTERS.invoices,
    writeTemp(
      "committee-invoices.csv",
      csv(
        "customer_id;number;issue_date;due_date;amount",
        // K1: over its 1 000 limit and 20+ days late
        "K1;A-1;2026-09-01;2026-10-01;900,00",
        "K1;A-2;2026-10-01;2026-10-31;600,00",
        // K2: due today (day 0), 30 days and 31 days late
        "K2;B-1;2026-10-01;2026-11-20;100,00",
        "K2;B-2;2026-09-01;2026-10-21;200,00",
        "K2;B-3;2026-09-01;2026-10-20;300,00",
        // K3: not due yet
        "K3;C-1;2026-11-01;2026-12-01;5000,00",
      ),
    ),
  );
  // K1 had its first reminder by e-mail before the bot went live: a block may be proposed (never before a
  // written reminder). K2 has no past step.
  await runImport(
    db,
    IMPORTERS.steps,
    writeTemp("committee-steps.csv", csv("customer_id;level;channel;date;who", "K1;first-reminder;email;2026-10-04;sophie@acme.example")),
  );
  return people;
}

describe.each(targets)("the credit engine on $name", (target) => {
  let db: Database;
  let people: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    db = await freshDatabase(target);
    people = await setUp(db);
  });
  afterAll(async () => db?.close());

  it("the portfolio SQL agrees with the engine's own arithmetic, bucket edges included", async () => {
    const portfolio = await db.withConnection((sql) => loadPortfolio(sql, ASOF, policy, "Europe/Paris"));
    const invoices = await db.prisma.invoice.findMany({ include: { disputes: { where: { status: "OPEN" } } } });
    for (const p of portfolio) {
      const mine = invoices
        .filter((i) => i.customerId === p.account.customerId)
        .map((i) => ({
          id: i.id,
          number: i.number,
          dueDate: calendarDateFromDb(i.dueDate),
          openAmount: i.openAmount,
          disputedAmount: i.disputes.reduce((sum, x) => sum + (x.amountDisputed ?? i.openAmount), 0n),
          inLitigation: i.status === "LITIGATION",
        }));
      expect(p.account.position).toEqual(positionOf(mine, ASOF, preDueWindow(policy, p.account.segment)));
    }
    const cafe = portfolio.find((p) => p.externalId === "K2");
    // day 0 -> not due; 30 days -> 1-30; 31 days -> 31-60
    expect(cafe?.aging.buckets).toEqual([10000n, 20000n, 30000n, 0n, 0n]);
    expect([bucketOf(0, [30, 60, 90]), bucketOf(30, [30, 60, 90]), bucketOf(31, [30, 60, 90])]).toEqual([0, 1, 2]);
  });

  it("a dispute flagged by sales pauses dunning on that invoice and is written to the history", async () => {
    await expect(
      flagDispute(db, { personId: people.marc.id, origin: "SLACK" }, { invoiceNumber: "NOPE-1", category: "PRICE", reason: "wrong price" }),
    ).rejects.toThrow("Invoice NOPE-1 is unknown.");
    // Figures are as of a date: the dispute is flagged the day before ASOF, so ASOF's figures know it.
    const flagged = await flagDispute(
      db,
      { personId: people.marc.id, origin: "SLACK" },
      { invoiceNumber: "B-3", category: "QUALITY", reason: "damaged goods" },
      new Date("2026-11-19T10:00:00Z"),
    );
    expect(flagged).toMatchObject({
      invoiceNumber: "B-3",
      customerName: "Café du Port",
      collectorId: people.sophie.id,
      amountDisputed: 30000n,
    });
    const again = await flagDispute(
      db,
      { personId: people.marc.id, origin: "SLACK" },
      { invoiceNumber: "B-3", category: "PRICE", reason: "and the price" },
    ).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(AppError);
    expect((again as AppError).message).toMatch(/^Invoice B-3 is already disputed \(qualité, since \d\d\/\d\d\/\d{4}\)\.$/);
    const [cafe] = await db.withConnection((sql) =>
      loadPortfolio(sql, ASOF, policy, "Europe/Paris", { customerIds: [flagged.customerId] }),
    );
    expect(cafe?.account.position).toMatchObject({ overdue: 20000n, disputed: 30000n, maxDaysLate: 30 });
    const history = await db.prisma.historyEntry.findMany({
      where: { customerId: flagged.customerId, kind: "dispute.opened" },
      include: { invoices: true },
    });
    expect(history).toHaveLength(1);
    expect(history[0]?.invoices.map((i) => i.invoiceId)).toEqual([flagged.invoiceId]);
  });

  it("the weekly preparation proposes each action once, with its reason, and a second run changes nothing", async () => {
    const first = await prepareCommittee(db, policy, ASOF);
    expect(first.proposed).toBe(2);
    const actions = await db.prisma.proposedAction.findMany({
      include: { customer: true, invoices: { include: { invoice: true } } },
      orderBy: { customerId: "asc" },
    });
    expect(actions.map((a) => [a.customer.externalId, a.kind, a.status, a.period])).toEqual([
      ["K1", "BLOCK_DELIVERIES", "PROPOSED", "2026-W47"],
      // 300.00 of the 500.00 late is disputed: hold the account while the dispute is settled
      ["K2", "HOLD", "PROPOSED", "2026-W47"],
    ]);
    // In the company's language (fr-FR by default), amounts in its currency and locale, none repeated: the
    // overdue is the whole exposure.
    expect(actions[0]?.reason.replace(/\s/g, " ")).toBe(
      "encours de 1 500,00 €, soit 500,00 € au-delà de l’encours autorisé de 1 000,00 €, et la totalité jusqu’à 50 jours de retard",
    );
    expect(actions[0]?.invoices.map((i) => i.invoice.number).sort()).toEqual(["A-1", "A-2"]);
    expect(actions[1]?.invoices.map((i) => i.invoice.number)).toEqual(["B-3"]);
    const second = await prepareCommittee(db, policy, ASOF);
    expect(second.proposed).toBe(0);
    expect(await db.prisma.proposedAction.count()).toBe(2);
    expect(await db.prisma.agingSnapshot.count()).toBe(1);
  });

  it("an unauthorised vote is refused and records nothing; repeated clicks record one vote", async () => {
    const action = await db.prisma.proposedAction.findFirstOrThrow({ where: { kind: "BLOCK_DELIVERIES" } });
    const refused = await recordVote(
      db,
      policy,
      { personId: people.marc.id, origin: "SLACK" },
      { actionId: action.id, decision: "APPROVE" },
    ).catch((e: unknown) => e);
    expect((refused as AppError).code).toBe("forbidden");
    expect((refused as AppError).message).toBe(
      "Blocking deliveries is decided by finance and the account's sales owner; Marc Petit is not one of them.",
    );
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push(
        await recordVote(db, policy, { personId: people.finance.id, origin: "SLACK" }, { actionId: action.id, decision: "APPROVE" }),
      );
    expect(results.map((r) => r.recorded)).toEqual([true, false, false]);
    expect(results[2]?.outcome.missing.map((m) => say("en-GB", m))).toEqual(["the sales owner (Claire Dumont)"]);
    expect(await db.prisma.vote.count({ where: { actionId: action.id } })).toBe(1);
    expect(await db.prisma.historyEntry.count({ where: { actionId: action.id, kind: "action.vote" } })).toBe(1);
  });

  it("when the quorum is met the action is applied and written down, in one go", async () => {
    const action = await db.prisma.proposedAction.findFirstOrThrow({ where: { kind: "BLOCK_DELIVERIES" } });
    const result = await recordVote(
      db,
      policy,
      { personId: people.claire.id, origin: "TEAMS" },
      { actionId: action.id, decision: "APPROVE", comment: "ok" },
    );
    expect(result).toMatchObject({ status: "APPLIED", applied: "livraisons bloquées" });
    const customer = await db.prisma.customer.findUniqueOrThrow({ where: { id: action.customerId } });
    expect(customer.blocked).toBe(true);
    expect(customer.blockedReason).toContain("au-delà de l’encours autorisé");
    const kinds = (await db.prisma.historyEntry.findMany({ where: { actionId: action.id }, orderBy: { id: "asc" } })).map((h) => h.kind);
    expect(kinds).toEqual(["action.proposed", "action.vote", "action.vote", "action.applied"]);
    const late = await recordVote(
      db,
      policy,
      { personId: people.finance.id, origin: "SLACK" },
      { actionId: action.id, decision: "REJECT" },
    ).catch((e: unknown) => e);
    expect((late as AppError).message).toMatch(/^This action was already applied/);
  });

  it("the digest shows totals, priorities, disputes and what each action still needs", async () => {
    const digest = await buildDigest(db, policy, ASOF);
    expect(digest.period).toBe("2026-W47");
    expect(digest.totals.disputed).toBe(30000n);
    expect(digest.disputes.map((x) => [x.invoiceNumber, x.category])).toEqual([["B-3", "QUALITY"]]);
    expect(digest.priorities[0]?.account.externalId).toBe("K1");
    expect(digest.priorities[0]?.reasons[0]?.replace(/\s/g, " ")).toBe("1 500,00 € échus");
    expect(digest.actions.find((a) => a.kind === "HOLD")).toMatchObject({
      customerName: "Café du Port",
      // In the company's language (French, the default), as the digest shows it.
      missing: ["le back-office"],
      invoiceNumbers: ["B-3"],
    });
  });
  it("a broken promise is found by the next preparation and dunning resumes", async () => {
    const cafe = await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "K2" } });
    // The dispute is settled: next week's preparation withdraws the hold it had proposed.
    await resolveDispute(
      db,
      { personId: people.finance.id, origin: "CLI" },
      { invoiceNumber: "B-3", outcome: "credit note issued" },
      new Date("2026-11-20T09:00:00Z"),
    );
    await recordPromise(
      db,
      { personId: people.sophie.id, origin: "SLACK" },
      { customerId: cafe.id, amount: 20000n, promisedDate: d("2026-11-22") },
      new Date("2026-11-20T10:00:00Z"),
    );
    const suspended = await collectorTasks(db, policy, ASOF, people.sophie.id);
    expect(suspended.tasks.find((t) => t.externalId === "K2")).toBeUndefined();
    const later = d("2026-11-27");
    const preparation = await prepareCommittee(db, policy, later, new Date("2026-11-27T07:00:00Z"));
    expect(preparation.promisesBroken).toBe(1);
    expect((await db.prisma.proposedAction.findFirstOrThrow({ where: { kind: "HOLD" } })).status).toBe("SUPERSEDED");
    expect((await db.prisma.promiseToPay.findFirstOrThrow()).status).toBe("BROKEN");
    const [account] = await db.withConnection((sql) => loadPortfolio(sql, later, policy, "Europe/Paris", { customerIds: [cafe.id] }));
    // Dunning resumes at once. No reminder was ever done and the oldest invoice is 37 days late: the account
    // catches up at the step its age warrants (the second call, day 30), not at the first reminder.
    expect(reviewAccount(account!.account, later, policy)).toMatchObject({ suspended: null, step: { level: { id: "second-call" } } });
    expect(await db.prisma.historyEntry.count({ where: { customerId: cafe.id, kind: "promise.broken" } })).toBe(1);
  });
});
