// The committee's hour (issue #13) on a real database: materiality, stakes, a workable list, continuity,
// a rejected proposal kept off the agenda until the account is worse, a batch approval recorded per action,
// and last week's decisions followed up in the next digest.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { DEFAULT_POLICY, parsePolicy } from "../../src/domain/policy.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { buildDigest } from "../../src/services/committeeViews.js";
import { prepareCommittee } from "../../src/usecases/committee.js";
import { recordVote, recordVotes } from "../../src/usecases/votes.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";
import { seedAgenda as setUp } from "../helpers/agendaFixtures.js";

afterAll(dropTestSchemas);

// At most 5 proposals in the digest, so that 8 material ones leave 3 one click away.
const policy = parsePolicy({ ...DEFAULT_POLICY, committee: { ...DEFAULT_POLICY.committee, maxProposals: 5 } });
const WEEK1 = d("2026-11-20");
const WEEK2 = d("2026-11-27");
const WEEK3 = d("2026-12-04");
const at = (day: string) => new Date(`${day}T07:00:00Z`);
const spaces = (text: string) => text.replace(/\s/g, " ");

describe.each(targets)("the committee's agenda on $name", (target) => {
  let db: Database;
  let people: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    db = await freshDatabase(target);
    people = await setUp(db, target.name);
  });
  afterAll(async () => db?.close());

  it("only material proposals, ranked by stakes, at most the policy's number in the digest and the rest apart", async () => {
    const week1 = await prepareCommittee(db, policy, WEEK1, at(WEEK1));
    expect(week1).toMatchObject({ proposed: 8, belowThreshold: 1, carriedOver: 0 });
    const digest = await buildDigest(db, policy, WEEK1);
    expect(digest.actions.map((a) => a.externalId)).toEqual(["K8", "K7", "K6", "K5", "K4"]);
    expect(digest.moreActions.map((a) => a.externalId)).toEqual(["K3", "K2", "K1"]);
    // 9 000 € at risk, 70 days late (10%), from a payer graded D on what it owes (x 1.5): 15% likely lost, 1 350 € at stake.
    expect(digest.actions[0]).toMatchObject({ amountAtRisk: 900_000n, stakes: 135_000n, pendingSince: "2026-W47" });
    expect(spaces(digest.actions[0]?.reason ?? "")).toBe("9 000,00 € échus, le plus ancien avec 70 jours de retard (seuil 60)");
  });

  it("an undecided proposal is carried over the next week with today's figures and its first week, not expired", async () => {
    const before = await db.prisma.proposedAction.findMany({ orderBy: { id: "asc" } });
    // Finance rejects K1's block in week 1.
    const k1 = before.find((a) => a.reason.startsWith("2"))!;
    await recordVote(db, policy, { personId: people.finance.id, origin: "CLI" }, { actionId: k1.id, decision: "REJECT" }, at(WEEK1));
    const week2 = await prepareCommittee(db, policy, WEEK2, at(WEEK2));
    expect(week2).toMatchObject({ proposed: 0, carriedOver: 7, superseded: 0, expired: 0, heldBack: 1 });
    const after = await db.prisma.proposedAction.findMany({ where: { status: "PROPOSED" }, orderBy: { id: "asc" } });
    expect(after.map((a) => a.id)).toEqual(before.filter((a) => a.id !== k1.id).map((a) => a.id));
    expect(after.every((a) => a.period === "2026-W47")).toBe(true);
    expect(spaces(after.at(-1)?.reason ?? "")).toBe("9 000,00 € échus, le plus ancien avec 77 jours de retard (seuil 60)");
    const digest = await buildDigest(db, policy, WEEK2);
    expect(digest.actions[0]?.pendingSince).toBe("2026-W47");
    expect(await db.prisma.historyEntry.count({ where: { kind: "action.refreshed" } })).toBe(7);
  });

  it("a batch approval is checked and recorded action by action, with the effects of each", async () => {
    const digest = await buildDigest(db, policy, WEEK2);
    const ids = digest.actions.slice(0, 3).map((a) => a.actionId);
    const byFinance = await recordVotes(
      db,
      policy,
      { personId: people.finance.id, origin: "SLACK" },
      { actionIds: ids, decision: "APPROVE" },
      at(WEEK2),
    );
    // In the company's language (French, the default), as the chat says it.
    expect(byFinance.summary).toBe("3 enregistrées, en attente d’autres approbations.");
    // The collector may not decide a block: each refused on its own line, nothing recorded.
    const bySophie = await recordVotes(
      db,
      policy,
      { personId: people.sophie.id, origin: "SLACK" },
      { actionIds: ids, decision: "APPROVE" },
      at(WEEK2),
    );
    expect(bySophie.summary).toBe("3 qui ne relèvent pas de vous.");
    const byOwner = await recordVotes(
      db,
      policy,
      { personId: people.claire.id, origin: "TEAMS" },
      { actionIds: ids, decision: "APPROVE" },
      at(WEEK2),
    );
    expect(byOwner.summary).toBe("3 appliquées.");
    for (const id of ids) {
      const kinds = (await db.prisma.historyEntry.findMany({ where: { actionId: id }, orderBy: { id: "asc" } })).map((h) => h.kind);
      expect(kinds.filter((k) => k === "action.vote")).toHaveLength(2);
      expect(kinds).toContain("action.applied");
    }
    const customers = await db.prisma.proposedAction.findMany({ where: { id: { in: ids } }, include: { customer: true } });
    expect(customers.every((a) => a.status === "APPLIED" && a.customer.blocked)).toBe(true);
  });

  it("last week's decisions are followed up in the next digest; a rejected block comes back once the account is worse", async () => {
    // K8 pays 4 000 € after its block; K1 (rejected) gets a new invoice: 2 000 € → 3 000 € overdue (+50%).
    await runImport(
      db,
      IMPORTERS.payments,
      writeTemp(`agenda-payments-${target.name}.csv`, csv("reference;customer_id;payment_date;amount", "P-1;K8;2026-12-01;4000,00")),
    );
    await runImport(
      db,
      IMPORTERS.invoices,
      writeTemp(
        `agenda-invoices2-${target.name}.csv`,
        csv("customer_id;number;issue_date;due_date;amount", "K1;F-K1b;2026-10-01;2026-10-31;1000,00"),
      ),
    );
    const week3 = await prepareCommittee(db, policy, WEEK3, at(WEEK3));
    expect(week3.proposed).toBe(1);
    const back = await db.prisma.proposedAction.findFirstOrThrow({ where: { status: "PROPOSED", customer: { externalId: "K1" } } });
    expect(spaces(back.backBecause ?? "")).toBe(
      "de retour après son rejet du 20/11/2026 : le montant à risque est passé de 2 000,00 € à 3 000,00 € (+50 %)",
    );
    const digest = await buildDigest(db, policy, WEEK3);
    const all = [...digest.actions, ...digest.moreActions];
    expect(all.find((a) => a.actionId === back.id)?.backBecause).toBe(back.backBecause);
    const k8 = digest.followUp.find((f) => f.externalId === "K8");
    expect(k8).toMatchObject({ kind: "BLOCK_DELIVERIES", decision: "APPLIED", decidedOn: "2026-11-27" });
    // In the company's language (French, the default), as the chat and the terminal say it.
    expect(k8?.since.map(spaces)).toEqual(["blocage en vigueur", "4 000,00 € payés depuis"]);
    expect(digest.followUp).toHaveLength(3);
    expect(digest.cashCollected).toBe(400_000n);
  });
});
