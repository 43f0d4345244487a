// npm run bench (third part): how fast the Slack bot acknowledges (Slack's 3-second rule; target p99 under
// 100 ms) and how fast it ANSWERS (the private answer reaching Slack: the response_url POST, or
// chat.postEphemeral when that URL is refused; target p99 under 2 s at 50 requests/s) while it works: signed
// slash commands and button clicks sent at a steady rate on loopback into the real Bolt HTTP receiver, the
// Web API answered by the local stand-in, the job worker running beside the app as `npm start` runs it (the
// votes' message updates and announcements are jobs).
//   BENCH_ACK_SECONDS (default 5) per kind and rate; BENCH_ACK_RATES (default "50,200") requests/s.
//   BENCH_DATABASE_URL (or TEST_DATABASE_URL): PostgreSQL in a throwaway schema; else the embedded database.
//   BENCH_AFTER_ACK="concurrency,maxWaiting" to compare with the defaults (AFTER_ACK in src/bot/slack/deps.ts);
//   BENCH_WORKER=0 to measure without the job worker running beside the app.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { WebClient } from "@slack/web-api";
import pg from "pg";
import { AFTER_ACK, busy as busyText } from "../src/bot/slack/deps.js";
import { slackJobHandlers } from "../src/bot/slack/jobs.js";
import { openDatabase } from "../src/db/database.js";
import { migrate } from "../src/db/migrate.js";
import { defaultPolicy } from "../src/domain/policy.js";
import { JobWorker } from "../src/jobs/queue.js";
import { createLogger } from "../src/log.js";
import { SlackStandIn } from "../test/helpers/slackStandIn.js";
import { buttonClick, slackSignature, startSlackBot } from "../test/helpers/slackRequests.js";

const SECONDS = Number(process.env.BENCH_ACK_SECONDS ?? 5);
const RATES = (process.env.BENCH_ACK_RATES ?? "50,200").split(",").map(Number);
const ANSWER_WAIT_MS = 180_000;
const out = (line: string) => process.stdout.write(line + "\n");

// On BENCH_DATABASE_URL (or TEST_DATABASE_URL) in a throwaway schema, else on the embedded database.
const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const schema = `ccbot_bench_ack_${process.pid}`;
const url = server ? new URL(server) : null;
url?.searchParams.set("schema", schema);
const db = await openDatabase(url ? url.toString() : "memory:");
await migrate(db);
await db.prisma.person.create({
  data: { name: "Finance", roles: ["FINANCE"], identities: { create: [{ platform: "SLACK", externalId: "UFIN" }] } },
});
const ACCOUNTS = 2_000;
await db.prisma.customer.createMany({
  data: Array.from({ length: ACCOUNTS }, (_, i) => ({ externalId: `K${i + 1}`, name: `Customer ${i + 1}`, currency: "EUR" })),
});
const customers = await db.prisma.customer.findMany({ orderBy: { id: "asc" } });
await db.prisma.proposedAction.createMany({
  data: customers.map((c) => ({ customerId: c.id, kind: "UNBLOCK_DELIVERIES" as const, reason: "paid", period: "2026-W47" })),
});
const actions = (await db.prisma.proposedAction.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((a) => a.id);
// The posted digest showing them, 10 a message: each decision is then a message update and an announcement.
await db.prisma.postedMessage.createMany({
  data: [
    { platform: "SLACK", job: "weekly-digest", slot: "2026-W47", part: "summary", channel: "C1", ts: "1.000000", actionIds: [] },
    ...Array.from({ length: ACCOUNTS / 10 }, (_, p) => ({
      platform: "SLACK" as const,
      job: "weekly-digest",
      slot: "2026-W47",
      part: `actions-${p + 1}`,
      channel: "C1",
      ts: `1.${String(p + 1).padStart(6, "0")}`,
      actionIds: actions.slice(p * 10, p * 10 + 10),
    })),
  ],
});
const slack = await new SlackStandIn().start();
const [concurrency, maxWaiting] = (process.env.BENCH_AFTER_ACK ?? `${AFTER_ACK.concurrency},${AFTER_ACK.maxWaiting}`)
  .split(",")
  .map(Number);
const afterAck = { concurrency: concurrency ?? AFTER_ACK.concurrency, maxWaiting: maxWaiting ?? AFTER_ACK.maxWaiting };
const { app, port } = await startSlackBot(db, slack.url, { afterAck });
const logger = createLogger("silent");
const worker = new JobWorker({
  db,
  logger,
  handlers: slackJobHandlers({
    client: new WebClient("xoxb-test", { slackApiUrl: `${slack.url}/api/` }),
    db,
    policy: defaultPolicy,
    logger,
  }),
});
if (process.env.BENCH_WORKER !== "0") worker.start();

async function signedPost(body: string): Promise<number> {
  const timestamp = Math.floor(Date.now() / 1000);
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": slackSignature(body, timestamp),
    },
    body,
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  return performance.now() - started;
}

function percentiles(values: number[]): { p50: string; p99: string; max: string } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN).toFixed(1);
  return { p50: at(0.5), p99: at(0.99), max: (sorted.at(-1) ?? Number.NaN).toFixed(1) };
}

/**
 * Open loop: one request every 1000/rate ms whatever the answers, for SECONDS; then waits for every private
 * answer. Prints ack and answer latencies side by side.
 */
async function load(kind: string, rate: number, request: (i: number, answerPath: string) => string): Promise<void> {
  const total = SECONDS * rate;
  const run = `${kind.replace(/\W/g, "")}-${rate}`;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const sentAt = new Map<string, number>();
  const acks: Promise<number>[] = [];
  let rss = process.memoryUsage().rss;
  const rssStart = rss;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const answerPath = `/response/${run}-${i}`;
    sentAt.set(answerPath, Date.now());
    acks.push(signedPost(request(i, `${slack.url}${answerPath}`)));
    if (i % 50 === 0) rss = Math.max(rss, process.memoryUsage().rss);
  }
  const ackMs = await Promise.all(acks);
  const achieved = (total / ((performance.now() - start) / 1000)).toFixed(0);
  // Every request is answered (its result, a refusal or "busy"): wait for the last answer.
  const answered = new Map<string, { at: number; busy: boolean }>();
  const deadline = Date.now() + ANSWER_WAIT_MS;
  let scanned = 0;
  while (answered.size < total && Date.now() < deadline) {
    for (; scanned < slack.calls.length; scanned++) {
      const call = slack.calls[scanned];
      if (call?.at !== undefined && sentAt.has(call.path) && !answered.has(call.path))
        answered.set(call.path, { at: call.at, busy: [busyText("fr-FR"), busyText("en-GB")].some((text) => JSON.stringify(call.body).includes(text)) });
    }
    rss = Math.max(rss, process.memoryUsage().rss);
    if (answered.size < total) await new Promise((r) => setTimeout(r, 50));
  }
  loop.disable();
  const answerMs = [...answered].map(([path, a]) => a.at - (sentAt.get(path) as number));
  const ack = percentiles(ackMs);
  const answer = percentiles(answerMs);
  const busy = [...answered.values()].filter((a) => a.busy).length;
  out(
    `slack ${kind.padEnd(14)} ${total} at ~${achieved}/s: ack p50 ${ack.p50} ms, p99 ${ack.p99} ms | answer p50 ${answer.p50} ms, p99 ${answer.p99} ms, max ${answer.max} ms` +
      ` | ${answered.size - busy} answered, ${busy} busy, ${total - answered.size} unanswered | event-loop p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, RSS ${(rssStart / 2 ** 20).toFixed(0)}→${(rss / 2 ** 20).toFixed(0)} MB max`,
  );
}

let clicks = 0;
try {
  for (const rate of RATES) {
    await load("/credit", rate, (i, responseUrl) =>
      new URLSearchParams({
        command: "/credit",
        text: `Customer ${(i % ACCOUNTS) + 1}`,
        user_id: "UFIN",
        team_id: "T1",
        channel_id: "C1",
        response_url: responseUrl,
        trigger_id: "1.2.3",
        token: "x",
      }).toString(),
    );
    await load("Approve click", rate, (_i, responseUrl) => {
      // each click decides a new action (a vote, the decision, two jobs); the last tenth repeat earlier ones
      const n = clicks++;
      const actionId = actions[n % 10 === 9 && n > 10 ? n - 10 : n % actions.length];
      return new URLSearchParams(
        buttonClick({
          user: "UFIN",
          channel: "C1",
          message: { ts: "1.000001", thread_ts: "1.000000" },
          responseUrl,
          action: { action_id: "vote_approve", value: String(actionId), action_ts: `${n}.1` },
        }),
      ).toString();
    });
  }
  const jobs = await db.prisma.job.groupBy({ by: ["state"], _count: { _all: true } });
  out(
    `  (${url ? "PostgreSQL" : "embedded PGlite"}; targets: ack p99 < 100 ms, answer p99 < 2 s at 50/s; after each ack ${afterAck.concurrency} at a time, ` +
      `at most ${afterAck.maxWaiting} waiting, beyond that "busy"; jobs meanwhile: ${jobs.map((j) => `${j._count._all} ${j.state.toLowerCase()}`).join(", ")})`,
  );
} finally {
  await worker.stop();
  await app.stop();
  await slack.stop();
  await db.close();
  if (url) {
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
  process.exit(0);
}
