// The effects that need no chat platform (webhooks first) run without one: `ccbot jobs run --once` drains the
// due jobs for a deployment that starts it from cron, and `npm start` with no Slack or Teams configuration runs
// them and says so, instead of stopping (webhooks went out only when a chat platform was configured).
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { flagDispute } from "../../src/usecases/disputes.js";
import { addEndpoint } from "../../src/usecases/webhooks.js";
import { ccbot, cliTargets } from "../helpers/cli.js";
import { startReceiver, type Receiver } from "../helpers/webhookReceiver.js";

const NOW = new Date("2026-11-30T09:00:00Z");

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
});

/**
 * A database at `url` with a customer, an invoice, endpoints at the receiver's `paths` and a dispute opened on
 * the invoice: one `dispute.opened` webhook job per endpoint, due now. Closed afterwards (an embedded database
 * is opened by one process at a time).
 */
async function disputeOpened(url: string, paths: string[]): Promise<void> {
  const db = await openDatabase(url);
  try {
    await migrate(db);
    const owner = await db.prisma.person.create({ data: { name: "Marc Petit", roles: ["SALES"] } });
    const customer = await db.prisma.customer.create({
      data: { externalId: "C100", name: "Café du Port", currency: "EUR", creditLimit: 1_000_000n, salesOwnerId: owner.id },
    });
    await db.prisma.invoice.create({
      data: {
        customerId: customer.id,
        number: "F-100",
        issueDate: new Date("2026-06-01T00:00:00Z"),
        dueDate: new Date("2026-07-01T00:00:00Z"),
        amount: 120_000n,
        openAmount: 120_000n,
        currency: "EUR",
        source: "CSV",
      },
    });
    for (const path of paths) {
      const added = await addEndpoint(db, { url: receiver.url(path) });
      receiver.setSecret(path, added.secret);
    }
    await flagDispute(
      db,
      { personId: owner.id, origin: "CLI" },
      { invoiceNumber: "F-100", category: "QUALITY", reason: "two pallets arrived damaged", amountDisputed: 30_000n },
      NOW,
    );
    expect(await db.prisma.job.count({ where: { kind: "webhook.deliver", state: "PENDING" } })).toBe(paths.length);
  } finally {
    await db.close();
  }
}

const sentTo = (path: string) => receiver.received.filter((r) => r.path === `/${path}`);

describe.each(cliTargets)("effects without a chat platform on $name", (target) => {
  it("ccbot jobs run --once delivers the due webhooks, says what became of each job, and exits 1 when one failed for good", async () => {
    const url = await target.url();
    const ok = `once-ok-${target.name}`;
    const gone = `once-gone-${target.name}`;
    await disputeOpened(url, [ok, gone]);
    receiver.script(gone, { status: 410 });

    const run = await ccbot(url, "jobs", "run", "--once");
    expect(run.stderr).not.toContain("Usage");
    expect(JSON.parse(run.stdout)).toMatchObject({ done: 1, retrying: 0, failed: 1, pending: 0 });
    expect(run.code).toBe(1);
    const [delivered] = sentTo(ok);
    expect(delivered?.signatureValid).toBe(true);
    expect(JSON.parse(delivered?.body ?? "{}")).toMatchObject({ type: "dispute.opened" });
    expect(sentTo(gone)).toHaveLength(1);

    // Nothing is due any more: a second run from cron does nothing and exits 0.
    const again = await ccbot(url, "jobs", "run", "--once");
    expect(JSON.parse(again.stdout)).toMatchObject({ done: 0, retrying: 0, failed: 0 });
    expect(again.code).toBe(0);
    expect(sentTo(ok)).toHaveLength(1);
    const listed = JSON.parse((await ccbot(url, "jobs", "list")).stdout) as { counts: Record<string, number> };
    expect(listed.counts).toMatchObject({ DONE: 1, FAILED: 1, PENDING: 0 });
  });

  it("ccbot jobs run --once leaves a job the endpoint refused with 500 to a later run, which delivers it", async () => {
    const url = await target.url();
    const flaky = `once-flaky-${target.name}`;
    await disputeOpened(url, [flaky]);
    receiver.script(flaky, { status: 500 });
    const first = await ccbot(url, "jobs", "run", "--once");
    expect(JSON.parse(first.stdout)).toMatchObject({ done: 0, retrying: 1, failed: 0, pending: 1 });
    expect(first.code).toBe(0);
    // The retry is due later (backoff): time passes, the next cron run delivers it.
    const db = await openDatabase(url);
    try {
      await db.prisma.job.updateMany({ where: { state: "PENDING" }, data: { runAt: new Date(Date.now() - 1000) } });
    } finally {
      await db.close();
    }
    const second = await ccbot(url, "jobs", "run", "--once");
    expect(JSON.parse(second.stdout)).toMatchObject({ done: 1, retrying: 0, failed: 0, pending: 0 });
    expect(sentTo(flaky).map((r) => r.signatureValid)).toEqual([true, true]);
  });
});

describe("npm start without any chat platform (the process is what is tested)", { timeout: 240_000 }, () => {
  it("runs the webhooks and says at start which jobs it runs; SIGTERM stops it cleanly", async () => {
    const target = cliTargets.at(-1) as (typeof cliTargets)[number];
    const url = await target.url();
    const path = `start-${target.name}`;
    await disputeOpened(url, [path]);
    const base = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !/^(SLACK|TEAMS|DATABASE|SMTP|IMAP)_|^IMPORT_INBOX|^(DIGEST|TASKS|MAIL)_CRON$|^CCBOT_LOG_CAPTURE$/.test(k),
      ),
    );
    const child = spawn(process.execPath, ["--import", "tsx", "src/start.ts"], { env: { ...base, DATABASE_URL: url }, stdio: "pipe" });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 200_000;
      while (sentTo(path).length === 0 && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(child.exitCode, stderr).toBeNull();
      expect(sentTo(path).map((r) => r.signatureValid)).toEqual([true]);
      expect(stderr).toContain("No chat platform is configured: running only the jobs that need none");
      expect(stderr).toMatch(/runs: +webhooks, formal notice letters\n/);
      expect(stderr).toContain("not run:  reminder e-mails (SMTP is not configured), import inbox (IMPORT_INBOX is not set)");
      // And what to set for the committee in chat (the start used to stop there, with exit code 1).
      expect(stderr).toContain("Slack: SLACK_BOT_TOKEN");
      expect(stderr).toContain("Teams: TEAMS_APP_ID, TEAMS_APP_PASSWORD and TEAMS_TENANT_ID");
      expect(stderr).toContain("npm run demo");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});
