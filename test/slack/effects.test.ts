// A decision's effects in Slack are jobs: the click records the vote and answers privately, nothing more; the
// worker updates the digest's messages, announces the decision in the thread and posts the letter, each once,
// whatever Slack answers (a rate limit, a refusal) and however often the worker runs.
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "@slack/bolt";
import { busy } from "../../src/bot/slack/deps.js";
import type { Database } from "../../src/db/database.js";
import { enqueue, type JobWorker } from "../../src/jobs/queue.js";
import { JOB_KINDS } from "../../src/usecases/effects.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { slackJobWorker } from "../helpers/slackJobs.js";
import { SlackStandIn, type RecordedCall } from "../helpers/slackStandIn.js";
import { buttonClick, postToBot, startSlackBot } from "../helpers/slackRequests.js";
import { setCompanyLocale } from "../helpers/locale.js";

afterAll(dropTestSchemas);

const NOW = () => new Date("2025-07-31T08:00:00Z");
const SUMMARY = { channel: "CCOMMITTEE", ts: "1700000000.000100" };
const PART = { channel: "CCOMMITTEE", ts: "1700000000.000200" };

/**
 * Finance (UFIN), a sales owner (UCLAIRE), an admin (UADMIN); a formal notice (finance + owner decide) and an
 * unblock (finance alone) shown in this week's posted digest, and in next week's digest, planned, not posted.
 */
async function fixture(db: Database): Promise<{ notice: number; unblock: number }> {
  await db.prisma.companySettings.upsert({
    where: { id: 1 },
    create: { companyName: "Démo Industries SAS", companyAddress: "12 rue de la Paix\n75002 Paris" },
    update: { companyName: "Démo Industries SAS", companyAddress: "12 rue de la Paix\n75002 Paris" },
  });
  const person = (name: string, roles: Array<"FINANCE" | "SALES" | "ADMIN">, slack: string) =>
    db.prisma.person.create({ data: { name, roles, identities: { create: [{ platform: "SLACK", externalId: slack }] } } });
  await person("Nathalie Roche", ["FINANCE"], "UFIN");
  const owner = await person("Claire Dumont", ["SALES"], "UCLAIRE");
  await person("Karim Benali", ["ADMIN"], "UADMIN");
  const cafe = await db.prisma.customer.create({
    data: { externalId: "C010", name: "Café du Port", currency: "EUR", address: "3 quai Est\n13002 Marseille", salesOwnerId: owner.id },
  });
  const invoice = await db.prisma.invoice.create({
    data: {
      customerId: cafe.id,
      number: "F2025-0101",
      issueDate: new Date("2025-01-05T00:00:00Z"),
      dueDate: new Date("2025-02-04T00:00:00Z"),
      amount: 250_000n,
      openAmount: 250_000n,
      currency: "EUR",
      source: "CSV",
    },
  });
  const notice = await db.prisma.proposedAction.create({
    data: {
      customerId: cafe.id,
      kind: "FORMAL_NOTICE",
      reason: "last reminder done, no answer",
      period: "2025-W31",
      params: { deadlineDays: "8" },
      invoices: { create: [{ invoiceId: invoice.id }] },
    },
  });
  const hotel = await db.prisma.customer.create({ data: { externalId: "C020", name: "Hôtel Nord", currency: "EUR", blocked: true } });
  const unblock = await db.prisma.proposedAction.create({
    data: { customerId: hotel.id, kind: "UNBLOCK_DELIVERIES", reason: "paid in full", period: "2025-W31" },
  });
  const actionIds = [notice.id, unblock.id];
  await db.prisma.postedMessage.createMany({
    data: [
      { platform: "SLACK", job: "weekly-digest", slot: "2025-W31", part: "summary", ...SUMMARY, actionIds: [] },
      { platform: "SLACK", job: "weekly-digest", slot: "2025-W31", part: "actions-1", ...PART, actionIds },
      // planned at the next digest's preparation, not posted yet: nothing to update there
      { platform: "SLACK", job: "weekly-digest", slot: "2025-W32", part: "actions-1", channel: "", ts: "", actionIds },
    ],
  });
  return { notice: notice.id, unblock: unblock.id };
}

const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const of = (calls: RecordedCall[], prefix: string) => calls.filter((c) => c.path.startsWith(prefix));

describe.each(targets)("a decision's effects in Slack, as jobs, on $name", (target) => {
  let db: Database;
  let slack: SlackStandIn;
  let app: App;
  let port: number;
  let actions: { notice: number; unblock: number };
  let documentsDir: string;
  let worker: JobWorker;
  let appRunning = false;

  beforeEach(async () => {
    db = await freshDatabase(target);
    // The company speaks French (the default, set explicitly); test/i18n/chatLanguage.test.ts checks English too.
    await setCompanyLocale(db, "fr-FR");
    actions = await fixture(db);
    slack = await new SlackStandIn().start();
    documentsDir = mkdtempSync(path.join(tmpdir(), "letters-"));
    ({ app, port } = await startSlackBot(db, slack.url, { now: NOW, documentsDir }));
    appRunning = true;
    worker = slackJobWorker(db, slack.url, { now: NOW, documentsDir });
  });
  afterEach(async () => {
    if (appRunning) await app.stop();
    await slack?.stop();
    await db?.close();
  });

  /** A click on a button of the digest's message (its answer comes back through response_url). */
  const inThread = (user: string, actionId: number, answerTo: string, bot = port) =>
    postToBot(
      bot,
      buttonClick({
        user,
        channel: PART.channel,
        message: { ts: PART.ts, thread_ts: SUMMARY.ts },
        responseUrl: `${slack.url}/response/${answerTo}`,
        action: { action_id: "vote_approve", block_id: `action-${actionId}`, value: String(actionId), action_ts: answerTo },
      }),
    );
  const answer = async (answerTo: string) => JSON.stringify((await slack.waitFor(`/response/${answerTo}`)).body);

  it("an Approve from App Home is answered in the Home; the jobs then update the digest's message and announce the decision", async () => {
    const click = JSON.parse(
      buttonClick({
        user: "UFIN",
        channel: "",
        message: { ts: "" },
        responseUrl: `${slack.url}/response/unused`,
        action: { action_id: "vote_approve", block_id: `action-${actions.unblock}`, value: String(actions.unblock), action_ts: "9.1" },
      }).payload as string,
    ) as Record<string, unknown>;
    delete click.message;
    delete click.channel;
    delete click.response_url; // App Home clicks carry none
    click.container = { type: "view", view_id: "VHOME" };
    expect(await postToBot(port, { payload: JSON.stringify(click) })).toBe(200);
    const home = JSON.stringify((await slack.waitFor("/api/views.publish")).body.view);
    expect(home).toContain(
      // The company speaks French (the default); the decision's own words (usecases/votes.ts) are not in the catalogues yet.
      `Votre approbation de la proposition n° ${actions.unblock} est enregistrée. Décision sur la proposition n° ${actions.unblock} : appliquée, livraisons débloquées (approuvée par Nathalie Roche). Le fil du compte rendu l’annoncera.`,
    );
    // the request did nothing else
    expect(slack.calls.map((c) => c.path).filter((p) => p !== "/api/auth.test")).toEqual(["/api/views.publish"]);

    expect(await worker.runDue()).toBe(2);
    const updates = of(slack.calls, "/api/chat.update");
    expect(updates.map((u) => [u.body.channel, u.body.ts])).toEqual([[PART.channel, PART.ts]]); // W32's planned part skipped
    const blocks = JSON.stringify(updates[0]?.body.blocks);
    expect(blocks).toContain("*appliquée*: livraisons débloquées (approuvée par Nathalie Roche)");
    expect(blocks).not.toContain(`"block_id":"action-${actions.unblock}"`);
    expect(blocks).toContain(`"block_id":"action-${actions.notice}"`); // still undecided: its buttons stay
    const posts = of(slack.calls, "/api/chat.postMessage");
    expect(posts.map((p) => [p.body.channel, p.body.thread_ts, p.body.text])).toEqual([
      [SUMMARY.channel, SUMMARY.ts, `Décision sur la proposition n° ${actions.unblock} : appliquée, livraisons débloquées (approuvée par Nathalie Roche).`],
    ]);
    expect(await db.prisma.job.count({ where: { state: { not: "DONE" } } })).toBe(0);
  });

  it("a formal notice approved in the thread: nothing but the answers in the request; a fresh worker later does every effect once", async () => {
    expect(await inThread("UFIN", actions.notice, "a1")).toBe(200);
    expect(await answer("a1")).toContain(
      `Votre approbation de la proposition n° ${actions.notice} est enregistrée. Encore nécessaire : le commercial du compte (Claire Dumont).`,
    );
    expect(await inThread("UCLAIRE", actions.notice, "a2")).toBe(200);
    expect(await answer("a2")).toContain(
      `Décision sur la proposition n° ${actions.notice} : appliquée, mise en demeure à envoyer (délai de 8 jours) (approuvée par Nathalie Roche, Claire Dumont).`,
    );
    // "kill -9" between the decision and its effects: the votes are recorded, the worker never ran.
    await app.stop();
    appRunning = false;
    expect(of(slack.calls, "/api/chat.update")).toEqual([]);
    expect(of(slack.calls, "/api/chat.postMessage")).toEqual([]);
    expect(slack.uploads.size).toBe(0);
    expect(await db.prisma.historyEntry.count({ where: { kind: "document.formal_notice" } })).toBe(0);
    const pending = await db.prisma.job.findMany({ where: { state: "PENDING" }, orderBy: { id: "asc" } });
    expect(pending.map((j) => j.kind)).toEqual([
      JOB_KINDS.refreshAction("SLACK"),
      JOB_KINDS.refreshAction("SLACK"),
      JOB_KINDS.announceDecision("SLACK"),
      JOB_KINDS.formalNoticeLetter,
    ]);

    // A fresh worker, later: the letter issued, the message updated twice (once per vote), one announcement,
    // one upload of the letter into the thread.
    expect(await worker.runDue()).toBe(5);
    const updates = of(slack.calls, "/api/chat.update");
    expect(updates).toHaveLength(2);
    expect(JSON.stringify(updates.at(-1)?.body.blocks)).not.toContain(`"block_id":"action-${actions.notice}"`);
    const posts = of(slack.calls, "/api/chat.postMessage");
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toMatchObject({ channel: SUMMARY.channel, thread_ts: SUMMARY.ts });
    expect([...slack.uploads.values()].map((u) => [u.filename, u.completed, u.channel, u.threadTs])).toEqual([
      ["formal-notice-C010-2025-07-31.pdf", true, SUMMARY.channel, SUMMARY.ts],
    ]);
    const entry = await db.prisma.historyEntry.findFirstOrThrow({ where: { kind: "document.formal_notice", actionId: actions.notice } });
    const upload = [...slack.uploads.values()][0];
    expect((entry.data as { sha256: string }).sha256).toBe(sha(upload?.data as Buffer));
    const completed = of(slack.calls, "/api/files.completeUploadExternal")[0];
    expect(String(completed?.body.initial_comment)).toContain(`Mise en demeure à Café du Port`);
    expect(String(completed?.body.initial_comment)).toContain(sha(upload?.data as Buffer));

    // Running again does nothing; so does asking for the same effects again (same keys)…
    const before = slack.calls.length;
    expect(await worker.runDue()).toBe(0);
    const again = await db.prisma.$transaction((tx) =>
      enqueue(
        tx,
        pending.map((j) => ({ kind: j.kind, key: j.key, payload: j.payload as Record<string, unknown> })),
      ),
    );
    expect(again).toBe(0);
    // …and a crash after Slack accepted the posts but before the jobs were marked done: rerun, no second post.
    await db.prisma.job.updateMany({ data: { state: "PENDING", runAt: new Date(0) } });
    expect(await worker.runDue()).toBe(5);
    const rerun = slack.calls.slice(before);
    expect(of(rerun, "/api/chat.postMessage")).toEqual([]);
    expect(of(rerun, "/api/files.")).toEqual([]);
    expect(slack.uploads.size).toBe(1);
    expect(await db.prisma.historyEntry.count({ where: { kind: "document.formal_notice" } })).toBe(1);
    // the refreshes re-render the same state
    expect(of(rerun, "/api/chat.update").map((u) => JSON.stringify(u.body.blocks))).toEqual([
      JSON.stringify(updates.at(-1)?.body.blocks),
      JSON.stringify(updates.at(-1)?.body.blocks),
    ]);
  });

  it("chat.update rate-limited with Retry-After 16: the answer was already sent, the update waits at least 15 s", async () => {
    expect(await inThread("UFIN", actions.unblock, "r1")).toBe(200);
    expect(await answer("r1")).toContain(`Votre approbation de la proposition n° ${actions.unblock} est enregistrée.`);
    slack.failNext("chat.update", "ratelimited", 16);
    const started = Date.now();
    await worker.runDue();
    const refresh = await db.prisma.job.findFirstOrThrow({ where: { kind: JOB_KINDS.refreshAction("SLACK") } });
    expect(refresh.state).toBe("PENDING");
    expect(refresh.attempts).toBe(1);
    expect(refresh.runAt.getTime()).toBeGreaterThanOrEqual(started + 15_000);
    expect(refresh.lastError).toContain("rate-limited");
    // the announcement is another job: not held back by the rate-limited update
    expect(of(slack.calls, "/api/chat.postMessage").map((p) => p.body.thread_ts)).toEqual([SUMMARY.ts]);
    expect(await db.prisma.job.count({ where: { kind: JOB_KINDS.announceDecision("SLACK"), state: "DONE" } })).toBe(1);
  });

  it("chat.update refused with channel_not_found: that job fails for good, the admin is told once, the letter is still issued", async () => {
    expect(await inThread("UFIN", actions.notice, "f1")).toBe(200);
    await slack.waitFor("/response/f1");
    expect(await inThread("UCLAIRE", actions.notice, "f2")).toBe(200);
    await slack.waitFor("/response/f2");
    slack.failNext("chat.update", "channel_not_found");
    await worker.runDue();
    const failed = await db.prisma.job.findMany({ where: { state: "FAILED" } });
    expect(failed.map((j) => [j.kind, j.attempts])).toEqual([[JOB_KINDS.refreshAction("SLACK"), 1]]);
    expect(failed[0]?.lastError).toContain("channel_not_found");
    const id = String(failed[0]?.id);
    const told = of(slack.calls, "/api/chat.postMessage").filter((p) => p.body.channel === "UADMIN");
    expect(told.map((p) => p.body.text)).toEqual([
      `Une action différée a définitivement échoué : slack.refresh-action n° ${id} : PermanentJobError: Slack refused the call: channel_not_found. Corrigez la cause, puis : ccbot jobs retry ${id}`,
    ]);
    expect(await db.prisma.historyEntry.count({ where: { kind: "document.formal_notice", actionId: actions.notice } })).toBe(1);
    expect(slack.uploads.size).toBe(1);
    expect(await db.prisma.job.count({ where: { state: { notIn: ["DONE", "FAILED"] } } })).toBe(0);
    // nothing more on another run: the admin is not told twice
    await worker.runDue();
    expect(of(slack.calls, "/api/chat.postMessage").filter((p) => p.body.channel === "UADMIN")).toHaveLength(1);
  });

  it("a repeat click by someone who already approved is answered privately with the date, and updates nothing", async () => {
    expect(await inThread("UFIN", actions.notice, "p1")).toBe(200);
    await slack.waitFor("/response/p1");
    await worker.runDue();
    const updatesBefore = of(slack.calls, "/api/chat.update").length;
    const jobsBefore = await db.prisma.job.count();
    expect(updatesBefore).toBe(1);
    expect(await inThread("UFIN", actions.notice, "p2")).toBe(200);
    expect(await answer("p2")).toContain("Vous avez déjà approuvé cette proposition le 31/07/2025.");
    expect(await worker.runDue()).toBe(0);
    expect(await db.prisma.job.count()).toBe(jobsBefore);
    expect(of(slack.calls, "/api/chat.update")).toHaveLength(updatesBefore);
  });

  it("when more clicks wait than the bound, the next is answered 'busy' at once and nothing is recorded for it", async () => {
    // One at a time, no waiting room: while the first click's answer is held, the second finds no turn.
    const tight = await startSlackBot(db, slack.url, { now: NOW, documentsDir, afterAck: { concurrency: 1, maxWaiting: 0 } });
    try {
      const held = slack.holdNext("/response/slow");
      expect(await inThread("UFIN", actions.notice, "slow", tight.port)).toBe(200);
      await slack.waitFor("/response/slow");
      expect(await inThread("UCLAIRE", actions.notice, "second", tight.port)).toBe(200);
      expect(await answer("second")).toContain(busy("fr-FR"));
      held.release();
      expect(await db.prisma.vote.count({ where: { actionId: actions.notice } })).toBe(1);
      // once the turn is free, the same click is handled
      expect(await inThread("UCLAIRE", actions.notice, "third", tight.port)).toBe(200);
      expect(await answer("third")).toContain(`Décision sur la proposition n° ${actions.notice} : appliquée`);
    } finally {
      await tight.app.stop();
    }
  });
});
