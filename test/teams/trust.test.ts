// Issue 10, Teams half: only our tenant, only registered people (by role), what people typed shown as text,
// bounded answers, no token or personal data in the log, no stack to clients. Through the real Teams App over
// HTTP, with the Bot Connector stand-in recording what Teams would have received.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "@microsoft/teams.apps";
import { VERBS } from "../../src/bot/teams/cards.js";
import type { TeamsMessenger } from "../../src/bot/teams/app.js";
import { teamsDigestPublisher } from "../../src/bot/teams/publisher.js";
import type { Database } from "../../src/db/database.js";
import { NOT_REGISTERED, refusalFor } from "../../src/domain/access.js";
import { calendarDate } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { runWeeklyDigest } from "../../src/jobs/weeklyDigest.js";
import { createLogger } from "../../src/log.js";
import { BotConnectorStandIn } from "../helpers/botConnector.js";
import { seedBlockProposals } from "../helpers/committeeFixtures.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { setCompanyLocale } from "../helpers/locale.js";
import { csv, writeTemp } from "../helpers/files.js";
import {
  capturedLogger,
  CHANNEL,
  channel,
  executeActivity,
  fakeJwt,
  fromTenant,
  installActivity,
  invokeActivity,
  messageActivity,
  personalChat,
  postRaw,
  sendActivity,
  startTeamsBot,
  teamsWorker,
  type Member,
} from "../helpers/teamsRequests.js";

afterAll(dropTestSchemas);

const FOREIGN = "99999999-9999-4999-8999-999999999999";
const FOREIGN_CHANNEL = "19:foreign0123456789@thread.tacv2";
const FIN: Member = { id: "29:fin", aadObjectId: "aad-fin", name: "Nathalie Roche" };
const OWNER: Member = { id: "29:owner", aadObjectId: "aad-owner", name: "Claire Dumont" };
const SOPHIE: Member = { id: "29:sophie", aadObjectId: "aad-sophie", name: "Sophie Leroy" };
const VIEWER: Member = { id: "29:viewer", aadObjectId: "aad-viewer", name: "Victor Lemaire" };
const STRANGER: Member = { id: "29:stranger", aadObjectId: "aad-stranger", name: "Someone" };
const INJECTION = "<at>Everyone</at> **URGENT** [click](https://evil.example/pay) <b>bold</b>";

/** Markup a person typed, made inert: none of it may reach Teams as markup. */
function expectInert(text: string): void {
  expect(text).not.toContain("<at>");
  expect(text).not.toContain("<b>");
  expect(text).not.toContain("**URGENT**");
  expect(text).not.toContain("](https://");
  expect(text).toContain("&lt;at&gt;Everyone&lt;/at&gt;");
}

describe.each(targets)("the Teams trust boundary on $name", (target) => {
  let db: Database;
  let connector: BotConnectorStandIn;
  let app: App;
  let port: number;
  let messenger: TeamsMessenger;
  let c004: number;
  const log = capturedLogger();

  beforeAll(async () => {
    db = await freshDatabase(target);
    // Asserted in English (locale en-GB); test/i18n/languages.test.ts checks the French default.
    await setCompanyLocale(db, "en-GB");
    connector = await new BotConnectorStandIn().start();
    const person = async (m: Member, email: string, roles: Array<"SALES" | "COLLECTOR" | "FINANCE" | "VIEWER">) =>
      (
        await db.prisma.person.create({
          data: { name: m.name, email, roles, identities: { create: [{ platform: "TEAMS", externalId: m.aadObjectId }] } },
        })
      ).id;
    await person(FIN, "nathalie@acme.example", ["FINANCE"]);
    const owner = await person(OWNER, "claire@acme.example", ["SALES"]);
    await person(SOPHIE, "sophie@acme.example", ["COLLECTOR"]);
    await person(VIEWER, "victor@acme.example", ["VIEWER"]);
    await seedBlockProposals(db, 3, owner);
    await runImport(
      db,
      IMPORTERS.customers,
      writeTemp(
        `teams-trust-customers-${target.name}.csv`,
        csv(
          "external_id;name;collector;sales_owner;credit_limit",
          "C004;Dupont Électricité;sophie@acme.example;claire@acme.example;5000,00",
        ),
      ),
    );
    await runImport(
      db,
      IMPORTERS.invoices,
      writeTemp(
        `teams-trust-invoices-${target.name}.csv`,
        csv(
          "customer_id;number;issue_date;due_date;amount;open_amount",
          "C004;F2026-0001;2026-09-01;2026-10-01;1200,00;1200,00",
          "C004;F2026-0002;2026-09-15;2026-10-15;800,00;800,00",
        ),
      ),
    );
    c004 = (await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "C004" } })).id;
    ({ app, port, messenger } = await startTeamsBot(db, connector.url, { logger: log.logger }));
    expect((await sendActivity(port, installActivity(connector.url, SOPHIE, personalChat(SOPHIE)))).status).toBe(200);
  });
  afterAll(async () => {
    await app?.stop();
    await connector?.stop();
    await db?.close();
  });

  /** Says `text` in the person's personal chat; returns what the bot posted back there. */
  const say = async (from: Member, text: string) => {
    const before = connector.calls.length;
    expect((await sendActivity(port, messageActivity(connector.url, from, personalChat(from), text))).status).toBe(200);
    return connector.waitFor((c) => c.conversationId === personalChat(from).id, before);
  };
  const click = (from: Member, verb: string, data: Record<string, unknown>, replyToId = "1", conversation = personalChat(from)) =>
    sendActivity(port, executeActivity(connector.url, from, conversation, replyToId, verb, data));
  const digestPart = () => db.prisma.postedMessage.findFirstOrThrow({ where: { platform: "TEAMS", part: "actions-1" } });

  it("an installationUpdate from another tenant, with a valid token, is refused and stores nothing", async () => {
    const before = connector.calls.length;
    const install = installActivity(connector.url, FIN, channel(FOREIGN_CHANNEL));
    expect((await sendActivity(port, fromTenant(install, FOREIGN))).status).toBe(403);
    // Our conversation id with another tenant in channelData (the two disagree): refused too.
    expect((await sendActivity(port, fromTenant(installActivity(connector.url, FIN, channel()), FOREIGN, "channelData"))).status).toBe(403);
    // No tenant stated at all: refused.
    const noTenant = { ...install, conversation: { id: FOREIGN_CHANNEL, conversationType: "channel" }, channelData: {} };
    expect((await sendActivity(port, noTenant)).status).toBe(403);
    expect(await db.prisma.conversationRef.count({ where: { conversationId: { in: [FOREIGN_CHANNEL, CHANNEL] } } })).toBe(0);
    expect((await db.prisma.chatIdentity.findFirstOrThrow({ where: { externalId: FIN.aadObjectId } })).botUserId).toBeNull();
    expect(connector.calls.length).toBe(before);
  });

  it("credit C004 from another tenant returns no customer data", async () => {
    const before = connector.calls.length;
    const res = await sendActivity(port, fromTenant(messageActivity(connector.url, OWNER, personalChat(OWNER), "credit C004"), FOREIGN));
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body ?? "")).not.toContain("Dupont");
    const search = await sendActivity(
      port,
      fromTenant(
        invokeActivity(connector.url, OWNER, channel(), "composeExtension/query", {
          commandId: "findAccount",
          parameters: [{ name: "query", value: "C004" }],
        }),
        FOREIGN,
      ),
    );
    expect(search.status).toBe(403);
    expect(JSON.stringify(search.body ?? "")).not.toContain("Dupont");
    expect(connector.calls.length).toBe(before);
  });

  it("the weekly digest never goes to another tenant's channel, even one stored before the tenant check", async () => {
    expect((await sendActivity(port, installActivity(connector.url, FIN, channel()))).status).toBe(200);
    // Stored by an older version: the most recent channel install, from another tenant.
    await db.prisma.conversationRef.create({
      data: {
        platform: "TEAMS",
        scope: "channel",
        conversationId: FOREIGN_CHANNEL,
        serviceUrl: connector.url,
        tenantId: FOREIGN,
        updatedAt: new Date("2030-01-01T00:00:00Z"),
      },
    });
    const before = connector.calls.length;
    const run = await runWeeklyDigest(
      { db, policy: defaultPolicy, publisher: teamsDigestPublisher(messenger, db), logger: createLogger("silent") },
      calendarDate("2026-11-20"),
      new Date("2026-11-20T07:00:00Z"),
    );
    expect(run.status).toBe("posted");
    const posts = connector.accepted(before);
    expect(posts.filter((c) => c.conversationId === CHANNEL)).toHaveLength(1);
    expect(posts.filter((c) => c.conversationId.startsWith(FOREIGN_CHANNEL))).toEqual([]);
  });

  it("unregistered people are refused on every surface, told no customer and no amount", async () => {
    const refusals: string[] = [];
    refusals.push(JSON.stringify((await say(STRANGER, "credit C004")).body));
    refusals.push(JSON.stringify((await say(STRANGER, "dispute F2026-0001 price too high")).body));
    const search = await sendActivity(
      port,
      invokeActivity(connector.url, STRANGER, channel(), "composeExtension/query", {
        commandId: "findAccount",
        parameters: [{ name: "query", value: "C004" }],
      }),
    );
    refusals.push(JSON.stringify(search.body));
    const before = connector.calls.length;
    refusals.push(JSON.stringify((await click(STRANGER, VERBS.evidence, { c: c004 })).body));
    const accept = await sendActivity(
      port,
      invokeActivity(connector.url, STRANGER, personalChat(STRANGER), "fileConsent/invoke", {
        type: "fileUpload",
        action: "accept",
        context: { c: c004 },
        uploadInfo: {
          name: "e.pdf",
          uploadUrl: `${connector.url}/upload/stolen.pdf`,
          contentUrl: "https://x",
          uniqueId: "u",
          fileType: "pdf",
        },
      }),
    );
    expect(accept.status).toBe(200);
    const told = await connector.waitFor((c) => c.conversationId === personalChat(STRANGER).id, before);
    refusals.push(JSON.stringify(told.body));
    const dialog = await sendActivity(
      port,
      invokeActivity(connector.url, STRANGER, channel(), "composeExtension/fetchTask", {
        commandId: "flagDispute",
        commandContext: "message",
      }),
    );
    refusals.push(JSON.stringify(dialog.body));
    const part = await digestPart();
    const vote = await click(STRANGER, VERBS.approve, { actionId: part.actionIds[0] }, part.ts, channel(part.channel));
    refusals.push(JSON.stringify(vote.body));
    for (const refusal of refusals) {
      expect(refusal).toContain(NOT_REGISTERED);
      expect(refusal).not.toMatch(/Dupont|Customer \d|1\s?200|F2026/);
    }
    expect(connector.uploads.has("stolen.pdf")).toBe(false);
    expect(connector.accepted(before).filter((c) => JSON.stringify(c.body).includes("file.consent"))).toEqual([]);
    expect(await db.prisma.dispute.count()).toBe(0);
    expect(await db.prisma.vote.count()).toBe(0);
  });

  it("a file consent only uploads to OneDrive/SharePoint, from the personal chat: never to an address the activity makes up", async () => {
    const accept = (uploadUrl: string, conversation = personalChat(VIEWER)) =>
      sendActivity(
        port,
        invokeActivity(connector.url, VIEWER, conversation, "fileConsent/invoke", {
          type: "fileUpload",
          action: "accept",
          context: { c: c004 },
          uploadInfo: { name: "e.pdf", uploadUrl, contentUrl: "https://x", uniqueId: "u", fileType: "pdf" },
        }),
      );
    const before = connector.uploads.size;
    for (const url of ["https://evil.example/upload/x.pdf", "http://contoso.sharepoint.com.evil.example/x", "ftp://127.0.0.1/x", "not a url"]) {
      expect((await accept(url)).status).toBe(200);
    }
    // The stand-in's own upload address, but from a channel instead of the personal chat.
    expect((await accept(`${connector.url}/upload/from-channel.pdf`, channel(CHANNEL))).status).toBe(200);
    expect(connector.uploads.size).toBe(before);
    expect(JSON.stringify(connector.calls.slice(-5).map((c) => c.body))).toContain("This is not where Teams saves files");
    // The allowed case still works: the personal chat and the upload address Teams gave.
    await accept(`${connector.url}/upload/evidence-ok.pdf`);
    expect(connector.uploads.has("evidence-ok.pdf")).toBe(true);
  });

  it("a viewer reads customer files but cannot vote, flag disputes or record outcomes", async () => {
    expect(JSON.stringify((await say(VIEWER, "credit C004")).body)).toContain("Dupont Électricité (C004)");
    const part = await digestPart();
    const vote = await click(VIEWER, VERBS.approve, { actionId: part.actionIds[0] }, part.ts, channel(part.channel));
    expect(vote.body?.value).toBe(refusalFor("committee", "en-GB"));
    expect(JSON.stringify((await say(VIEWER, "dispute F2026-0001 price too high")).body)).toContain(refusalFor("flag-dispute", "en-GB"));
    const outcome = await click(VIEWER, VERBS.outcome, { c: c004, l: "reminder-1", ch: "PHONE", o: "no_answer" });
    // The use case says whose task it is and why this person may not record on it.
    expect(outcome.body?.value).toMatch(/^This task is Sophie Leroy's, .*: your role does not allow recording outcomes/);
    expect(await db.prisma.vote.count()).toBe(0);
    expect(await db.prisma.dispute.count()).toBe(0);
  });

  it("mentions, markdown, links and HTML people type are shown as text: channel, collector's chat, customer file", async () => {
    // A dispute reason, told to the collector in her personal chat.
    let before = connector.calls.length;
    const recorded = await say(OWNER, `dispute F2026-0001 quality ${INJECTION}`);
    expect(String(recorded.body.text)).toContain("Dispute recorded on F2026-0001 (Dupont Électricité, quality)");
    const notice = await connector.waitFor(
      (c) => c.conversationId === personalChat(SOPHIE).id && String(c.body.text).includes("flagged"),
      before,
    );
    expectInert(String(notice.body.text));

    // A comment on an action, announced in the digest's thread.
    const part = await digestPart();
    const actionId = part.actionIds[0] as number;
    before = connector.calls.length;
    const comment = await click(FIN, VERBS.comment, { actionId, [`comment_${actionId}`]: INJECTION }, part.ts, channel(part.channel));
    expect(comment.body?.type).toBe("application/vnd.microsoft.card.adaptive");
    await teamsWorker(db, messenger, { logger: log.logger }).runDue(); // the echo in the thread is a job
    const announced = await connector.waitFor((c) => c.method === "POST" && String(c.body.text).includes("Nathalie Roche on #"), before);
    expect(announced.conversationId).toBe(part.channel);
    expectInert(String(announced.body.text));

    // The customer file's last entries, its fallback text and summary.
    const file = JSON.stringify((await say(OWNER, "credit C004")).body);
    expect(file).toContain("Last entries");
    expectInert(file);
  });

  it("a dispute reason or a comment over 2,000 characters is refused naming the field and its limit", async () => {
    const long = "r".repeat(2001);
    expect(JSON.stringify((await say(OWNER, `dispute F2026-0002 price ${long}`)).body)).toContain(
      "The dispute reason is too long: 2,001 characters, at most 2,000.",
    );
    const form = await click(OWNER, VERBS.dispute, { invoice: "F2026-0002", category: "PRICE", reason: long });
    expect(JSON.stringify(form.body?.value)).toContain("Too long: 2,001 characters, at most 2,000.");
    const dialog = await sendActivity(
      port,
      invokeActivity(connector.url, OWNER, channel(), "composeExtension/submitAction", {
        commandId: "flagDispute",
        data: { invoice: "F2026-0002", category: "PRICE", reason: long },
      }),
    );
    expect(JSON.stringify(dialog.body)).toContain("Too long: 2,001 characters, at most 2,000.");
    const part = await digestPart();
    const actionId = part.actionIds[1] as number;
    const comment = await click(FIN, VERBS.comment, { actionId, [`comment_${actionId}`]: long }, part.ts, channel(part.channel));
    expect(comment.body?.value).toBe("The comment is too long: 2,001 characters, at most 2,000.");
    expect(await db.prisma.dispute.count({ where: { invoice: { number: "F2026-0002" } } })).toBe(0);
  });

  it("a 90 KB credit query is answered in a few lines, naming the limit; nothing oversized is sent", async () => {
    const query = "x".repeat(90 * 1024);
    const reply = await say(OWNER, `credit ${query}`);
    expect(JSON.stringify(reply.body)).toContain("The search text is too long: 92,160 characters, at most 200.");
    expect(JSON.stringify(reply.body).length).toBeLessThan(2000);
    const search = await sendActivity(
      port,
      invokeActivity(connector.url, OWNER, channel(), "composeExtension/query", {
        commandId: "findAccount",
        parameters: [{ name: "query", value: query }],
      }),
    );
    expect(search.status).toBe(200);
    expect(JSON.stringify(search.body).length).toBeLessThan(2000);
    // A query just under the limit that matches nothing: echoed, clipped and inert.
    const none = JSON.stringify((await say(OWNER, `credit ${"**nobody** ".repeat(18)}`)).body);
    expect(none).toContain("No customer, customer id or invoice matches");
    expect(none).not.toContain("**nobody**");
    expect(connector.calls.filter((c) => c.status === 413)).toEqual([]);
  });

  it("a 403 on a card update is logged with its status only: no token, no card, no customer name; the vote stands", async () => {
    const part = await digestPart();
    const actionId = part.actionIds[2] as number;
    const from = log.lines.length;
    connector.failNext(403);
    const vote = await click(FIN, VERBS.approve, { actionId }, part.ts, channel(part.channel));
    expect(vote.body?.type).toBe("application/vnd.microsoft.card.adaptive");
    // The update is the job's, after the answer: refused, the job failed for good, the vote recorded all the same.
    await teamsWorker(db, messenger, { logger: log.logger }).runDue();
    expect(connector.calls.some((c) => c.status === 403 && c.method === "PUT")).toBe(true);
    expect(await db.prisma.vote.count({ where: { actionId } })).toBe(1);
    const lines = log.lines.slice(from);
    const failure = lines.find((l) => l.includes("job failed for good"));
    expect(failure && JSON.parse(failure)).toMatchObject({
      level: 50,
      job: "teams.refresh-action",
      err: "PermanentJobError: card update: Teams answered HTTP 403 (Http403)",
    });
    expect(failure).not.toMatch(/Bearer|Customer \d|"card"|attachments/);
  });

  it("the whole log of this suite holds no token, no customer or person name, no e-mail address, no long line", () => {
    const text = log.text();
    expect(log.lines.length).toBeGreaterThan(0);
    expect(text).not.toContain(fakeJwt());
    expect(text).not.toMatch(/Bearer\s+(?!\[redacted\])/);
    expect(text).not.toMatch(/Dupont|Customer \d|Nathalie|Claire|Sophie|Victor|@acme\.example|evil\.example/);
    expect(Math.max(...log.lines.map((l) => l.length))).toBeLessThan(2000);
  });
});

describe("the Teams endpoint answers bad requests without a stack, in development mode too", () => {
  let db: Database;
  let connector: BotConnectorStandIn;
  let app: App;
  let port: number;
  const previous = process.env.NODE_ENV;

  beforeAll(async () => {
    process.env.NODE_ENV = "development"; // what `npm start` runs with unless told otherwise
    db = await freshDatabase(targets[0] as (typeof targets)[number]);
    connector = await new BotConnectorStandIn().start();
    ({ app, port } = await startTeamsBot(db, connector.url, { authenticate: true }));
  });
  afterAll(async () => {
    process.env.NODE_ENV = previous;
    await app?.stop();
    await connector?.stop();
    await db?.close();
  });

  it("malformed JSON gets a plain 400, with or without a token; an oversized body a plain 413", async () => {
    for (const headers of [{}, { authorization: `Bearer ${fakeJwt()}` }] as Array<Record<string, string>>) {
      const res = await postRaw(port, '{"type": "message", ', headers);
      expect(res.status).toBe(400);
      expect(res.contentType).toContain("application/json");
      expect(JSON.parse(res.text)).toEqual({ error: "The request body is not valid JSON." });
    }
    const big = await postRaw(port, JSON.stringify({ type: "message", text: "x".repeat(200 * 1024) }));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text)).toEqual({ error: "The request body is too large." });
    for (const res of [big, await postRaw(port, "{")]) expect(res.text).not.toMatch(/node_modules|SyntaxError|\bat\s|<pre>|\/work\//);
    expect((await sendActivity(port, installActivity(connector.url, FIN, personalChat(FIN)))).status).toBe(401);
  });
});
