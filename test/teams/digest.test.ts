import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "@microsoft/teams.apps";
import type { TeamsMessenger } from "../../src/bot/teams/app.js";
import { MESSAGE_LIMIT_BYTES, VERBS } from "../../src/bot/teams/cards.js";
import { teamsDigestPublisher } from "../../src/bot/teams/publisher.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { runWeeklyDigest } from "../../src/jobs/weeklyDigest.js";
import { createLogger } from "../../src/log.js";
import { adaptiveCardProblems } from "../helpers/adaptiveCards.js";
import { BotConnectorStandIn } from "../helpers/botConnector.js";
import { seedBlockProposals } from "../helpers/committeeFixtures.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import {
  CHANNEL,
  channel,
  executeActivity,
  installActivity,
  messageActivity,
  sendActivity,
  startTeamsBot,
  teamsWorker,
  type Member,
} from "../helpers/teamsRequests.js";
import { setCompanyLocale } from "../helpers/locale.js";

afterAll(dropTestSchemas);

const ASOF = d("2026-11-20");
/** When the committee clicks: the morning the digest was posted. */
const NOW = () => new Date("2026-11-20T09:00:00Z");
const logger = createLogger("silent");
const FIN: Member = { id: "29:fin", aadObjectId: "aad-fin", name: "Nathalie Roche" };
const OWNER: Member = { id: "29:claire", aadObjectId: "aad-claire", name: "Claire Dumont" };
const OTHER: Member = { id: "29:marc", aadObjectId: "aad-marc", name: "Marc Petit" };

type Card = { version: string; body: unknown[]; refresh?: { userIds?: string[] } };
const cardsOf = (body: Record<string, unknown>) =>
  ((body.attachments as Array<{ contentType: string; content: Card }> | undefined) ?? [])
    .filter((a) => a.contentType === "application/vnd.microsoft.card.adaptive")
    .map((a) => a.content);

describe.each(targets)("the weekly digest in Teams on $name", (target) => {
  let url: string;
  let db: Database;
  let connector: BotConnectorStandIn;
  let app: App;
  let port: number;
  let messenger: TeamsMessenger;

  beforeAll(async () => {
    url = target.name === "pglite" ? "memory:" : await target.freshUrl();
    db = target.name === "pglite" ? await freshDatabase(target) : await openDatabase(url);
    await migrate(db);
    // Asserted in English (locale en-GB); test/i18n/chatLanguage.test.ts checks French, the default.
    await setCompanyLocale(db, "en-GB");
    connector = await new BotConnectorStandIn().start();
    const person = async (m: Member, roles: Array<"FINANCE" | "SALES">) =>
      (
        await db.prisma.person.create({
          data: { name: m.name, roles, identities: { create: [{ platform: "TEAMS", externalId: m.aadObjectId }] } },
        })
      ).id;
    await person(FIN, ["FINANCE"]);
    const owner = await person(OWNER, ["SALES"]);
    await person(OTHER, ["SALES"]);
    await seedBlockProposals(db, 300, owner);
    ({ app, port, messenger } = await startTeamsBot(db, connector.url, { now: NOW }));
  });
  afterAll(async () => {
    await app?.stop();
    await connector?.stop();
    await db?.close();
  });

  it("installing the app in the committee's channel stores where to post (in the database)", async () => {
    const res = await sendActivity(port, installActivity(connector.url, FIN, channel()));
    expect(res.status).toBe(200);
    const ref = await db.prisma.conversationRef.findFirstOrThrow({ where: { conversationId: CHANNEL } });
    expect(ref).toMatchObject({ platform: "TEAMS", scope: "channel", serviceUrl: connector.url, teamName: "Finance", removedAt: null });
    // the welcome message went to the channel, in the company's language (English here)
    await connector.waitFor((c) => c.conversationId === CHANNEL && String(c.body.text).includes("The weekly credit-committee digest will be posted here"));
    // the person's Teams user id was learnt, for the cards' refresh list
    expect((await db.prisma.chatIdentity.findFirstOrThrow({ where: { externalId: FIN.aadObjectId } })).botUserId).toBe(FIN.id);
  });

  it("is posted once by two runners, as valid 1.5 cards under 40 KB, 300 actions split into replies", async () => {
    // A restart first: the channel to post in comes from the stored conversation reference.
    await app.stop();
    ({ app, port, messenger } = await startTeamsBot(db, connector.url, { now: NOW }));
    const second = target.name === "pglite" ? db : await openDatabase(url);
    const before = connector.calls.length;
    try {
      const runs = await Promise.all(
        [db, second].map((handle) =>
          runWeeklyDigest(
            { db: handle, policy: defaultPolicy, publisher: teamsDigestPublisher(messenger, handle), logger },
            ASOF,
            new Date("2026-11-20T07:00:00Z"),
          ),
        ),
      );
      expect(runs.map((r) => r.status).sort()).toEqual(["posted", "skipped"]);
    } finally {
      if (second !== db) await second.close();
    }
    const rootId = (await db.prisma.postedMessage.findFirstOrThrow({ where: { platform: "TEAMS", part: "summary" } })).ts;
    const thread = () => {
      const posts = connector.accepted(before).filter((c) => c.method === "POST");
      return {
        posts,
        summary: posts.filter((p) => p.conversationId === CHANNEL),
        replies: posts.filter((p) => p.conversationId === `${CHANNEL};messageid=${rootId}`),
      };
    };
    const approveButtons = (list: ReturnType<typeof thread>["replies"]) =>
      list
        .flatMap(cardsOfPost)
        .reduce((n, card) => n + (JSON.stringify(card).match(/"type":"Action\.Execute","title":"Approve"/g)?.length ?? 0), 0);
    const cardsOfPost = (post: ReturnType<typeof thread>["replies"][number]) => cardsOf(post.body);
    let { posts, summary, replies } = thread();
    expect(summary).toHaveLength(1);
    const images = replies.filter(
      (r) => (r.body.attachments as Array<{ contentType: string }> | undefined)?.[0]?.contentType === "image/png",
    );
    // ... and the history anchor, a line of text last in the thread (published outside the database)
    const notes = replies.filter((r) => !r.body.attachments).map((r) => String(r.body.text));
    expect(notes).toEqual([expect.stringMatching(/^History anchor #\d+ of .*SHA-256 [0-9a-f]{64}$/)]);
    expect(images.map((i) => (i.body.attachments as Array<{ name: string }>)[0]?.name)).toEqual(["aging-2026-W47.png", "dso-2026-W47.png"]);
    // The agenda: the policy's 15 proposals, then "285 more, smaller: show".
    expect(approveButtons(replies)).toBe(15);
    expect(JSON.stringify(replies.map((r) => r.body))).toContain("285 more, smaller: show");
    // "show": the next cards, posted once; a second click is told they are there.
    const more = await db.prisma.postedMessage.findFirstOrThrow({ where: { platform: "TEAMS", part: "more" } });
    const shownOnce = await click(OWNER, VERBS.more, { period: "2026-W47" }, more.ts, more.channel);
    expect(String(shownOnce.body?.value)).toBe("285 more proposals posted in the thread.");
    const again = await click(OWNER, VERBS.more, { period: "2026-W47" }, more.ts, more.channel);
    expect(String(again.body?.value)).toBe("They are already in the thread.");
    ({ posts, summary, replies } = thread());
    for (const post of [...summary, ...replies]) {
      // Teams counts a message in UTF-16: 40 KB that way.
      expect(Buffer.byteLength(JSON.stringify(post.body), "utf16le")).toBeLessThanOrEqual(MESSAGE_LIMIT_BYTES);
      for (const card of cardsOf(post.body)) {
        expect(adaptiveCardProblems(card)).toEqual({ problems: [], version: "1.5" });
        expect(card.version).toBe("1.5");
      }
    }
    expect(replies.length).toBeGreaterThanOrEqual(15);
    expect(approveButtons(replies)).toBe(300);
    // every post is recorded, and the claim of the "show" click
    expect(await db.prisma.postedMessage.count({ where: { platform: "TEAMS" } })).toBe(posts.length + 1);
  });

  const worker = () => teamsWorker(db, messenger, { now: NOW });
  const click = (member: Member, verb: string, data: Record<string, unknown>, replyToId: string, conversationId: string) =>
    sendActivity(port, executeActivity(connector.url, member, channel(conversationId), replyToId, verb, data));

  it("Approve is checked against the policy; a replayed invoke records one vote; the quorum applies and announces", async () => {
    const part = await db.prisma.postedMessage.findFirstOrThrow({ where: { platform: "TEAMS", part: "actions-1" } });
    const actionId = part.actionIds[0] as number;

    // A sales rep who does not own the account: refused, with the reason, to them only; nothing recorded.
    const refused = await click(OTHER, VERBS.approve, { actionId }, part.ts, part.channel);
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.activity.message" });
    expect(String(refused.body?.value)).toContain("Marc Petit is not one of them");
    expect(await db.prisma.vote.count()).toBe(0);

    // Finance's invoke replayed: one vote; the card, refreshed for the clicker; the replay told it is on file.
    let before = connector.calls.length;
    const first = await click(FIN, VERBS.approve, { actionId }, part.ts, part.channel);
    const replay = await click(FIN, VERBS.approve, { actionId }, part.ts, part.channel);
    expect(await db.prisma.vote.count({ where: { actionId } })).toBe(1);
    expect(first.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(JSON.stringify(first.body?.value)).toContain("still needed: the sales owner (Claire Dumont)");
    expect(adaptiveCardProblems(first.body?.value).problems).toEqual([]);
    expect(replay.body).toMatchObject({ statusCode: 200, value: "You already approved this on 20/11/2026." });
    // Everyone's copy is updated by the job the vote enqueued, once.
    expect(connector.calls.length).toBe(before);
    await worker().runDue();
    expect(connector.accepted(before).filter((c) => c.method === "PUT")).toHaveLength(1);
    const update = await connector.waitFor((c) => c.method === "PUT" && c.activityId === part.ts, before);
    expect(JSON.stringify(update.body)).toContain("approved by Nathalie Roche");
    // the refresh list names the committee members who used the bot (Marc and Finance so far)
    expect(cardsOf(update.body)[0]?.refresh?.userIds).toContain(FIN.id);

    // The sales owner approves: applied, announced in the thread, the buttons of that action gone.
    before = connector.calls.length;
    const decisive = await click(OWNER, VERBS.approve, { actionId }, part.ts, part.channel);
    expect(JSON.stringify(decisive.body?.value)).not.toContain(`"actionId":${actionId}}`);
    await worker().runDue();
    const announcement = await connector.waitFor((c) => c.method === "POST" && String(c.body.text).startsWith("Decision on"), before);
    expect(announcement.conversationId).toBe(part.channel);
    expect(announcement.body.text).toBe(
      `Decision on #${actionId}: applied: deliveries blocked (approved by Nathalie Roche, Claire Dumont).`,
    );
    const action = await db.prisma.proposedAction.findUniqueOrThrow({ where: { id: actionId }, include: { customer: true } });
    expect(action.status).toBe("APPLIED");
    expect(action.customer.blocked).toBe(true);
  });

  it("what people write in the digest's thread is recorded as committee discussion, once per message", async () => {
    const summary = await db.prisma.postedMessage.findFirstOrThrow({ where: { platform: "TEAMS", part: "summary" } });
    const part = await db.prisma.postedMessage.findFirstOrThrow({ where: { platform: "TEAMS", part: "actions-2" } });
    const actionId = part.actionIds[0] as number;
    const thread = channel(`${CHANNEL};messageid=${summary.ts}`);
    const said = messageActivity(connector.url, OWNER, thread, `#${actionId} they promised to pay Friday`);
    const before = connector.calls.length;
    expect((await sendActivity(port, said)).status).toBe(200);
    expect((await sendActivity(port, said)).status).toBe(200); // the same activity delivered again
    expect((await sendActivity(port, messageActivity(connector.url, OTHER, channel(), "unrelated chatter"))).status).toBe(200);
    const entries = await db.prisma.historyEntry.findMany({ where: { kind: "committee.discussion", origin: "TEAMS" } });
    expect(entries.map((e) => [e.actionId, e.text])).toEqual([[actionId, `#${actionId} they promised to pay Friday`]]);
    // the bot did not answer any of them: it speaks in channels only when mentioned
    expect(connector.calls.length).toBe(before);
  });

  it("an older client's Action.Submit fallback (a message with the verb in its value) votes the same way", async () => {
    const part = await db.prisma.postedMessage.findFirstOrThrow({ where: { platform: "TEAMS", part: "actions-3" } });
    const actionId = part.actionIds[0] as number;
    const submit = {
      ...messageActivity(connector.url, FIN, channel(part.channel), "", { verb: VERBS.approve, actionId }),
      replyToId: part.ts,
    };
    const before = connector.calls.length;
    expect((await sendActivity(port, submit)).status).toBe(200);
    expect(await db.prisma.vote.count({ where: { actionId } })).toBe(1);
    // The answer to the clicker (a message: no invoke to answer), then everyone's card, by the job.
    const answer = await connector.waitFor(
      (c) => c.method === "POST" && JSON.stringify(c.body).includes("approved by Nathalie Roche"),
      before,
    );
    expect(answer.conversationId).toBe(part.channel);
    expect(connector.accepted(before).filter((c) => c.method === "PUT")).toEqual([]);
    await worker().runDue();
    const update = await connector.waitFor((c) => c.method === "PUT" && c.activityId === part.ts, before);
    expect(JSON.stringify(update.body)).toContain("approved by Nathalie Roche");
  });

  it("Comment records the comment in the history and echoes it in the thread", async () => {
    const part = await db.prisma.postedMessage.findFirstOrThrow({ where: { platform: "TEAMS", part: "actions-1" } });
    const actionId = part.actionIds[1] as number;
    const empty = await click(FIN, VERBS.comment, { actionId, [`comment_${actionId}`]: "  " }, part.ts, part.channel);
    expect(empty.body?.value).toBe("Write a comment first.");
    const before = connector.calls.length;
    const res = await click(
      FIN,
      VERBS.comment,
      { actionId, [`comment_${actionId}`]: "They paid half yesterday, wait a week" },
      part.ts,
      part.channel,
    );
    expect(res.body).toMatchObject({ type: "application/vnd.microsoft.card.adaptive" });
    await worker().runDue(); // the echo in the thread is a job
    const echoed = await connector.waitFor((c) => c.method === "POST" && String(c.body.text).includes("wait a week"), before);
    expect(echoed.body.text).toBe(`Nathalie Roche on #${actionId} (Customer 2): They paid half yesterday, wait a week`);
    const entry = await db.prisma.historyEntry.findFirstOrThrow({ where: { kind: "action.comment", actionId } });
    expect(entry.text).toBe("Nathalie Roche on blocking deliveries: They paid half yesterday, wait a week");
    expect(entry.origin).toBe("TEAMS");
  });

  it("'Approve the N delivery blocks above' records one vote per proposal, each checked, with the effects of each", async () => {
    const part = await db.prisma.postedMessage.findFirstOrThrow({ where: { platform: "TEAMS", part: "actions-4" } });
    const ids = (await db.prisma.proposedAction.findMany({ where: { id: { in: part.actionIds }, status: "PROPOSED" } })).map((a) => a.id);
    expect(ids.length).toBeGreaterThan(1);
    const jobsBefore = await db.prisma.job.count();
    const refused = await click(OTHER, VERBS.batch, { actionIds: ids }, part.ts, part.channel);
    expect(String(refused.body?.value)).toContain(`${ids.length} not yours to decide.`);
    const done = await click(FIN, VERBS.batch, { actionIds: ids }, part.ts, part.channel);
    // the clicker gets the card as it stands, with Nathalie's approval on each
    expect(done.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    for (const id of ids) expect(await db.prisma.vote.count({ where: { actionId: id } })).toBe(1);
    expect((await db.prisma.job.count()) - jobsBefore).toBe(ids.length);
  });
});
