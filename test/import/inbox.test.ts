// The import inbox (IMPORT_INBOX): files dropped into a folder are imported by themselves, once, in order,
// never while still being written; the summary goes to the committee channel, a rejected file's wrong lines to
// the admins. Two bot processes are two ImportInbox + JobWorker pairs on one folder and one database.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, appendFileSync, mkdirSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { WebClient } from "@slack/web-api";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { slackImportSummaryHandlers } from "../../src/bot/slack/importSummary.js";
import { runCli } from "../../src/cli/main.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { ImportInbox, recogniseHeader } from "../../src/import/inbox.js";
import { importInboxJobHandlers } from "../../src/jobs/importInbox.js";
import { JobWorker } from "../../src/jobs/queue.js";
import { createLogger } from "../../src/log.js";
import { dropTestSchemas, freshDatabase, freshPgliteDir, targets } from "../helpers/databases.js";
import { migrate } from "../../src/db/migrate.js";
import { csv } from "../helpers/files.js";
import { SlackStandIn } from "../helpers/slackStandIn.js";

const logger = createLogger(process.env.TEST_LOG ?? "silent");

const CUSTOMERS = csv("external_id;name;payment_terms", "C1;Boulangerie Nord;30 days", "C2;Garage Sud;30 days");
const INVOICES = csv("customer_id;number;issue_date;amount", "C1;F1;2026-10-01;1200,00", "C2;F2;2026-10-02;80,50");
const PAYMENTS = csv("reference;customer_id;payment_date;amount;invoice_number", "P1;C1;2026-10-20;200,00;F1");
const BAD_INVOICES = csv("customer_id;number;issue_date;amount", "C1;F3;2026-10-01;12,00", "C9;F4;2026-13-45;abc", "C1;F5;2026-10-03;5,00");

afterAll(dropTestSchemas);

function drop(dir: string, name: string, content: string, mtime?: Date): void {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  if (mtime) utimesSync(file, mtime, mtime);
}

const ls = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

/** A bot process: its view of the inbox and its job worker (the inbox's job, Slack summaries to the stand-in). */
function botProcess(db: Database, dir: string, name: string, slackUrl?: string) {
  const handlers = importInboxJobHandlers({ dir, platforms: slackUrl ? ["slack"] : [] });
  if (slackUrl) {
    const client = new WebClient("xoxb-test", { slackApiUrl: `${slackUrl}/api/` });
    Object.assign(handlers, slackImportSummaryHandlers({ client, db, channel: "C0COMMITTEE" }));
  }
  return { inbox: new ImportInbox(dir, db, logger), worker: new JobWorker({ db, logger, handlers, name }) };
}

describe("the kind of a dropped file, from its header", () => {
  it("tells customers, invoices, payments, FEC and steps apart by their columns and aliases", () => {
    expect(recogniseHeader(["external_id", "name", "payment_terms"])).toEqual({ kind: "customers" });
    expect(recogniseHeader(["Code client", "Numéro facture", "Date facture", "Montant TTC"])).toEqual({ kind: "invoices" });
    expect(recogniseHeader(["reference", "customer_id", "payment_date", "amount"])).toEqual({ kind: "payments" });
    expect(
      recogniseHeader(
        "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise".split(
          "|",
        ),
      ),
    ).toEqual({
      kind: "fec",
    });
    expect(recogniseHeader(["customer_id", "level", "channel", "date", "who"])).toEqual({ kind: "steps" });
  });

  it("a header of no known file is refused naming the required columns", () => {
    const r = recogniseHeader(["foo", "bar"]);
    expect("problem" in r && r.problem).toMatch(
      /line 1: the header \(foo, bar\) is not that of a file the bot imports.*invoices: customer_id, number, issue_date, amount/,
    );
  });
});

describe.each(targets)("the import inbox on $name", (target) => {
  let dir: string;
  let url: string;
  let db: Database;
  let second: Database;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "ccbot-inbox-"));
    url = await target.freshUrl();
    db = target.name === "pglite" ? await freshDatabase(target) : await openDatabase(url);
    await migrate(db);
    // A second bot process: its own connections to the same PostgreSQL schema (PGlite serves one process: the same handle).
    second = target.name === "postgresql" ? await openDatabase(url) : db;
  });
  afterEach(async () => {
    if (second !== db) await second.close();
    await db.close();
  });

  it("two bot processes on one inbox import each file once, customers before invoices before payments", async () => {
    const a = botProcess(db, dir, "bot-a");
    const b = botProcess(second, dir, "bot-b");
    // Dropped in the "wrong" order: payments first, customers last.
    drop(dir, "pay.csv", PAYMENTS, new Date("2026-11-30T08:00:00Z"));
    drop(dir, "inv.csv", INVOICES, new Date("2026-11-30T08:01:00Z"));
    drop(dir, "cust.csv", CUSTOMERS, new Date("2026-11-30T08:02:00Z"));

    // Both look twice, at the same time: the second look finds the files unchanged and both try to claim them.
    await Promise.all([a.inbox.poll(), b.inbox.poll()]);
    const claims = await Promise.all([a.inbox.poll(), b.inbox.poll()]);
    expect(claims.map((c) => c.claimed).reduce((x, y) => x + y)).toBe(3);
    await Promise.all([a.worker.runDue(), b.worker.runDue()]);
    // And again: nothing left for anyone.
    await Promise.all([a.inbox.poll(), b.inbox.poll(), a.inbox.poll(), b.inbox.poll()]);
    await Promise.all([a.worker.runDue(), b.worker.runDue()]);

    const runs = await db.withConnection((sql) =>
      sql.query<{ kind: string; n: number }>(`SELECT kind, count(*)::int AS n FROM import_run GROUP BY kind ORDER BY min(id)`),
    );
    expect(runs).toEqual([
      { kind: "customers", n: 1 },
      { kind: "invoices", n: 1 },
      { kind: "payments", n: 1 },
    ]);
    const done = ls(path.join(dir, "done"));
    expect(
      done
        .filter((f) => !f.endsWith(".report.txt"))
        .map((f) => f.replace(/^.*__/, ""))
        .sort(),
    ).toEqual(["cust.csv", "inv.csv", "pay.csv"]);
    expect(done.filter((f) => f.endsWith(".report.txt"))).toHaveLength(3);
    expect(ls(path.join(dir, "failed"))).toEqual([]);
    expect(ls(path.join(dir, "processing"))).toEqual([]);
    expect(ls(dir)).toEqual(["done", "failed", "processing"]);
    const report = readFileSync(path.join(dir, "done", done.find((f) => f.endsWith("__inv.csv.report.txt")) as string), "utf8");
    expect(report).toMatch(/^inv\.csv \(invoices, 2 lines\): imported, invoices 2 created, 0 updated, 0 unchanged/);
    const open = await db.prisma.invoice.findFirstOrThrow({ where: { number: "F1" } });
    expect(open.openAmount).toBe(100_000n);
  });

  it("a file still being written is not read until two looks find it unchanged; a .part file never", async () => {
    const { inbox, worker } = botProcess(db, dir, "bot");
    drop(dir, "cust.csv", CUSTOMERS.slice(0, 30));
    drop(dir, "big.csv.part", CUSTOMERS);
    drop(dir, ".hidden.csv", CUSTOMERS);
    expect((await inbox.poll()).claimed).toBe(0);
    // The copy goes on between the looks: size and time changed, not taken.
    appendFileSync(path.join(dir, "cust.csv"), CUSTOMERS.slice(30));
    utimesSync(path.join(dir, "cust.csv"), new Date(), new Date(Date.now() + 5_000));
    expect((await inbox.poll()).claimed).toBe(0);
    expect(await worker.runDue()).toBe(0);
    expect(await db.prisma.customer.count()).toBe(0);
    // Unchanged since the last look: taken, whole.
    expect((await inbox.poll()).claimed).toBe(1);
    await worker.runDue();
    expect(await db.prisma.customer.count()).toBe(2);
    expect(ls(dir)).toEqual([".hidden.csv", "big.csv.part", "done", "failed", "processing"]);
  });

  it("a rejected file goes to failed/ with a report naming its lines; the summary reaches the channel and the wrong lines the admins", async () => {
    const slack = await new SlackStandIn().start();
    try {
      await db.prisma.person.create({
        data: { name: "Admin One", roles: ["ADMIN"], identities: { create: [{ platform: "SLACK", externalId: "UADMIN1" }] } },
      });
      const { inbox, worker } = botProcess(db, dir, "bot", slack.url);
      drop(dir, "cust.csv", CUSTOMERS, new Date("2026-11-30T08:00:00Z"));
      drop(dir, "bad.csv", BAD_INVOICES, new Date("2026-11-30T08:01:00Z"));
      drop(dir, "notes.csv", csv("foo;bar", "1;2"), new Date("2026-11-30T08:02:00Z"));
      await inbox.poll();
      expect((await inbox.poll()).claimed).toBe(3);
      await worker.runDue();

      const failed = ls(path.join(dir, "failed"));
      expect(failed.map((f) => f.replace(/^.*__/, ""))).toEqual(["bad.csv", "bad.csv.report.txt", "notes.csv", "notes.csv.report.txt"]);
      const report = readFileSync(path.join(dir, "failed", failed[1] as string), "utf8");
      expect(report).toMatch(/^bad\.csv \(invoices\): rejected, 1 of 3 lines wrong; nothing was imported/);
      expect(report).toMatch(/bad\.csv:3: .*issue_date/);
      expect(readFileSync(path.join(dir, "failed", failed[3] as string), "utf8")).toMatch(
        /line 1: the header \(foo, bar\) is not that of a file/,
      );
      expect(await db.prisma.invoice.count()).toBe(0);
      expect(await db.prisma.customer.count()).toBe(2);

      const posts = slack.calls.filter((c) => c.path.startsWith("/api/chat.postMessage"));
      const channel = posts.filter((c) => c.body.channel === "C0COMMITTEE");
      const direct = posts.filter((c) => c.body.channel === "UADMIN1");
      expect(channel).toHaveLength(1);
      expect(String(channel[0]?.body.text)).toMatch(/Import inbox \(batch .*\): 3 files, 1 imported, 2 rejected/);
      expect(String(channel[0]?.body.text)).toMatch(/cust\.csv \(customers, 2 lines\): imported, customers 2 created/);
      expect(direct).toHaveLength(1);
      expect(String(direct[0]?.body.text)).toMatch(/bad\.csv:3: /);
      // The jobs again (a retry): nothing is posted twice.
      await db.withConnection((sql) => sql.query(`UPDATE job SET state = 'PENDING', "runAt" = now() WHERE kind LIKE 'slack.import-%'`));
      await worker.runDue();
      expect(slack.calls.filter((c) => c.path.startsWith("/api/chat.postMessage"))).toHaveLength(2);
    } finally {
      await slack.stop();
    }
  });

  it("a batch left in processing/ by a process that died before enqueueing its job is taken up by the next look", async () => {
    const { inbox, worker } = botProcess(db, dir, "bot");
    await inbox.prepare();
    mkdirSync(path.join(dir, "processing", "20261130T080000Z-abcdef"));
    writeFileSync(path.join(dir, "processing", "20261130T080000Z-abcdef", "cust.csv"), CUSTOMERS);
    expect((await inbox.poll()).recovered).toBe(1);
    expect((await inbox.poll()).recovered).toBe(0);
    await worker.runDue();
    expect(await db.prisma.customer.count()).toBe(2);
    expect(ls(path.join(dir, "done"))).toEqual(["20261130T080000Z-abcdef__cust.csv", "20261130T080000Z-abcdef__cust.csv.report.txt"]);
  });

  it("a manual ccbot import, with the bot configured, leaves the same summary for the running bot to post", async () => {
    const file = path.join(dir, "customers.csv");
    writeFileSync(file, CUSTOMERS);
    // The CLI opens the database itself: an embedded one in a directory, or the server.
    const cliUrl = target.name === "pglite" ? freshPgliteDir() : await target.freshUrl();
    const run = async (env: Record<string, string>) => {
      const out = new PassThrough();
      const err = new PassThrough();
      return runCli(["import", "customers", file], { stdout: out, stderr: err, interactive: false, env: { DATABASE_URL: cliUrl, ...env } });
    };
    expect(await run({})).toBe(0);
    expect(await run({ SLACK_BOT_TOKEN: "xoxb-test" })).toBe(0);
    const cliDb = await openDatabase(cliUrl);
    try {
      const jobs = await cliDb.prisma.job.findMany({ where: { kind: { startsWith: "slack.import-" } } });
      // Without a chat platform configured nothing is queued; with Slack, the summary (no error lines).
      expect(jobs.map((j) => j.kind)).toEqual(["slack.import-summary"]);
      expect(String((jobs[0]?.payload as { text: string }).text)).toMatch(
        /^ccbot import: 1 file, 1 imported, 0 rejected\.\n• customers\.csv \(customers, 2 lines\): imported, customers 0 created, 0 updated, 2 unchanged/,
      );
    } finally {
      await cliDb.close();
    }
  });
});
