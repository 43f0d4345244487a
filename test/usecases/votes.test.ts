// Votes and their effects: whatever door a vote comes through and however often it is delivered, one vote row,
// one history entry and one set of effect jobs; a decision's effects (the letter above all) are jobs committed
// with it, so a crash between the decision and its effects loses nothing.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { letterJobHandlers } from "../../src/jobs/effects.js";
import { JobWorker } from "../../src/jobs/queue.js";
import { createLogger } from "../../src/log.js";
import { recordVote } from "../../src/usecases/votes.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";

afterAll(dropTestSchemas);

const logger = createLogger("silent");
const NOW = new Date("2025-07-31T08:00:00Z");

/** A customer owing an invoice, a formal notice awaiting decision, a finance member and the sales owner. */
async function fixture(db: Database) {
  await db.prisma.companySettings.upsert({
    where: { id: 1 },
    create: { companyName: "Fournisseur SAS", companyAddress: "1 rue A\n75001 Paris" },
    update: {},
  });
  const finance = await db.prisma.person.create({ data: { name: "Finance One", roles: ["FINANCE"] } });
  const owner = await db.prisma.person.create({ data: { name: "Owner One", roles: ["SALES"] } });
  const customer = await db.prisma.customer.create({
    data: { externalId: "C900", name: "Client Neuf", currency: "EUR", address: "2 rue B\n69001 Lyon", salesOwnerId: owner.id },
  });
  const invoice = await db.prisma.invoice.create({
    data: {
      customerId: customer.id,
      number: "F-900",
      issueDate: new Date("2025-01-05T00:00:00Z"),
      dueDate: new Date("2025-02-04T00:00:00Z"),
      amount: 120_000n,
      openAmount: 120_000n,
      currency: "EUR",
      source: "CSV",
    },
  });
  const action = await db.prisma.proposedAction.create({
    data: {
      customerId: customer.id,
      kind: "FORMAL_NOTICE",
      reason: "overdue 170 days",
      period: "2025-W31",
      params: { deadlineDays: "8" },
      invoices: { create: [{ invoiceId: invoice.id }] },
    },
  });
  // The digest showed it in Slack and in Teams.
  for (const platform of ["SLACK", "TEAMS"] as const)
    await db.prisma.postedMessage.create({
      data: { platform, job: "weekly-digest", slot: "2025-W31", part: "actions-1", channel: "C1", ts: "1.1", actionIds: [action.id] },
    });
  return { finance: finance.id, owner: owner.id, actionId: action.id };
}

describe.each(targets)("votes and their effects on $name", (target) => {
  it("a decided formal notice leaves its effects as jobs; a later worker issues the letter once", async () => {
    const db = await freshDatabase(target);
    try {
      const { finance, owner, actionId } = await fixture(db);
      await recordVote(db, defaultPolicy, { personId: finance, origin: "SLACK" }, { actionId, decision: "APPROVE" }, NOW);
      const decided = await recordVote(db, defaultPolicy, { personId: owner, origin: "TEAMS" }, { actionId, decision: "APPROVE" }, NOW);
      expect(decided.status).toBe("APPLIED");
      // The process dies here (kill -9): nothing but the database remains. The effects are all there as jobs.
      const jobs = await db.prisma.job.findMany({ orderBy: { id: "asc" } });
      expect(jobs.map((j) => j.kind).sort()).toEqual(
        [
          "letter.formal-notice",
          "slack.announce-decision",
          "slack.refresh-action",
          "slack.refresh-action",
          "teams.announce-decision",
          "teams.refresh-action",
          "teams.refresh-action",
        ].sort(),
      );
      expect(await db.prisma.historyEntry.count({ where: { kind: "document.formal_notice" } })).toBe(0);

      // A fresh worker (the restarted process) runs what is due; run twice, as two replicas would.
      const documentsDir = mkdtempSync(path.join(tmpdir(), "ccbot-letters-"));
      const handlers = letterJobHandlers({ policy: defaultPolicy, documentsDir });
      await new JobWorker({ db, logger, handlers, now: () => NOW }).runDue();
      await new JobWorker({ db, logger, handlers, now: () => NOW }).runDue();
      const letters = await db.prisma.historyEntry.findMany({ where: { kind: "document.formal_notice" } });
      expect(letters).toHaveLength(1);
      expect((await db.prisma.job.findUniqueOrThrow({ where: { key: `letter.formal-notice:${actionId}` } })).state).toBe("DONE");
      // ... and the letter is to be posted in both threads, once each.
      const posts = await db.prisma.job.findMany({ where: { kind: { endsWith: ".post-letter" } } });
      expect(posts.map((p) => p.key).sort()).toEqual([`slack.post-letter:${actionId}`, `teams.post-letter:${actionId}`]);
    } finally {
      await db.close();
    }
  });

  it("a repeated vote writes nothing, enqueues nothing, and says when the person voted", async () => {
    const db = await freshDatabase(target);
    try {
      const { finance, actionId } = await fixture(db);
      await recordVote(db, defaultPolicy, { personId: finance, origin: "SLACK" }, { actionId, decision: "APPROVE" }, NOW);
      const jobs = await db.prisma.job.count();
      const again = await recordVote(db, defaultPolicy, { personId: finance, origin: "TEAMS" }, { actionId, decision: "APPROVE" }, new Date());
      expect(again.recorded).toBe(false);
      expect(again.previousVote).toEqual({ decision: "APPROVE", at: NOW });
      expect(await db.prisma.job.count()).toBe(jobs);
      expect(await db.prisma.historyEntry.count({ where: { kind: "action.vote" } })).toBe(1);
    } finally {
      await db.close();
    }
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("votes replayed across two processes on PostgreSQL", () => {
  it("1,000 deliveries of the same Approve through two connection pools: one vote, one entry, one refresh per platform", async () => {
    const target = targets.find((t) => t.name === "postgresql");
    if (!target) throw new Error("no PostgreSQL target");
    const url = await target.freshUrl();
    const a = await openDatabase(url);
    await migrate(a);
    const b = await openDatabase(url);
    try {
      const { finance, actionId } = await fixture(a);
      // In waves of 40 at once (20 per pool), as the two processes' bounded answer queues would deliver them.
      const results: Array<Awaited<ReturnType<typeof recordVote>>> = [];
      for (let wave = 0; wave < 25; wave++) {
        results.push(
          ...(await Promise.all(
            Array.from({ length: 40 }, (_, i) =>
              recordVote(i % 2 ? a : b, defaultPolicy, { personId: finance, origin: "SLACK" }, { actionId, decision: "APPROVE" }, NOW),
            ),
          )),
        );
      }
      expect(results).toHaveLength(1000);
      expect(results.filter((r) => r.recorded)).toHaveLength(1);
      expect(await a.prisma.vote.count()).toBe(1);
      expect(await a.prisma.historyEntry.count({ where: { kind: "action.vote" } })).toBe(1);
      expect((await a.prisma.job.findMany()).map((j) => j.kind).sort()).toEqual(["slack.refresh-action", "teams.refresh-action"]);
    } finally {
      await a.close();
      await b.close();
    }
  }, 300_000);
});
