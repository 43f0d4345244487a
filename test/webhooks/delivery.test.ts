// Outgoing webhooks against a local receiver: every decision another system must enforce is sent once per
// endpoint, signed as docs/webhooks.md says, in the documented schema; the receiver's answers decide what
// follows (500 then 200: delivered at the 2nd attempt; no answer or a closed connection: retried; 410: failed
// at once; 429/503 with Retry-After: not before then); an event of a rolled-back change is never sent.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { calendarDate } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { EVENT_SCHEMAS, type EventOf, type WebhookEvent } from "../../src/domain/webhookEvents.js";
import { webhookJobHandlers } from "../../src/jobs/effects.js";
import { enqueue, JobWorker, listJobs, type JobRecord } from "../../src/jobs/queue.js";
import { createLogger } from "../../src/log.js";
import { recordPromise } from "../../src/usecases/contacts.js";
import { flagDispute, resolveDispute } from "../../src/usecases/disputes.js";
import { enqueueEvent } from "../../src/usecases/events.js";
import { recordVote } from "../../src/usecases/votes.js";
import { addEndpoint, removeEndpoint } from "../../src/usecases/webhooks.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { startReceiver, verifySignature, type Receiver } from "../helpers/webhookReceiver.js";

const logger = createLogger("debug");
const NOW = new Date("2026-11-30T09:00:00Z");
const secretsSeen: string[] = [];

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await dropTestSchemas();
  // Neither a signing secret nor an event body (the customer's name is in every body) was ever logged.
  const captured = process.env.CCBOT_LOG_CAPTURE ? readFileSync(process.env.CCBOT_LOG_CAPTURE, "utf8") : "";
  expect(captured).toContain("webhook"); // the deliveries were logged (by id and status)...
  for (const secret of secretsSeen) expect(captured).not.toContain(secret);
  expect(captured).not.toContain("Café du Port");
  expect(captured).not.toContain('"occurredAt"');
});

/** A worker whose retries wait a minute (the test moves them forward instead of sleeping). */
function worker(db: Database, extra: { timeoutMs?: number; onFailed?: (job: JobRecord, reason: string) => void; name?: string } = {}) {
  return new JobWorker({
    db,
    logger,
    handlers: webhookJobHandlers({ timeoutMs: extra.timeoutMs ?? 10_000 }),
    concurrency: 1,
    random: () => 1,
    baseBackoffMs: 60_000,
    onFailed: extra.onFailed,
    name: extra.name,
  });
}

/** Makes the jobs waiting for a retry due now (time passing, without waiting). */
async function timePasses(db: Database): Promise<void> {
  await db.prisma.job.updateMany({ where: { state: "PENDING" }, data: { runAt: new Date(Date.now() - 1000) } });
}

async function deliveryJobs(db: Database) {
  return db.prisma.job.findMany({ where: { kind: "webhook.deliver" }, orderBy: { id: "asc" } });
}

/** A committee, a customer with two overdue invoices, and one proposed action of each kind. */
async function fixture(db: Database) {
  const finance = await db.prisma.person.create({ data: { name: "Claire Dumont", roles: ["FINANCE"] } });
  const owner = await db.prisma.person.create({ data: { name: "Marc Petit", roles: ["SALES"] } });
  const admin = await db.prisma.person.create({ data: { name: "Karim Benali", roles: ["ADMIN"] } });
  const backOffice = await db.prisma.person.create({ data: { name: "Léa Martin", roles: ["BACK_OFFICE"] } });
  const customer = await db.prisma.customer.create({
    data: { externalId: "C100", name: "Café du Port", currency: "EUR", creditLimit: 1_000_000n, salesOwnerId: owner.id },
  });
  const invoice = (number: string, amount: bigint) =>
    db.prisma.invoice.create({
      data: {
        customerId: customer.id,
        number,
        issueDate: new Date("2026-06-01T00:00:00Z"),
        dueDate: new Date("2026-07-01T00:00:00Z"),
        amount,
        openAmount: amount,
        currency: "EUR",
        source: "CSV",
      },
    });
  const f100 = await invoice("F-100", 120_000n);
  const f101 = await invoice("F-101", 80_050n);
  const action = (
    kind: "BLOCK_DELIVERIES" | "UNBLOCK_DELIVERIES" | "CREDIT_LIMIT_CHANGE" | "LITIGATION" | "HOLD" | "FORMAL_NOTICE",
    extra = {},
  ) =>
    db.prisma.proposedAction.create({
      data: { customerId: customer.id, kind, reason: `reason for ${kind}`, period: "2026-W49", ...extra },
    });
  return {
    people: { finance: finance.id, owner: owner.id, admin: admin.id, backOffice: backOffice.id },
    customerId: customer.id,
    invoices: { f100: f100.id, f101: f101.id },
    action,
  };
}

type Fixture = Awaited<ReturnType<typeof fixture>>;

async function vote(db: Database, personId: number, actionId: number) {
  return recordVote(db, defaultPolicy, { personId, origin: "SLACK" }, { actionId, decision: "APPROVE" }, NOW);
}

/** Blocks deliveries by the committee's votes (finance, then the sales owner). */
async function block(db: Database, f: Fixture): Promise<number> {
  const a = await f.action("BLOCK_DELIVERIES");
  await vote(db, f.people.finance, a.id);
  const decided = await vote(db, f.people.owner, a.id);
  expect(decided.status).toBe("APPLIED");
  return a.id;
}

async function endpoint(db: Database, path: string, events?: string) {
  const added = await addEndpoint(db, { url: receiver.url(path), events });
  receiver.setSecret(path, added.secret);
  secretsSeen.push(added.secret);
  return added;
}

const bodiesTo = (path: string) => receiver.received.filter((r) => r.path === `/${path}`);

describe.each(targets)("outgoing webhooks on $name", (target) => {
  it("every decision another system must enforce is sent once to each subscribed endpoint, signed, in the documented schema", async () => {
    const db = await freshDatabase(target);
    const all = `all-${target.name}`;
    const blocks = `blocks-${target.name}`;
    try {
      const f = await fixture(db);
      const everything = await endpoint(db, all);
      await endpoint(db, blocks, "deliveries.blocked,deliveries.unblocked");
      const removed = await endpoint(db, `removed-${target.name}`);
      await removeEndpoint(db, removed.id);

      const blockId = await block(db, f);
      const unblock = await f.action("UNBLOCK_DELIVERIES");
      await vote(db, f.people.finance, unblock.id);
      const limit = await f.action("CREDIT_LIMIT_CHANGE", { params: { newCreditLimit: "500000", previousCreditLimit: "1000000" } });
      await vote(db, f.people.finance, limit.id);
      await vote(db, f.people.owner, limit.id);
      const litigation = await f.action("LITIGATION", { invoices: { create: [{ invoiceId: f.invoices.f101 }] } });
      await vote(db, f.people.finance, litigation.id);
      await vote(db, f.people.admin, litigation.id);
      const hold = await f.action("HOLD");
      await vote(db, f.people.backOffice, hold.id);
      // A formal notice is the bot's own business (its letter): no event.
      const notice = await f.action("FORMAL_NOTICE", { params: { deadlineDays: "8" } });
      await vote(db, f.people.finance, notice.id);
      await vote(db, f.people.owner, notice.id);
      const dispute = await flagDispute(
        db,
        { personId: f.people.owner, origin: "SLACK" },
        { invoiceNumber: "F-100", category: "QUALITY", reason: "two pallets arrived damaged", amountDisputed: 30_000n },
        NOW,
      );
      await resolveDispute(
        db,
        { personId: f.people.finance, origin: "TEAMS" },
        { invoiceNumber: "F-100", outcome: "credit note AV-7 issued" },
        NOW,
      );
      const promiseId = await recordPromise(
        db,
        { personId: f.people.owner, origin: "CLI" },
        {
          customerId: f.customerId,
          amount: 45_000n,
          promisedDate: calendarDate("2026-12-15"),
          invoiceIds: [f.invoices.f100],
          confirmAboveOpen: true,
        },
        NOW,
      );

      // Nothing is sent before the worker runs: the decisions only wrote jobs.
      expect(bodiesTo(all)).toHaveLength(0);
      expect(await worker(db).runDue()).toBe(10);

      const toAll = bodiesTo(all);
      const events = toAll.map((r) => JSON.parse(r.body) as WebhookEvent);
      expect(events.map((e) => e.type)).toEqual([
        "deliveries.blocked",
        "deliveries.unblocked",
        "credit_limit.changed",
        "litigation.started",
        "dunning.held",
        "dispute.opened",
        "dispute.settled",
        "promise.recorded",
      ]);
      expect(bodiesTo(blocks).map((r) => (JSON.parse(r.body) as WebhookEvent).type)).toEqual([
        "deliveries.blocked",
        "deliveries.unblocked",
      ]);
      expect(bodiesTo(`removed-${target.name}`)).toHaveLength(0);

      for (const [i, request] of toAll.entries()) {
        const event = events[i] as WebhookEvent;
        expect(request.signatureValid, `signature of ${event.type}`).toBe(true);
        expect(request.headers["x-ccbot-event-id"]).toBe(event.id);
        expect(request.headers["x-ccbot-event-type"]).toBe(event.type);
        expect(request.headers["content-type"]).toBe("application/json");
        // The documented schema (docs/webhooks/schemas/<type>.v1.json is generated from it: schemas.test.ts).
        expect(EVENT_SCHEMAS[event.type].safeParse(event).error).toBeUndefined();
        expect(event).toMatchObject({
          version: 1,
          occurredAt: NOW.toISOString(),
          data: { customer: { externalId: "C100", name: "Café du Port" } },
        });
      }
      // The check fails with another secret, or a body changed by one byte.
      const first = toAll[0] as (typeof toAll)[number];
      const ts = String(first.headers["x-ccbot-timestamp"]);
      const sig = String(first.headers["x-ccbot-signature"]);
      const nowSeconds = Math.floor(Date.now() / 1000);
      expect(verifySignature(everything.secret, ts, first.body, sig, nowSeconds)).toBe(true);
      expect(verifySignature(`${everything.secret}x`, ts, first.body, sig, nowSeconds)).toBe(false);
      expect(verifySignature(everything.secret, ts, first.body.replace("C100", "C101"), sig, nowSeconds)).toBe(false);

      const byType = Object.fromEntries(events.map((e) => [e.type, e]));
      expect(byType["deliveries.blocked"]).toMatchObject({
        id: `action-${blockId}`,
        data: { decision: { actionId: blockId, reason: "reason for BLOCK_DELIVERIES", approvedBy: ["Claire Dumont", "Marc Petit"] } },
      });
      expect((byType["credit_limit.changed"] as EventOf<"credit_limit.changed">).data).toMatchObject({
        previousCreditLimit: { amount: "10000.00", currency: "EUR" },
        creditLimit: { amount: "5000.00", currency: "EUR" },
      });
      expect((byType["litigation.started"] as EventOf<"litigation.started">).data.invoices).toEqual([
        { number: "F-101", openAmount: { amount: "800.50", currency: "EUR" } },
      ]);
      expect((byType["dispute.opened"] as EventOf<"dispute.opened">).data.dispute).toEqual({
        id: dispute.disputeId,
        invoiceNumber: "F-100",
        category: "QUALITY",
        reason: "two pallets arrived damaged",
        amountDisputed: { amount: "300.00", currency: "EUR" },
      });
      // The hold ended with the last open dispute, and the event says so.
      expect((byType["dispute.settled"] as EventOf<"dispute.settled">).data).toMatchObject({
        dispute: { outcome: "resolved", resolution: "credit note AV-7 issued" },
        dunningOnHold: false,
      });
      expect((byType["promise.recorded"] as EventOf<"promise.recorded">).data.promise).toEqual({
        id: promiseId,
        amount: { amount: "450.00", currency: "EUR" },
        promisedDate: "2026-12-15",
        invoiceNumbers: ["F-100"],
      });

      // One job per (event, endpoint), keyed for the receivers' own deduplication.
      const keys = (await deliveryJobs(db)).map((j) => j.key);
      expect(keys).toContain(`webhook:${everything.id}:action-${blockId}`);
      expect(new Set(keys).size).toBe(10);
    } finally {
      await db.close();
    }
  });

  it("an event is delivered once even when two workers run, and the decision replayed adds nothing", async () => {
    const db = await freshDatabase(target);
    const path = `once-${target.name}`;
    try {
      const f = await fixture(db);
      await endpoint(db, path);
      const blockId = await block(db, f);
      // The deciding click delivered again (a Slack retry): refused, nothing enqueued.
      await expect(vote(db, f.people.owner, blockId)).rejects.toThrow(/already applied/);
      const [a, b] = [worker(db, { name: "replica-a" }), worker(db, { name: "replica-b" })];
      const ran = await Promise.all([a.runDue(), b.runDue()]);
      expect(ran[0] + ran[1]).toBe(1);
      expect(await a.runDue()).toBe(0);
      expect(bodiesTo(path)).toHaveLength(1);
      const [job] = await deliveryJobs(db);
      expect(job).toMatchObject({ state: "DONE", attempts: 1 });
    } finally {
      await db.close();
    }
  });

  it("an event enqueued in a transaction that rolls back is never sent", async () => {
    const db = await freshDatabase(target);
    const path = `rollback-${target.name}`;
    try {
      const f = await fixture(db);
      await endpoint(db, path);
      const a = await f.action("BLOCK_DELIVERIES");
      await expect(
        db.prisma.$transaction(async (tx) => {
          await tx.customer.update({ where: { id: f.customerId }, data: { blocked: true, blockedAt: NOW } });
          expect(await enqueueEvent(tx, { kind: "action.applied", actionId: a.id, at: NOW })).toBe(1);
          throw new Error("the decision failed after its event was enqueued");
        }),
      ).rejects.toThrow("the decision failed");
      expect(await deliveryJobs(db)).toHaveLength(0);
      expect(await worker(db).runDue()).toBe(0);
      expect(bodiesTo(path)).toHaveLength(0);
    } finally {
      await db.close();
    }
  });

  it("a 500 then a 200: delivered at the second attempt, after a backoff", async () => {
    const db = await freshDatabase(target);
    const path = `flaky-${target.name}`;
    try {
      const f = await fixture(db);
      await endpoint(db, path);
      await block(db, f);
      receiver.script(path, { status: 500 });
      const before = Date.now();
      await worker(db).runDue();
      let [job] = await deliveryJobs(db);
      expect(job).toMatchObject({ state: "PENDING", attempts: 1 });
      expect(job?.lastError).toMatch(/status 500/);
      expect(job?.runAt.getTime()).toBeGreaterThanOrEqual(before + 59_000);
      // Not due yet: a worker running now sends nothing.
      expect(await worker(db).runDue()).toBe(0);
      await timePasses(db);
      await worker(db).runDue();
      [job] = await deliveryJobs(db);
      expect(job).toMatchObject({ state: "DONE", attempts: 2, lastError: null });
      const sent = bodiesTo(path);
      expect(sent).toHaveLength(2);
      // The same event (same id, same body) with a fresh signature each time.
      expect(sent[1]?.headers["x-ccbot-event-id"]).toBe(sent[0]?.headers["x-ccbot-event-id"]);
      expect(sent[1]?.body).toBe(sent[0]?.body);
      expect(sent.every((s) => s.signatureValid)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it("no answer within the timeout, or a connection closed before the answer: retried, then delivered", async () => {
    const db = await freshDatabase(target);
    const path = `slow-${target.name}`;
    try {
      const f = await fixture(db);
      await endpoint(db, path);
      await block(db, f);
      receiver.script(path, "hang", "close");
      await worker(db, { timeoutMs: 300 }).runDue();
      let [job] = await deliveryJobs(db);
      expect(job).toMatchObject({ state: "PENDING", attempts: 1 });
      expect(job?.lastError).toMatch(/no answer within 0.3 s/);
      await timePasses(db);
      await worker(db, { timeoutMs: 300 }).runDue();
      [job] = await deliveryJobs(db);
      expect(job).toMatchObject({ state: "PENDING", attempts: 2 });
      expect(job?.lastError).toMatch(/connection closed before an answer/);
      // The job's error names the endpoint by its id, never its URL.
      expect(job?.lastError).not.toContain("127.0.0.1");
      await timePasses(db);
      await worker(db, { timeoutMs: 300 }).runDue();
      [job] = await deliveryJobs(db);
      expect(job).toMatchObject({ state: "DONE", attempts: 3 });
    } finally {
      await db.close();
    }
  });

  it("a 410 fails at once: FAILED after one attempt, in the failed jobs list, reported once", async () => {
    const db = await freshDatabase(target);
    const path = `gone-${target.name}`;
    try {
      const f = await fixture(db);
      await endpoint(db, path);
      await block(db, f);
      receiver.script(path, { status: 410 });
      const reported: string[] = [];
      await worker(db, { onFailed: (job, reason) => void reported.push(`${job.kind}: ${reason}`) }).runDue();
      const [job] = await deliveryJobs(db);
      expect(job).toMatchObject({ state: "FAILED", attempts: 1 });
      expect(reported).toHaveLength(1);
      expect(reported[0]).toMatch(/^webhook\.deliver: PermanentJobError: status 410, endpoint \d+ answered 410/);
      expect((await listJobs(db, { state: "FAILED" })).map((j) => j.key)).toEqual([job?.key]);
      await timePasses(db);
      expect(await worker(db).runDue()).toBe(0);
      expect(bodiesTo(path)).toHaveLength(1);
    } finally {
      await db.close();
    }
  });

  it("after its last attempt a delivery that keeps failing is FAILED (the dead letter)", async () => {
    const db = await freshDatabase(target);
    const path = `down-${target.name}`;
    try {
      const f = await fixture(db);
      await endpoint(db, path);
      await block(db, f);
      await db.prisma.job.updateMany({ where: { kind: "webhook.deliver" }, data: { maxAttempts: 2 } });
      receiver.script(path, { status: 502 }, { status: 500 });
      await worker(db).runDue();
      await timePasses(db);
      await worker(db).runDue();
      const [job] = await deliveryJobs(db);
      expect(job).toMatchObject({ state: "FAILED", attempts: 2 });
      expect(job?.lastError).toMatch(/status 500/);
    } finally {
      await db.close();
    }
  });

  it("429 and 503 with Retry-After: not retried before the receiver said (seconds or an HTTP date)", async () => {
    const db = await freshDatabase(target);
    const path = `busy-${target.name}`;
    try {
      const f = await fixture(db);
      await endpoint(db, path);
      await block(db, f);
      receiver.script(path, { status: 429, headers: { "Retry-After": "600" } });
      let before = Date.now();
      await worker(db).runDue();
      let [job] = await deliveryJobs(db);
      expect(job).toMatchObject({ state: "PENDING", attempts: 1 });
      expect(job?.lastError).toMatch(/status 429.*retry after 600 s/);
      expect(job?.runAt.getTime()).toBeGreaterThanOrEqual(before + 599_000);
      expect(job?.runAt.getTime()).toBeLessThan(before + 700_000);

      await timePasses(db);
      const inAnHour = new Date(Math.ceil((Date.now() + 3_600_000) / 1000) * 1000);
      receiver.script(path, { status: 503, headers: { "Retry-After": inAnHour.toUTCString() } });
      before = Date.now();
      await worker(db).runDue();
      [job] = await deliveryJobs(db);
      expect(job).toMatchObject({ state: "PENDING", attempts: 2 });
      expect(job?.runAt.getTime()).toBeGreaterThanOrEqual(inAnHour.getTime() - 2_000);

      await timePasses(db);
      await worker(db).runDue();
      [job] = await deliveryJobs(db);
      expect(job).toMatchObject({ state: "DONE", attempts: 3 });
    } finally {
      await db.close();
    }
  });

  it("a delivery job without an event (written by hand) fails at once instead of being retried for an hour", async () => {
    const db = await freshDatabase(target);
    try {
      await db.prisma.$transaction((tx) => enqueue(tx, { kind: "webhook.deliver", key: "webhook:1:by-hand", payload: { endpointId: 1 } }));
      await worker(db).runDue();
      const [job] = await deliveryJobs(db);
      expect(job).toMatchObject({ state: "FAILED", attempts: 1 });
      expect(job?.lastError).toContain("webhook job without an endpoint number or an event");
    } finally {
      await db.close();
    }
  });

  it("a delivery queued for an endpoint removed since is dropped, not sent", async () => {
    const db = await freshDatabase(target);
    const path = `gone-later-${target.name}`;
    try {
      const f = await fixture(db);
      const added = await endpoint(db, path);
      await block(db, f);
      await removeEndpoint(db, added.id);
      await worker(db).runDue();
      expect(bodiesTo(path)).toHaveLength(0);
      expect((await db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: added.id } })).secret).toBe("");
    } finally {
      await db.close();
    }
  });
});
