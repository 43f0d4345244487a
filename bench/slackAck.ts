// npm run bench (third part): how fast the Slack bot acknowledges (Slack's 3-second rule; our target p99
// under 100 ms) while it works: signed slash commands and button clicks sent at 200 requests/s on loopback
// into the real Bolt HTTP receiver, the Web API answered by the local stand-in, the embedded database.
//   BENCH_ACK_SECONDS (default 5) per kind, BENCH_ACK_RATE (default 200 requests/s).
import { monitorEventLoopDelay } from "node:perf_hooks";
import pg from "pg";
import { openDatabase } from "../src/db/database.js";
import { migrate } from "../src/db/migrate.js";
import { SlackStandIn } from "../test/helpers/slackStandIn.js";
import { buttonClick, slackSignature, startSlackBot } from "../test/helpers/slackRequests.js";

const SECONDS = Number(process.env.BENCH_ACK_SECONDS ?? 5);
const RATE = Number(process.env.BENCH_ACK_RATE ?? 200);
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
await db.prisma.customer.createMany({
  data: Array.from({ length: 200 }, (_, i) => ({ externalId: `K${i + 1}`, name: `Customer ${i + 1}`, currency: "EUR" })),
});
const customers = await db.prisma.customer.findMany({ orderBy: { id: "asc" } });
await db.prisma.proposedAction.createMany({
  data: customers.map((c) => ({ customerId: c.id, kind: "UNBLOCK_DELIVERIES" as const, reason: "paid", period: "2026-W47" })),
});
const actions = (await db.prisma.proposedAction.findMany({ select: { id: true } })).map((a) => a.id);
const slack = await new SlackStandIn().start();
const { app, port } = await startSlackBot(db, slack.url);

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

/** Open loop: one request every 1000/RATE ms whatever the answers, for SECONDS; each request's latency. */
async function load(kind: string, request: (i: number) => string): Promise<void> {
  const total = SECONDS * RATE;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const latencies: Promise<number>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    latencies.push(signedPost(request(i)));
  }
  const sorted = (await Promise.all(latencies)).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]?.toFixed(1);
  const achieved = (total / ((performance.now() - start) / 1000)).toFixed(0);
  loop.disable();
  out(
    `slack ack ${kind.padEnd(14)} ${total} requests at ~${achieved}/s: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${sorted.at(-1)?.toFixed(1)} ms` +
      ` (event-loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms)`,
  );
}

try {
  await load("/credit", (i) =>
    new URLSearchParams({
      command: "/credit",
      text: `Customer ${(i % 200) + 1}`,
      user_id: "UFIN",
      team_id: "T1",
      channel_id: "C1",
      response_url: `${slack.url}/response/bench-${i}`,
      trigger_id: "1.2.3",
      token: "x",
    }).toString(),
  );
  await load("Approve click", (i) =>
    new URLSearchParams(
      buttonClick({
        user: "UFIN",
        channel: "C1",
        message: { ts: "1.000100", thread_ts: "1.000000" },
        responseUrl: `${slack.url}/response/click-${i}`,
        action: { action_id: "vote_approve", value: String(actions[i % actions.length]), action_ts: `${i}.1` },
      }),
    ).toString(),
  );
  out(`  (${url ? "PostgreSQL" : "embedded PGlite"}; target p99 < 100 ms; the work behind the acks is queued, 2 at a time)`);
} finally {
  // The queued work behind the acks is abandoned: only the acknowledgements are measured.
  await app.stop();
  await slack.stop();
  if (url) {
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
  process.exit(0);
}
