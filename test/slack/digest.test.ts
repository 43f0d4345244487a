import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebClient } from "@slack/web-api";
import type { App } from "@slack/bolt";
import { slackDigestPublisher } from "../../src/bot/slack/publisher.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { runWeeklyDigest } from "../../src/jobs/weeklyDigest.js";
import { createLogger } from "../../src/log.js";
import { seedBlockProposals } from "../helpers/committeeFixtures.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { migrate } from "../../src/db/migrate.js";
import { slackJobWorker } from "../helpers/slackJobs.js";
import { SlackStandIn } from "../helpers/slackStandIn.js";
import { buttonClick, exchangeWithBot, postEvent, postToBot, viewSubmission, startSlackBot } from "../helpers/slackRequests.js";
import { setCompanyLocale } from "../helpers/locale.js";

afterAll(dropTestSchemas);

const ASOF = d("2026-11-20");
const logger = createLogger("silent");

describe.each(targets)("the weekly digest in Slack on $name", (target) => {
  let url: string;
  let db: Database;
  let slack: SlackStandIn;
  let app: App;
  let port: number;
  let people: { finance: number; owner: number; other: number };

  beforeAll(async () => {
    url = target.name === "pglite" ? "memory:" : await target.freshUrl();
    db = target.name === "pglite" ? await freshDatabase(target) : await openDatabase(url);
    await migrate(db);
    // Asserted in English (locale en-GB); test/i18n/chatLanguage.test.ts checks French, the default.
    await setCompanyLocale(db, "en-GB");
    slack = await new SlackStandIn().start();
    const person = async (name: string, roles: Array<"FINANCE" | "SALES">, slackId: string) =>
      (await db.prisma.person.create({ data: { name, roles, identities: { create: [{ platform: "SLACK", externalId: slackId }] } } })).id;
    people = {
      finance: await person("Nathalie Roche", ["FINANCE"], "UFIN"),
      owner: await person("Claire Dumont", ["SALES"], "UCLAIRE"),
      other: await person("Marc Petit", ["SALES"], "UMARC"),
    };
    // 300 accounts, each with a block awaiting decision: the digest must still be valid Block Kit.
    await seedBlockProposals(db, 300, people.owner);
    ({ app, port } = await startSlackBot(db, slack.url));
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.stop();
    await db?.close();
  });

  it("is posted once even when two job runners fire at the same time, and 300 actions still make valid messages", async () => {
    const client = new WebClient("xoxb-test", { slackApiUrl: `${slack.url}/api/` });
    const second = target.name === "pglite" ? db : await openDatabase(url);
    try {
      const runs = await Promise.all(
        [db, second].map((handle) =>
          runWeeklyDigest(
            { db: handle, policy: defaultPolicy, publisher: slackDigestPublisher(client, "CCOMMITTEE"), logger },
            ASOF,
            new Date("2026-11-20T07:00:00Z"),
          ),
        ),
      );
      expect(runs.map((r) => r.status).sort()).toEqual(["posted", "skipped"]);
    } finally {
      if (second !== db) await second.close();
    }
    let posts = slack.calls.filter((c) => c.path.startsWith("/api/chat.postMessage"));
    // one summary, then the agenda in the thread (the policy's 15 proposals), split to fit Slack's limits
    // (checked by the stand-in), and "285 more, smaller: show"
    expect(posts.filter((p) => !p.body.thread_ts)).toHaveLength(1);
    let threaded = posts.filter((p) => p.body.thread_ts);
    const sections = (list: typeof posts) =>
      list.flatMap((p) => ((p.body.blocks ?? []) as Array<{ block_id?: string }>).filter((b) => b.block_id?.startsWith("action-")));
    expect(sections(threaded)).toHaveLength(15);
    const more = threaded.find((p) => JSON.stringify(p.body.blocks ?? []).includes('"action_id":"digest_more"'));
    expect(JSON.stringify(more?.body.blocks)).toContain("285 more, smaller: show");
    // ... and the history anchor, a line of text last in the thread (published outside the database)
    expect(threaded.filter((p) => !p.body.blocks).map((p) => String(p.body.text))).toEqual([
      expect.stringMatching(/^History anchor #\d+ of .*SHA-256 [0-9a-f]{64}$/),
    ]);
    // "show": the other 285 are posted in the thread, split to fit too; a second click posts nothing.
    const summaryRow = await db.prisma.postedMessage.findFirstOrThrow({ where: { part: "summary" } });
    const moreRow = await db.prisma.postedMessage.findFirstOrThrow({ where: { part: "more" } });
    const showMore = (actionTs: string) =>
      postToBot(
        port,
        buttonClick({
          user: "UCLAIRE",
          channel: "CCOMMITTEE",
          message: { ts: moreRow.ts, thread_ts: summaryRow.ts },
          responseUrl: `${slack.url}/response/${actionTs}`,
          action: { action_id: "digest_more", block_id: "more", value: "2026-W47", action_ts: actionTs },
        }),
      );
    let before = slack.calls.length;
    expect(await showMore("50.1")).toBe(200);
    expect(JSON.stringify((await slack.waitFor("/response/50.1", before)).body)).toContain("285 more proposals posted in the thread.");
    before = slack.calls.length;
    expect(await showMore("50.2")).toBe(200);
    expect(JSON.stringify((await slack.waitFor("/response/50.2", before)).body)).toContain("They are already in the thread.");
    posts = slack.calls.filter((c) => c.path.startsWith("/api/chat.postMessage"));
    threaded = posts.filter((p) => p.body.thread_ts);
    const shown = sections(threaded);
    expect(shown).toHaveLength(300);
    expect(new Set(shown.map((b) => b.block_id)).size).toBe(300);
    // the two charts, uploaded as files into the thread
    const charts = [...slack.uploads.values()];
    const summaryTs = (await db.prisma.postedMessage.findFirstOrThrow({ where: { part: "summary" } })).ts;
    expect(charts.map((c) => [c.filename, c.completed, c.channel, c.threadTs])).toEqual([
      ["aging-2026-W47.png", true, "CCOMMITTEE", summaryTs],
      ["dso-2026-W47.png", true, "CCOMMITTEE", summaryTs],
    ]);
    expect(charts[0]?.data?.subarray(1, 4).toString()).toBe("PNG");
    // every post, the 2 charts and the claim of the "show" click are recorded
    expect(await db.prisma.postedMessage.count()).toBe(posts.length + 3);
    const again = await runWeeklyDigest({ db, policy: defaultPolicy, publisher: slackDigestPublisher(client, "CCOMMITTEE"), logger }, ASOF);
    expect(again.status).toBe("skipped");
  });

  const click = (user: string, actionId: number, message: { ts: string; thread_ts: string }, actionTs: string) =>
    postToBot(
      port,
      buttonClick({
        user,
        channel: "CCOMMITTEE",
        message,
        responseUrl: `${slack.url}/response/${actionTs}`,
        action: { action_id: "vote_approve", block_id: `action-${actionId}`, value: String(actionId), action_ts: actionTs },
      }),
    );

  it("an Approve click is checked against the policy, recorded once, and the message updated; the quorum applies the block", async () => {
    const part = await db.prisma.postedMessage.findFirstOrThrow({ where: { part: "actions-1" } });
    const summary = await db.prisma.postedMessage.findFirstOrThrow({ where: { part: "summary" } });
    const actionId = part.actionIds[0] as number;
    const message = { ts: part.ts, thread_ts: summary.ts };

    // A sales rep who does not own the account: refused, privately, nothing recorded.
    let before = slack.calls.length;
    expect(await click("UMARC", actionId, message, "100.1")).toBe(200);
    const refusal = await slack.waitFor("/response/", before);
    expect(JSON.stringify(refusal.body)).toContain(
      "Blocking deliveries is decided by finance and the account's sales owner; Marc Petit is not one of them.",
    );
    expect(await db.prisma.vote.count()).toBe(0);

    // Finance clicks three times (double click + a Slack retry): one vote, each click answered privately; the
    // job queue then updates the message once, showing what is missing.
    const worker = slackJobWorker(db, slack.url);
    before = slack.calls.length;
    for (const ts of ["200.1", "200.2", "200.3"]) expect(await click("UFIN", actionId, message, ts)).toBe(200);
    for (const ts of ["200.1", "200.2", "200.3"]) await slack.waitFor(`/response/${ts}`, before);
    expect(await db.prisma.vote.count({ where: { actionId } })).toBe(1);
    expect(slack.calls.slice(before).filter((c) => c.path.startsWith("/api/chat.update"))).toEqual([]);
    expect(await worker.runDue()).toBe(1);
    const update = await slack.waitFor("/api/chat.update", before);
    expect(update.body).toMatchObject({ channel: part.channel, ts: part.ts });
    expect(JSON.stringify(update.body.blocks)).toContain("still needed: the sales owner (Claire Dumont)");

    // The sales owner approves: applied, announced in the thread, the buttons gone.
    before = slack.calls.length;
    expect(await click("UCLAIRE", actionId, message, "300.1")).toBe(200);
    expect(JSON.stringify((await slack.waitFor("/response/300.1", before)).body)).toContain(`Decision on #${actionId}: applied`);
    await worker.runDue();
    const announcement = await slack.waitFor("/api/chat.postMessage", before);
    expect(announcement.body.thread_ts).toBe(summary.ts);
    expect(String(announcement.body.text)).toBe(
      `Decision on #${actionId}: applied: deliveries blocked (approved by Nathalie Roche, Claire Dumont).`,
    );
    const action = await db.prisma.proposedAction.findUniqueOrThrow({ where: { id: actionId }, include: { customer: true } });
    expect(action.status).toBe("APPLIED");
    expect(action.customer.blocked).toBe(true);
    const updates = slack.calls.slice(before).filter((c) => c.path.startsWith("/api/chat.update"));
    const last = JSON.stringify(updates.at(-1)?.body.blocks);
    expect(last).not.toContain(`"block_id":"action-${actionId}"`);
  });

  it("App Home shows what awaits the person's vote, with the buttons; a vote there updates it", async () => {
    let before = slack.calls.length;
    expect(await postEvent(port, { type: "app_home_opened", user: "UFIN", channel: "D1", tab: "home" }, "EvHome1")).toBe(200);
    const published = await slack.waitFor("/api/views.publish", before);
    expect(published.body.user_id).toBe("UFIN");
    const view = (typeof published.body.view === "string" ? JSON.parse(published.body.view) : published.body.view) as {
      blocks: Array<{ block_id?: string; text?: { text: string } }>;
    };
    const awaiting = await db.prisma.proposedAction.count({ where: { status: "PROPOSED", votes: { none: { personId: people.finance } } } });
    expect(JSON.stringify(view.blocks)).toContain(`Awaiting your decision (${awaiting})`);
    const first = view.blocks.find((b) => b.block_id?.startsWith("action-"));
    const actionId = Number(first?.block_id?.replace("action-", ""));
    // a sales rep who owns none of these accounts has nothing awaiting
    before = slack.calls.length;
    expect(await postEvent(port, { type: "app_home_opened", user: "UMARC", channel: "D2", tab: "home" }, "EvHome2")).toBe(200);
    expect(JSON.stringify((await slack.waitFor("/api/views.publish", before)).body.view)).toContain("Nothing awaits your vote.");

    before = slack.calls.length;
    const click = buttonClick({
      user: "UFIN",
      channel: "",
      message: { ts: "" },
      responseUrl: `${slack.url}/response/home1`,
      action: { action_id: "vote_approve", block_id: `action-${actionId}`, value: String(actionId), action_ts: "500.1" },
    });
    const payload = JSON.parse(click.payload as string) as Record<string, unknown>;
    delete payload.message;
    delete payload.channel;
    payload.container = { type: "view", view_id: "VHOME" };
    expect(await postToBot(port, { payload: JSON.stringify(payload) })).toBe(200);
    const republished = await slack.waitFor("/api/views.publish", before);
    expect(JSON.stringify(republished.body.view)).toContain(`Awaiting your decision (${awaiting - 1})`);
    expect(await db.prisma.vote.count({ where: { actionId, personId: people.finance } })).toBe(1);
  });

  it("messages written in the digest's thread are recorded as committee discussion, once each", async () => {
    const summary = await db.prisma.postedMessage.findFirstOrThrow({ where: { platform: "SLACK", part: "summary" } });
    const part = await db.prisma.postedMessage.findFirstOrThrow({ where: { platform: "SLACK", part: "actions-2" } });
    const actionId = part.actionIds[0] as number;
    const message = (ts: string, text: string, user = "UCLAIRE") => ({
      type: "message",
      channel: "CCOMMITTEE",
      user,
      text,
      ts,
      thread_ts: summary.ts,
      team: "T1",
    });
    // delivered twice (Slack retries when the ack is late): one entry
    expect(await postEvent(port, message("1800000000.000100", `#${actionId} I saw them last week, they will pay Friday`), "Ev1")).toBe(200);
    expect(await postEvent(port, message("1800000000.000100", `#${actionId} I saw them last week, they will pay Friday`), "Ev1")).toBe(200);
    expect(await postEvent(port, message("1800000000.000200", "Good week overall", "UNKNOWN"), "Ev2")).toBe(200);
    // not in a digest thread, or from a bot: not committee discussion
    expect(await postEvent(port, { ...message("1800000000.000300", "lunch?"), thread_ts: "1.0" }, "Ev3")).toBe(200);
    expect(await postEvent(port, { ...message("1800000000.000400", "bot says"), bot_id: "B1" }, "Ev4")).toBe(200);
    const deadline = Date.now() + 3000;
    let entries = await db.prisma.historyEntry.findMany({ where: { kind: "committee.discussion" }, orderBy: { id: "asc" } });
    while (entries.length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      entries = await db.prisma.historyEntry.findMany({ where: { kind: "committee.discussion" }, orderBy: { id: "asc" } });
    }
    await new Promise((r) => setTimeout(r, 200));
    entries = await db.prisma.historyEntry.findMany({ where: { kind: "committee.discussion" }, orderBy: { id: "asc" } });
    // Slack delivers the two messages concurrently: which is recorded first is not the rule under test.
    entries.sort((a, b) => (a.text < b.text ? -1 : 1));
    expect(entries.map((e) => [e.customerId !== null, e.actionId, e.actorLabel, e.text])).toEqual([
      [true, actionId, null, `#${actionId} I saw them last week, they will pay Friday`],
      [false, null, "slack:UNKNOWN", "Good week overall"],
    ]);
    expect(entries[0]?.actorId).toBe(people.owner);
  });

  it("Comment opens a form; the comment goes to the history and to the thread", async () => {
    const part = await db.prisma.postedMessage.findFirstOrThrow({ where: { part: "actions-1" } });
    const summary = await db.prisma.postedMessage.findFirstOrThrow({ where: { part: "summary" } });
    const actionId = part.actionIds[1] as number;
    let before = slack.calls.length;
    const clicked = buttonClick({
      user: "UFIN",
      channel: "CCOMMITTEE",
      message: { ts: part.ts, thread_ts: summary.ts },
      responseUrl: `${slack.url}/response/c1`,
      action: { action_id: "vote_comment", value: String(actionId), action_ts: "400.1" },
    });
    expect(await postToBot(port, clicked)).toBe(200);
    const opened = await slack.waitFor("/api/views.open", before);
    const view = (typeof opened.body.view === "string" ? JSON.parse(opened.body.view) : opened.body.view) as {
      callback_id: string;
      private_metadata: string;
    };
    expect(view.callback_id).toBe("comment_modal");
    const submit = (text: string) =>
      exchangeWithBot(
        port,
        viewSubmission({
          user: "UFIN",
          callbackId: "comment_modal",
          privateMetadata: view.private_metadata,
          values: { comment: { value: { type: "plain_text_input", value: text } } },
        }),
      );
    expect(JSON.parse((await submit("   ")).body)).toEqual({
      response_action: "errors",
      errors: { comment: "Write a comment, or cancel." },
    });
    before = slack.calls.length;
    expect((await submit("They paid half yesterday, wait a week")).status).toBe(200);
    const echoed = await slack.waitFor("/api/chat.postMessage", before);
    expect(echoed.body).toMatchObject({
      channel: "CCOMMITTEE",
      thread_ts: summary.ts,
      text: `Nathalie Roche on #${actionId} (Customer 2): They paid half yesterday, wait a week`,
    });
    const entry = await db.prisma.historyEntry.findFirstOrThrow({ where: { kind: "action.comment", actionId } });
    expect(entry.text).toBe("Nathalie Roche on blocking deliveries: They paid half yesterday, wait a week");
  });

  it("'Approve the N delivery blocks above' is one click, each proposal checked and recorded on its own with its effects", async () => {
    const summary = await db.prisma.postedMessage.findFirstOrThrow({ where: { platform: "SLACK", part: "summary" } });
    const part = await db.prisma.postedMessage.findFirstOrThrow({ where: { platform: "SLACK", part: "actions-3" } });
    const ids = (await db.prisma.proposedAction.findMany({ where: { id: { in: part.actionIds }, status: "PROPOSED" } })).map((a) => a.id);
    expect(ids.length).toBeGreaterThan(1);
    const batch = (user: string, actionTs: string) =>
      postToBot(
        port,
        buttonClick({
          user,
          channel: "CCOMMITTEE",
          message: { ts: part.ts, thread_ts: summary.ts },
          responseUrl: `${slack.url}/response/${actionTs}`,
          action: { action_id: "vote_batch:BLOCK_DELIVERIES", block_id: "batch", value: ids.join(","), action_ts: actionTs },
        }),
      );
    const jobsBefore = await db.prisma.job.count();
    let before = slack.calls.length;
    // A sales rep who owns none of them: each refused, nothing recorded.
    expect(await batch("UMARC", "700.1")).toBe(200);
    expect(JSON.stringify((await slack.waitFor("/response/700.1", before)).body)).toContain(`${ids.length} not yours to decide.`);
    before = slack.calls.length;
    expect(await batch("UFIN", "700.2")).toBe(200);
    expect(JSON.stringify((await slack.waitFor("/response/700.2", before)).body)).toContain(
      `${ids.length} recorded, awaiting other approvals.`,
    );
    for (const id of ids)
      expect(await db.prisma.historyEntry.count({ where: { actionId: id, kind: "action.vote", actorId: people.finance } })).toBe(1);
    // one refresh job per vote, as for single clicks
    expect((await db.prisma.job.count()) - jobsBefore).toBe(ids.length);
  });
});
