// Issue 11 in Teams: a vote is recorded and answered from the database; everything it makes happen in Teams
// (everyone's card, the announcement, the letter) is a durable job, run by the worker, retried, reported to the
// admins when it fails for good, never lost and never done twice. Through the real Teams App over HTTP, the Bot
// Connector stand-in made to refuse, throttle, fail or hold, and a JobWorker with the Teams handlers.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "@microsoft/teams.apps";
import type { TeamsMessenger } from "../../src/bot/teams/app.js";
import { VERBS } from "../../src/bot/teams/cards.js";
import type { Database } from "../../src/db/database.js";
import { retryJobs, type JobWorker } from "../../src/jobs/queue.js";
import { BotConnectorStandIn, type ConnectorCall } from "../helpers/botConnector.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import {
  capturedLogger,
  CHANNEL,
  channel,
  executeActivity,
  installActivity,
  personalChat,
  sendActivity,
  startTeamsBot,
  teamsWorker,
  type Member,
} from "../helpers/teamsRequests.js";
import { setCompanyLocale } from "../helpers/locale.js";

afterAll(dropTestSchemas);

const NOW = () => new Date("2025-07-31T08:00:00Z");
const FIN: Member = { id: "29:fin", aadObjectId: "aad-fin", name: "Nathalie Roche" };
const OWNER: Member = { id: "29:claire", aadObjectId: "aad-claire", name: "Claire Dumont" };
const ADMIN: Member = { id: "29:adam", aadObjectId: "aad-adam", name: "Adam Admin" };
const THREAD = `${CHANNEL};messageid=100`;
const CARD = "application/vnd.microsoft.card.adaptive";

interface Fixture {
  /** Formal notices (one invoice each) awaiting the committee. */
  notices: number[];
  /** Proposals to block deliveries awaiting the committee. */
  blocks: number[];
  /** Two more, shown together in one reply. */
  together: number[];
}

/** Customers owned by Claire, each with one proposal, each shown in its own posted reply of one digest. */
async function fixture(db: Database): Promise<Fixture> {
  await db.prisma.companySettings.upsert({
    where: { id: 1 },
    create: { companyName: "Démo Industries SAS", companyAddress: "12 rue de la Paix\n75002 Paris" },
    update: { companyName: "Démo Industries SAS", companyAddress: "12 rue de la Paix\n75002 Paris" },
  });
  const person = (m: Member, roles: Array<"FINANCE" | "SALES" | "ADMIN">) =>
    db.prisma.person.create({ data: { name: m.name, roles, identities: { create: [{ platform: "TEAMS", externalId: m.aadObjectId }] } } });
  await person(FIN, ["FINANCE"]);
  const owner = await person(OWNER, ["SALES"]);
  await person(ADMIN, ["ADMIN"]);
  const proposal = async (i: number, kind: "FORMAL_NOTICE" | "BLOCK_DELIVERIES") => {
    const customer = await db.prisma.customer.create({
      data: { externalId: `C0${i}`, name: `Café ${i}`, currency: "EUR", address: "3 quai Est\n13002 Marseille", salesOwnerId: owner.id },
    });
    const invoice = await db.prisma.invoice.create({
      data: {
        customerId: customer.id,
        number: `F2025-0${i}`,
        issueDate: new Date("2025-01-05T00:00:00Z"),
        dueDate: new Date("2025-02-04T00:00:00Z"),
        amount: 250_000n,
        openAmount: 250_000n,
        currency: "EUR",
        source: "CSV",
      },
    });
    const action = await db.prisma.proposedAction.create({
      data: {
        customerId: customer.id,
        kind,
        reason: "last reminder done, no answer",
        period: "2025-W31",
        params: kind === "FORMAL_NOTICE" ? { deadlineDays: "8" } : {},
        invoices: { create: [{ invoiceId: invoice.id }] },
      },
    });
    return action.id;
  };
  const notices = [await proposal(10, "FORMAL_NOTICE"), await proposal(11, "FORMAL_NOTICE")];
  const blocks = [await proposal(20, "BLOCK_DELIVERIES"), await proposal(21, "BLOCK_DELIVERIES"), await proposal(22, "BLOCK_DELIVERIES")];
  const digest = { platform: "TEAMS" as const, job: "weekly-digest", slot: "2025-W31" };
  await db.prisma.postedMessage.create({ data: { ...digest, part: "summary", channel: CHANNEL, ts: "100", actionIds: [] } });
  for (const [i, actionId] of [...notices, ...blocks].entries())
    await db.prisma.postedMessage.create({
      data: { ...digest, part: `actions-${i + 1}`, channel: THREAD, ts: String(201 + i), actionIds: [actionId] },
    });
  const together = [await proposal(30, "BLOCK_DELIVERIES"), await proposal(31, "BLOCK_DELIVERIES")];
  await db.prisma.postedMessage.create({ data: { ...digest, part: "actions-9", channel: THREAD, ts: "299", actionIds: together } });
  // Next week's digest, planned (its split stored) but not posted yet: nothing of it may be updated.
  await db.prisma.postedMessage.create({
    data: {
      platform: "TEAMS",
      job: "weekly-digest",
      slot: "2025-W32",
      part: "actions-1",
      channel: "",
      ts: "",
      actionIds: [...notices, ...blocks],
    },
  });
  return { notices, blocks, together };
}

const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");

describe.each(targets)("a decision's effects in Teams, as durable jobs, on $name", (target) => {
  let db: Database;
  let connector: BotConnectorStandIn;
  let app: App;
  let port: number;
  let messenger: TeamsMessenger;
  let worker: JobWorker;
  let data: Fixture;
  const log = capturedLogger();
  const documentsDir = mkdtempSync(path.join(tmpdir(), "teams-effects-"));

  beforeAll(async () => {
    db = await freshDatabase(target);
    // The company speaks French (the default, set explicitly); test/i18n/chatLanguage.test.ts checks English too.
    await setCompanyLocale(db, "fr-FR");
    data = await fixture(db);
    connector = await new BotConnectorStandIn().start();
    ({ app, port, messenger } = await startTeamsBot(db, connector.url, { now: NOW, documentsDir }));
    worker = teamsWorker(db, messenger, { now: NOW, documentsDir, logger: log.logger });
    // The admin's personal chat with the bot, where failures are reported.
    expect((await sendActivity(port, installActivity(connector.url, ADMIN, personalChat(ADMIN)))).status).toBe(200);
    await connector.waitFor((c) => c.conversationId === personalChat(ADMIN).id);
  });
  afterAll(async () => {
    await worker?.stop();
    await app?.stop();
    await connector?.stop();
    await db?.close();
  });

  /** The digest reply (its activity id) that shows the action. */
  const replyOf = async (actionId: number) =>
    (await db.prisma.postedMessage.findFirstOrThrow({ where: { platform: "TEAMS", slot: "2025-W31", actionIds: { has: actionId } } })).ts;
  const click = async (m: Member, actionId: number, verb: string = VERBS.approve) =>
    sendActivity(port, executeActivity(connector.url, m, channel(THREAD), await replyOf(actionId), verb, { actionId }));
  const jobsOf = (actionId: number) =>
    db.prisma.job.findMany({ where: { payload: { path: ["actionId"], equals: actionId } }, orderBy: { id: "asc" } });
  const adminMessages = (from = 0) => connector.accepted(from).filter((c) => c.conversationId === personalChat(ADMIN).id);
  const isLetter = (c: ConnectorCall) => c.method === "POST" && JSON.stringify(c.body).includes("Lire la lettre");

  it("the deciding Approve while Teams refuses card updates (403): answered with the card; the letter is issued and posted once; the failed update is reported once", async () => {
    const actionId = data.notices[0] as number;
    const reply = await replyOf(actionId);
    expect((await click(FIN, actionId)).body).toMatchObject({ type: CARD });
    await worker.runDue(); // Finance's vote shown to everyone
    expect(connector.accepted().filter((c) => c.method === "PUT" && c.activityId === reply)).toHaveLength(1);

    const refuse = connector.failWhile((c) => c.method === "PUT", 403);
    try {
      const before = connector.calls.length;
      const decisive = await click(OWNER, actionId);
      // The clicker's card, read from the database: decided, no buttons left for this action.
      expect(decisive.body).toMatchObject({ statusCode: 200, type: CARD });
      expect(JSON.stringify(decisive.body?.value)).not.toContain(`"actionId":${actionId}}`);
      expect(JSON.stringify(decisive.body?.value)).toContain("Claire Dumont");
      // Nothing was sent to Teams before the answer.
      expect(connector.calls.length).toBe(before);
      expect((await db.prisma.proposedAction.findUniqueOrThrow({ where: { id: actionId } })).status).toBe("APPLIED");

      const adminBefore = adminMessages().length;
      await worker.runDue();

      // The letter IS issued, recorded with its fingerprint, and shown once in the digest's thread.
      const entry = await db.prisma.historyEntry.findFirstOrThrow({ where: { kind: "document.formal_notice", actionId } });
      const { sha256, pdfFile } = entry.data as { sha256: string; pdfFile: string };
      expect(sha(readFileSync(pdfFile))).toBe(sha256);
      const letters = connector.accepted(before).filter(isLetter);
      expect(letters).toHaveLength(1);
      expect(letters[0]?.conversationId).toBe(THREAD);
      expect(JSON.stringify(letters[0]?.body)).toContain(sha256);
      // The decision is announced in the thread, once.
      const announced = connector.accepted(before).filter((c) => c.method === "POST" && String(c.body.text).startsWith("Décision sur"));
      expect(announced.map((c) => [c.conversationId, c.body.text])).toEqual([
        [THREAD, `Décision sur la proposition n° ${actionId} : appliquée, mise en demeure à envoyer (délai de 8 jours) (approuvée par Nathalie Roche, Claire Dumont).`],
      ]);
      // The card update was refused: that job FAILED at once (no retry of a 403), the admin told once.
      const refreshes = (await jobsOf(actionId)).filter((j) => j.kind === "teams.refresh-action");
      expect(refreshes.map((j) => j.state)).toEqual(["DONE", "FAILED"]);
      const failed = refreshes[1];
      expect(failed?.attempts).toBe(1);
      expect(failed?.lastError).toContain("HTTP 403");
      expect(connector.calls.slice(before).filter((c) => c.method === "PUT" && c.status === 403)).toHaveLength(1);
      const told = adminMessages().slice(adminBefore);
      expect(told).toHaveLength(1);
      expect(String(told[0]?.body.text)).toBe(
        `Une action différée a définitivement échoué : teams.refresh-action n° ${failed?.id} : PermanentJobError: card update: Teams answered HTTP 403 (Http403). Corrigez la cause, puis : ccbot jobs retry ${failed?.id}`,
      );
      // The digest part planned but not posted was never touched.
      expect(connector.calls.some((c) => c.conversationId === "")).toBe(false);

      // Running the queue again does nothing more.
      const settled = connector.calls.length;
      expect(await worker.runDue()).toBe(0);
      expect(connector.calls.length).toBe(settled);
    } finally {
      refuse();
    }

    // Nothing lost: once Teams accepts updates again, `ccbot jobs retry` brings everyone's card up to date.
    const failed = (await jobsOf(actionId)).find((j) => j.state === "FAILED");
    expect(await retryJobs(db, [failed?.id as bigint])).toBe(1);
    const before = connector.calls.length;
    expect(await worker.runDue()).toBe(1);
    const update = connector.accepted(before).filter((c) => c.method === "PUT" && c.activityId === reply);
    expect(update).toHaveLength(1);
    expect(JSON.stringify(update[0]?.body)).not.toContain(`"actionId":${actionId}}`);
    expect((await jobsOf(actionId)).map((j) => j.state)).toEqual(["DONE", "DONE", "DONE", "DONE", "DONE"]);
    expect(connector.accepted().filter(isLetter)).toHaveLength(1);
  });

  it("Teams throttling card updates (429, Retry-After: 16) does not hold the answer: it comes while the update is held; the job waits 16 s in the queue", async () => {
    const actionId = data.blocks[0] as number;
    const reply = await replyOf(actionId);
    const hold = connector.holdWhile((c) => c.method === "PUT" && c.activityId === reply);
    const throttle = connector.failWhile((c) => c.method === "PUT" && c.activityId === reply, 429, 16);
    worker.start();
    try {
      const answer = await click(FIN, actionId);
      expect(answer.body).toMatchObject({ statusCode: 200, type: CARD });
      expect(JSON.stringify(answer.body?.value)).toContain("approuvée par Nathalie Roche");
      // The worker's update reaches Teams after the answer and is still held there: the answer did not wait on it.
      await connector.until(() => hold.held() === 1, "the worker's card update");
      expect(connector.calls.filter((c) => c.method === "PUT" && c.activityId === reply)).toEqual([]);
      hold.release();
      // Teams says "in 16 s": the job goes back to the queue with that date instead of a worker sleeping on it.
      await connector.until(() => connector.calls.some((c) => c.activityId === reply && c.status === 429), "the 429");
      let job: Awaited<ReturnType<typeof jobsOf>>[number] | undefined;
      for (;;) {
        job = (await jobsOf(actionId)).find((j) => j.kind === "teams.refresh-action");
        if (job?.state === "PENDING" && job.attempts === 1) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const [row] = await db.withConnection((sql) =>
        sql.query<{ seconds: number }>(`SELECT EXTRACT(EPOCH FROM ("runAt" - now()))::float8 AS seconds FROM job WHERE id = $1`, [
          String(job.id),
        ]),
      );
      expect(row?.seconds).toBeGreaterThanOrEqual(15);
      expect(job.lastError).toContain("HTTP 429");
    } finally {
      await worker.stop();
      throttle();
      hold.release();
    }
    // One attempt only: the 16 s were not slept through and retried inside the worker.
    expect(connector.calls.filter((c) => c.method === "PUT" && c.activityId === reply).map((c) => c.status)).toEqual([429]);
  });

  it("a connector 500 on the card update is retried by the queue and the update done once", async () => {
    const actionId = data.blocks[1] as number;
    const reply = await replyOf(actionId);
    expect((await click(FIN, actionId)).body).toMatchObject({ type: CARD });
    connector.failNext(500);
    const before = connector.calls.length;
    await worker.runDue();
    expect(connector.calls.slice(before).map((c) => [c.method, c.activityId, c.status])).toEqual([
      ["PUT", reply, 500],
      ["PUT", reply, 200],
    ]);
    const [job] = await jobsOf(actionId);
    expect(job).toMatchObject({ kind: "teams.refresh-action", state: "DONE", attempts: 2 });
    expect(await worker.runDue()).toBe(0);
    expect(connector.calls.length).toBe(before + 2);
  });

  it("after a crash between the decision and its effects (worker never ran, one job left RUNNING), a fresh worker does each effect once", async () => {
    const actionId = data.notices[1] as number;
    const reply = await replyOf(actionId);
    const before = connector.calls.length;
    expect((await click(FIN, actionId)).body).toMatchObject({ type: CARD });
    expect((await click(OWNER, actionId)).body).toMatchObject({ type: CARD });
    expect(await db.prisma.vote.count({ where: { actionId } })).toBe(2);
    expect(connector.calls.length).toBe(before); // nothing reached Teams: the process "dies" here
    // The dead process had claimed the announcement: its lease has run out.
    const announce = (await jobsOf(actionId)).find((j) => j.kind === "teams.announce-decision");
    await db.prisma.job.update({
      where: { id: announce?.id as bigint },
      data: { state: "RUNNING", attempts: 1, lockedBy: "dead-host:1", lockedUntil: new Date(Date.now() - 1000) },
    });
    expect(await db.prisma.historyEntry.count({ where: { kind: "document.formal_notice", actionId } })).toBe(0);

    // Restart: a new app, a new worker.
    await app.stop();
    ({ app, port, messenger } = await startTeamsBot(db, connector.url, { now: NOW, documentsDir }));
    worker = teamsWorker(db, messenger, { now: NOW, documentsDir });
    expect(await worker.runDue()).toBe(5); // two refreshes, the announcement, the letter, its post
    const after = connector.accepted(before);
    expect(after.filter((c) => c.method === "PUT").map((c) => c.activityId)).toEqual([reply, reply]);
    expect(after.filter((c) => String(c.body.text).startsWith(`Décision sur la proposition n° ${actionId} :`))).toHaveLength(1);
    expect(after.filter(isLetter)).toHaveLength(1);
    expect(await db.prisma.historyEntry.count({ where: { kind: "document.formal_notice", actionId } })).toBe(1);
    expect((await jobsOf(actionId)).every((j) => j.state === "DONE")).toBe(true);

    const settled = connector.calls.length;
    expect(await worker.runDue()).toBe(0);
    expect(connector.calls.length).toBe(settled);
  });

  it("a repeat click by someone who already voted says so privately and updates nothing", async () => {
    const actionId = data.blocks[2] as number;
    expect((await click(FIN, actionId)).body).toMatchObject({ type: CARD });
    await worker.runDue();
    const calls = connector.calls.length;
    const jobs = await db.prisma.job.count();
    const again = await click(FIN, actionId);
    expect(again.body).toEqual({
      statusCode: 200,
      type: "application/vnd.microsoft.activity.message",
      value: "Vous avez déjà approuvé cette proposition le 31/07/2025.",
    });
    expect(await worker.runDue()).toBe(0);
    expect(await db.prisma.job.count()).toBe(jobs);
    expect(connector.calls.length).toBe(calls);
    expect(await db.prisma.historyEntry.count({ where: { kind: "action.vote", actionId } })).toBe(1);
  });

  it("votes on several actions of one reply, before the worker runs, update that reply once, showing them all", async () => {
    const [first, second] = data.together as [number, number];
    expect((await click(FIN, first)).body).toMatchObject({ type: CARD });
    expect((await click(FIN, second)).body).toMatchObject({ type: CARD });
    const before = connector.calls.length;
    // One job at a time: the first refresh finds the second still to run and leaves the reply to it.
    expect(await teamsWorker(db, messenger, { now: NOW, documentsDir, concurrency: 1 }).runDue()).toBe(2);
    const updates = connector.accepted(before).filter((c) => c.method === "PUT");
    expect(updates.map((c) => c.activityId)).toEqual(["299"]);
    expect(JSON.stringify(updates[0]?.body).match(/approuvée par Nathalie Roche/g)).toHaveLength(2);
    expect(
      (await db.prisma.job.findMany({ where: { kind: "teams.refresh-action", payload: { path: ["actionId"], equals: first } } }))[0]?.state,
    ).toBe("DONE");
  });
});
