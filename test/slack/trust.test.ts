// The Slack trust boundary, through the real Bolt app over signed HTTP and the Web API stand-in: only our
// workspace, only registered people (viewers read, they do not decide), what people typed shown as text,
// long fields named, requests from the future refused, no stack to any client.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "@slack/bolt";
import { createSlackApp } from "../../src/bot/slack/app.js";
import { readSlackConfig } from "../../src/config/slack.js";
import type { Database } from "../../src/db/database.js";
import { NOT_REGISTERED, refusalFor } from "../../src/domain/access.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { createLogger } from "../../src/log.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";
import { setCompanyLocale } from "../helpers/locale.js";
import { SlackStandIn, type RecordedCall } from "../helpers/slackStandIn.js";
import {
  buttonClick,
  exchangeWithBot,
  postEvent,
  SIGNING_SECRET,
  slackSignature,
  startSlackBot,
  viewSubmission,
} from "../helpers/slackRequests.js";

afterAll(dropTestSchemas);

const INJECTION = "<!channel> <!here> <@U123> <https://evil.example|click>";
/** What must never reach Slack unescaped: each would ping, mention or link. */
const LIVE_MARKUP = ["<!channel>", "<!here>", "<@U123>", "<https://evil.example"];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(targets)("the Slack trust boundary on $name", (target) => {
  let db: Database;
  let slack: SlackStandIn;
  let app: App;
  let port: number;
  let actionId: number;

  /** A slash command as Slack sends it, from workspace T1 unless told. */
  const command = (fields: Record<string, string>, options: { age?: number } = {}) =>
    exchangeWithBot(
      port,
      {
        token: "x",
        team_id: "T1",
        channel_id: "C1",
        response_url: `${slack.url}/response/${Math.random()}`,
        trigger_id: "1.2.3",
        ...fields,
      },
      options,
    );
  const click = (user: string, actionIdName: string, value: string, options: { team?: string; responseUrl?: string } = {}) =>
    exchangeWithBot(
      port,
      buttonClick({
        user,
        channel: "CCOMMITTEE",
        message: { ts: "500.1", thread_ts: "400.1" },
        responseUrl: options.responseUrl ?? `${slack.url}/response/${Math.random()}`,
        action: { action_id: actionIdName, block_id: `action-${value}`, value, action_ts: `${Math.random()}` },
        ...(options.team ? { team: options.team } : {}),
      }),
    );
  const submitDispute = (user: string, reason: string, team?: string) =>
    exchangeWithBot(
      port,
      viewSubmission({
        user,
        callbackId: "dispute_modal",
        privateMetadata: JSON.stringify({ channel: "C1" }),
        values: {
          invoice: { value: { type: "plain_text_input", value: "F-2" } },
          category: { value: { type: "static_select", selected_option: { value: "PRICE" } } },
          reason: { value: { type: "plain_text_input", value: reason } },
          amount: { value: { type: "plain_text_input", value: "" } },
        },
        ...(team ? { team } : {}),
      }),
    );
  const submitComment = (user: string, text: string) =>
    exchangeWithBot(
      port,
      viewSubmission({
        user,
        callbackId: "comment_modal",
        privateMetadata: JSON.stringify({ actionId, channel: "CCOMMITTEE", threadTs: "400.1" }),
        values: { comment: { value: { type: "plain_text_input", value: text } } },
      }),
    );
  const viewOf = (call: RecordedCall) => JSON.stringify(typeof call.body.view === "string" ? JSON.parse(call.body.view) : call.body.view);

  beforeAll(async () => {
    db = await freshDatabase(target);
    // These rules are asserted in English (locale en-GB); test/i18n/languages.test.ts checks the French default.
    await setCompanyLocale(db, "en-GB");
    slack = await new SlackStandIn().start();
    const person = (
      name: string,
      roles: Array<"SALES" | "FINANCE" | "COLLECTOR" | "VIEWER">,
      slackId: string,
      email: string,
      active = true,
    ) =>
      db.prisma.person.create({
        data: { name, email, roles, active, identities: { create: [{ platform: "SLACK", externalId: slackId, workspace: "T1" }] } },
      });
    await person("Marc Petit", ["SALES"], "UMARC", "marc@acme.example");
    await person("Sophie Leroy", ["COLLECTOR"], "USOPHIE", "sophie@acme.example");
    await person("Nathalie Roche", ["FINANCE"], "UFIN", "nathalie@acme.example");
    await person("Victor Lemoine", ["VIEWER"], "UVIEW", "victor@acme.example");
    await person("Paul Ancien", ["SALES"], "UGONE", "paul@acme.example", false);
    await runImport(
      db,
      IMPORTERS.customers,
      writeTemp(
        `trust-customers-${target.name}.csv`,
        csv(
          "external_id;name;credit_limit;collector",
          "K1;Café du Port;1000;sophie@acme.example",
          `K2;${INJECTION} & Fils;1000;sophie@acme.example`,
        ),
      ),
    );
    await runImport(
      db,
      IMPORTERS.invoices,
      writeTemp(
        `trust-invoices-${target.name}.csv`,
        csv(
          "customer_id;number;issue_date;due_date;amount",
          "K1;F-1;2026-09-01;2026-10-01;1500,00",
          "K1;F-2;2026-09-01;2026-10-01;700,00",
          "K2;F-3;2026-09-01;2026-10-01;900,00",
        ),
      ),
    );
    const k1 = await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "K1" } });
    actionId = (
      await db.prisma.proposedAction.create({
        data: { customerId: k1.id, kind: "BLOCK_DELIVERIES", reason: "1 500,00 € overdue, oldest 50 days late", period: "2026-W47" },
      })
    ).id;
    ({ app, port } = await startSlackBot(db, slack.url, { now: () => new Date("2026-11-20T09:00:00Z") }));
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.stop();
    await db?.close();
  });

  it("a request from another workspace or organisation is acknowledged with nothing: no answer, no data, nothing stored", async () => {
    const before = slack.calls.length;
    const foreign = `${slack.url}/response/foreign-${target.name}`;
    const answers = [
      await command({ command: "/credit", text: "café", user_id: "UMARC", team_id: "T2", response_url: foreign }),
      await command({ command: "/credit", text: "café", user_id: "UMARC", enterprise_id: "E9", response_url: foreign }),
      await command({ command: "/dispute", text: "F-1 price forged elsewhere", user_id: "UMARC", team_id: "T2", response_url: foreign }),
      await click("UMARC", "evidence_file", "1", { team: "T2", responseUrl: foreign }),
      await click("UFIN", "vote_approve", String(actionId), { team: "T2", responseUrl: foreign }),
      await submitDispute("UMARC", "price forged elsewhere", "T2"),
    ];
    // Slack gets its acknowledgement, and nothing else: no customer, no amount.
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    for (const a of answers) expect(a.body).toBe("");
    expect(await postEvent(port, { type: "app_home_opened", user: "UMARC", channel: "D1", tab: "home" }, "EvForeignHome", "T2")).toBe(200);
    // The same request from our workspace is answered (so the silence above is the guard, not a slow bot).
    const sentinel = await command({ command: "/credit", text: "café", user_id: "UMARC" });
    expect(sentinel.status).toBe(200);
    expect(JSON.stringify((await slack.waitFor("/response/", before)).body)).toContain("Café du Port (K1)");
    await sleep(300);
    const after = slack.calls.slice(before);
    expect(after.filter((c) => c.path.startsWith("/response/foreign"))).toEqual([]);
    expect(after.map((c) => c.path).filter((p) => !p.startsWith("/response/"))).toEqual([]);
    expect(await db.prisma.dispute.count()).toBe(0);
    expect(await db.prisma.vote.count()).toBe(0);
  });

  it("an unregistered or deactivated person gets the short refusal, naming no customer and no amount, on every surface", async () => {
    const noData = (text: string) => {
      expect(text).toContain(NOT_REGISTERED);
      for (const secret of ["Café", "K1", "1 500", "1.500", "€", "Exposure"]) expect(text).not.toContain(secret);
    };
    for (const user of ["USTRANGER", "UGONE"]) {
      for (const [name, text] of [
        ["/credit", "café"],
        ["/credit", "F-1"],
        ["/dispute", "F-1 price too high"],
        ["/dispute", "F-1"],
      ] as const) {
        const before = slack.calls.length;
        expect((await command({ command: name, text, user_id: user })).status).toBe(200);
        const reply = await slack.waitFor("/response/", before);
        expect(reply.body.response_type).toBe("ephemeral");
        noData(JSON.stringify(reply.body));
        // the dispute form is not even opened for them
        expect(slack.calls.slice(before).filter((c) => c.path.startsWith("/api/views.open"))).toEqual([]);
      }
      for (const [actionIdName, value] of [
        ["evidence_file", "1"],
        ["vote_approve", String(actionId)],
        ["vote_reject", String(actionId)],
        ["vote_comment", String(actionId)],
        ["task_outcome:no_answer", JSON.stringify({ c: 1, l: "call", ch: "PHONE", o: "no_answer" })],
      ] as const) {
        const before = slack.calls.length;
        expect((await click(user, actionIdName, value)).status).toBe(200);
        noData(JSON.stringify((await slack.waitFor("/response/", before)).body));
      }
      const form = await submitDispute(user, "price too high");
      expect(JSON.parse(form.body)).toEqual({
        response_action: "errors",
        errors: { invoice: `${NOT_REGISTERED} Your Slack user id: ${user}.` },
      });
      const before = slack.calls.length;
      expect(await postEvent(port, { type: "app_home_opened", user, channel: "D1", tab: "home" }, `EvHome-${user}-${target.name}`)).toBe(
        200,
      );
      const home = await slack.waitFor("/api/views.publish", before);
      noData(viewOf(home));
    }
    // Evidence file never sent, nothing recorded.
    expect([...slack.uploads.values()].filter((u) => u.filename.startsWith("evidence"))).toEqual([]);
    expect(await db.prisma.dispute.count()).toBe(0);
    expect(await db.prisma.vote.count()).toBe(0);
    expect(await db.prisma.historyEntry.count({ where: { origin: "SLACK" } })).toBe(0);
  });

  it("a viewer reads customer files and their evidence, but cannot vote, comment or flag a dispute", async () => {
    let before = slack.calls.length;
    expect((await command({ command: "/credit", text: "café", user_id: "UVIEW" })).status).toBe(200);
    expect(JSON.stringify((await slack.waitFor("/response/", before)).body)).toContain("Café du Port (K1)");
    before = slack.calls.length;
    const k1 = await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "K1" } });
    expect((await click("UVIEW", "evidence_file", String(k1.id))).status).toBe(200);
    expect((await slack.waitFor("/api/files.completeUploadExternal", before)).body.channel_id).toBe("DUVIEW");

    for (const [actionIdName, capability] of [
      ["vote_approve", "committee"],
      ["vote_reject", "committee"],
      ["vote_comment", "committee"],
    ] as const) {
      before = slack.calls.length;
      expect((await click("UVIEW", actionIdName, String(actionId))).status).toBe(200);
      expect(JSON.stringify((await slack.waitFor("/response/", before)).body)).toContain(refusalFor(capability, "en-GB"));
    }
    before = slack.calls.length;
    expect((await command({ command: "/dispute", text: "F-1 price too high", user_id: "UVIEW" })).status).toBe(200);
    expect(JSON.stringify((await slack.waitFor("/response/", before)).body)).toContain(refusalFor("flag-dispute", "en-GB"));
    expect(JSON.parse((await submitComment("UVIEW", "looks fine to me")).body)).toEqual({
      response_action: "errors",
      errors: { comment: refusalFor("committee", "en-GB") },
    });
    // App Home: no "awaiting your decision" and no vote buttons for a viewer.
    before = slack.calls.length;
    expect(await postEvent(port, { type: "app_home_opened", user: "UVIEW", channel: "D1", tab: "home" }, `EvHomeView-${target.name}`)).toBe(
      200,
    );
    const home = viewOf(await slack.waitFor("/api/views.publish", before));
    expect(home).not.toContain("Awaiting your decision");
    expect(home).not.toContain("vote_approve");
    expect(home).toContain("/credit");
    expect(await db.prisma.vote.count()).toBe(0);
    expect(await db.prisma.dispute.count()).toBe(0);
  });

  it("mentions, links and markup people typed reach Slack as text: comments, dispute reasons, names, last entries, App Home", async () => {
    const before = slack.calls.length;
    // a dispute whose reason carries the markup: the confirmation, the collector's DM
    expect((await command({ command: "/dispute", text: `F-3 price ${INJECTION}`, user_id: "UMARC" })).status).toBe(200);
    await slack.waitFor("/response/", before);
    expect((await slack.waitFor("/api/chat.postMessage", before)).body.channel).toBe("USOPHIE");
    // a comment in the digest's thread
    expect((await submitComment("UFIN", `${INJECTION} & more`)).status).toBe(200);
    const deadline = Date.now() + 5000;
    const threadPost = () =>
      slack.calls.slice(before).find((c) => c.path.startsWith("/api/chat.postMessage") && c.body.thread_ts === "400.1");
    while (!threadPost() && Date.now() < deadline) await sleep(20);
    expect(String(threadPost()?.body.text)).toBe(
      `Nathalie Roche on #${actionId} (Café du Port): &lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp; more`,
    );
    // the customer whose imported name carries the markup, with the dispute among its last entries
    const fileAt = slack.calls.length;
    expect((await command({ command: "/credit", text: "K2", user_id: "UMARC" })).status).toBe(200);
    const file = await slack.waitFor("/response/", fileAt);
    expect(String(file.body.text)).toMatch(
      /^&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;https:\/\/evil.example\|click&gt; &amp; Fils: exposure/,
    );
    expect(JSON.stringify(file.body.blocks)).toContain("Dispute on F-3 (price): &lt;!channel&gt;");
    // finance's App Home lists a proposal on that customer
    const k2 = await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "K2" } });
    await db.prisma.proposedAction.create({
      data: { customerId: k2.id, kind: "UNBLOCK_DELIVERIES", reason: "900,00 € paid back", period: "2026-W47" },
    });
    const homeAt = slack.calls.length;
    expect(await postEvent(port, { type: "app_home_opened", user: "UFIN", channel: "D1", tab: "home" }, `EvHomeFin-${target.name}`)).toBe(
      200,
    );
    expect(viewOf(await slack.waitFor("/api/views.publish", homeAt))).toContain("&lt;!here&gt;");

    // Every text Slack reads as mrkdwn (message text, file comments, mrkdwn objects in blocks and views).
    const mrkdwn: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === "string" && value.startsWith("{")) {
        try {
          collect(JSON.parse(value));
        } catch {
          /* not JSON: an ordinary string */
        }
        return;
      }
      if (Array.isArray(value)) return value.forEach(collect);
      if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o.type === "mrkdwn" && typeof o.text === "string") mrkdwn.push(o.text);
        Object.values(o).forEach(collect);
      }
    };
    for (const call of slack.calls.slice(before)) {
      for (const key of ["text", "initial_comment"]) if (typeof call.body[key] === "string") mrkdwn.push(call.body[key] as string);
      collect(call.body);
    }
    expect(mrkdwn.filter((t) => t.includes("&lt;@U123&gt;")).length).toBeGreaterThanOrEqual(6);
    for (const text of mrkdwn) for (const markup of LIVE_MARKUP) expect(text).not.toContain(markup);
    // recorded as typed: the history keeps the words, escaping is the display's job
    const entry = await db.prisma.historyEntry.findFirstOrThrow({ where: { kind: "action.comment" } });
    expect(entry.text).toContain(INJECTION);
  });

  it("too long: dispute reasons (command and form) and comments are refused naming the field and its limit; a 90 KB search gets a bounded answer", async () => {
    const long = "x".repeat(2001);
    let before = slack.calls.length;
    expect((await command({ command: "/dispute", text: `F-1 price ${long}`, user_id: "UMARC" })).status).toBe(200);
    expect(JSON.stringify((await slack.waitFor("/response/", before)).body)).toContain(
      "The dispute reason is too long: 2,001 characters, at most 2,000.",
    );
    expect(JSON.parse((await submitDispute("UMARC", long)).body)).toEqual({
      response_action: "errors",
      errors: { reason: "Too long: 2,001 characters, at most 2,000." },
    });
    expect(JSON.parse((await submitComment("UFIN", long)).body)).toEqual({
      response_action: "errors",
      errors: { comment: "The comment is too long: 2,001 characters, at most 2,000." },
    });
    expect(await db.prisma.dispute.count({ where: { invoice: { number: { in: ["F-1", "F-2"] } } } })).toBe(0);

    before = slack.calls.length;
    const huge = "café ".repeat(18_432); // 92,160 characters
    expect((await command({ command: "/credit", text: huge, user_id: "UMARC" })).status).toBe(200);
    const reply = await slack.waitFor("/response/", before);
    expect(JSON.stringify(reply.body)).toContain("The search is too long: 92,159 characters, at most 200.");
    expect(JSON.stringify(reply.body).length).toBeLessThan(2000);
  });

  it("a signed request dated more than 5 minutes in the future gets 401 and changes nothing; 4 minutes ahead is clock skew, answered", async () => {
    const before = slack.calls.length;
    const future = `${slack.url}/response/future-${target.name}`;
    expect(
      (await command({ command: "/dispute", text: "F-1 price from the future", user_id: "UMARC", response_url: future }, { age: -6 * 60 }))
        .status,
    ).toBe(401);
    expect((await command({ command: "/credit", text: "café", user_id: "UMARC", response_url: future }, { age: -6 * 60 })).status).toBe(
      401,
    );
    const skewed = await command({ command: "/credit", text: "café", user_id: "UMARC" }, { age: -4 * 60 });
    expect(skewed.status).toBe(200);
    expect(JSON.stringify((await slack.waitFor("/response/", before)).body)).toContain("Café du Port (K1)");
    await sleep(200);
    expect(slack.calls.slice(before).filter((c) => c.path.startsWith("/response/future"))).toEqual([]);
    expect(await db.prisma.dispute.count({ where: { invoice: { number: "F-1" } } })).toBe(0);
  });

  it("no stack trace, file path or error text goes to a client: bad JSON, a garbled payload, unknown routes", async () => {
    const signedPost = async (body: string, contentType: string) => {
      const timestamp = Math.floor(Date.now() / 1000);
      return fetch(`http://127.0.0.1:${port}/slack/events`, {
        method: "POST",
        headers: {
          "content-type": contentType,
          "x-slack-request-timestamp": String(timestamp),
          "x-slack-signature": slackSignature(body, timestamp, SIGNING_SECRET),
        },
        body,
      });
    };
    const responses = [
      await signedPost("{not json", "application/json"),
      await signedPost("payload=%7Bnot%20json", "application/x-www-form-urlencoded"),
      await fetch(`http://127.0.0.1:${port}/slack/events`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" }),
      await fetch(`http://127.0.0.1:${port}/slack/events`, { method: "GET" }),
      await fetch(`http://127.0.0.1:${port}/api/messages/../../etc/passwd`, { method: "POST", body: "{" }),
      await fetch(`http://127.0.0.1:${port}/nowhere`),
    ];
    const seen = await Promise.all(
      responses.map(async (r) => ({ status: r.status, body: await r.text(), type: r.headers.get("content-type") })),
    );
    expect(seen.map((s) => s.status)).toEqual([400, 400, 401, 404, 404, 404]);
    for (const s of seen) {
      expect(s.body).toBe("");
      expect(s.type).toBeNull();
    }
  });
});

describe("the bot token is checked at start", () => {
  it("a revoked or invalid SLACK_BOT_TOKEN fails start-up with the variable's name, and the app cannot start without it", async () => {
    const slack = await new SlackStandIn().start();
    try {
      slack.auth = { teamId: "T1", error: "invalid_auth" };
      const config = readSlackConfig({
        SLACK_BOT_TOKEN: "xoxb-revoked-token-1234",
        SLACK_MODE: "http",
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: `${slack.url}/api/`,
      });
      if (!config) throw new Error("the test configuration did not parse");
      const db = await freshDatabase(targets[0] as (typeof targets)[number]);
      try {
        const slackApp = createSlackApp({ config, db, policy: defaultPolicy, logger: createLogger("silent") });
        const refused = await slackApp.init().catch((error: unknown) => error as Error);
        expect(refused).toBeInstanceOf(Error);
        expect((refused as Error).message).toMatch(/^Slack refused SLACK_BOT_TOKEN \(auth.test: invalid_auth\)/);
        expect((refused as Error).message).not.toContain("xoxb-revoked");
        await expect((async () => slackApp.app.start(0))()).rejects.toThrow(/not yet initialized/);
      } finally {
        await db.close();
      }
    } finally {
      await slack.stop();
    }
  });

  it("npm start with a refused token exits with the error and never says the bot is running", async () => {
    const slack = await new SlackStandIn().start();
    slack.auth = { teamId: "T1", error: "token_revoked" };
    try {
      const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", "src/start.ts"], {
          env: {
            PATH: process.env.PATH,
            DATABASE_URL: "memory:",
            SLACK_BOT_TOKEN: "xoxb-revoked-token-1234",
            SLACK_MODE: "http",
            SLACK_SIGNING_SECRET: SIGNING_SECRET,
            SLACK_PORT: "3999",
            SLACK_API_URL: `${slack.url}/api/`,
          },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (c: Buffer) => (output += c.toString()));
        child.stderr.on("data", (c: Buffer) => (output += c.toString()));
        child.on("close", (exitCode) => resolve({ code: exitCode, output }));
      });
      expect(code).not.toBe(0);
      expect(output).toContain("Slack refused SLACK_BOT_TOKEN (auth.test: token_revoked)");
      expect(output).not.toContain("Slack bot running");
      expect(output).not.toContain("xoxb-revoked");
    } finally {
      await slack.stop();
    }
  }, 60_000);
});
