// The history anchored outside the database: tamper tests as the table owner (triggers disabled), each on a
// fresh database, checked through `ccbot history verify` (exit code and what it names).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { Database } from "../../src/db/database.js";
import { appendHistory } from "../../src/db/history.js";
import { createAnchor, recordAnchorPublication } from "../../src/db/historyAnchor.js";
import { migrate } from "../../src/db/migrate.js";
import { entryHash } from "../../src/domain/evidence.js";
import { heldCliTargets, heldDatabase } from "../helpers/cli.js";
import { dropTestSchemas } from "../helpers/databases.js";

afterAll(dropTestSchemas);

const KEY = "k".repeat(16) + "0123456789abcdef0123";
process.env.HISTORY_SEAL_KEY = KEY; // appendHistory seals with the environment's key, as the bot does
const HISTORY_TABLES = ["history_entry", "history_entry_invoice", "history_anchor", "history_anchor_publication"];

// PGlite here is a directory the file holds open: the test's writes and the CLI's reads go through one handle.
const urls = heldCliTargets;

interface Seeded {
  url: string;
  cafe: { id: number; entries: bigint[] };
  bakery: { id: number; entries: bigint[] };
}

/** Two customers with sealed histories (one entry holds a letter's SHA-256 and two invoices). */
async function seed(url: string): Promise<Seeded> {
  const db = await heldDatabase(url);
  try {
    await migrate(db);
    const cafe = await db.prisma.customer.create({ data: { externalId: "K1", name: "Café du Port", currency: "EUR" } });
    const bakery = await db.prisma.customer.create({ data: { externalId: "K2", name: "Boulangerie Sud", currency: "EUR" } });
    const invoice = (customerId: number, number: string) =>
      db.prisma.invoice.create({
        data: {
          customerId,
          number,
          issueDate: new Date("2026-09-01"),
          dueDate: new Date("2026-10-01"),
          amount: 20590n,
          openAmount: 20590n,
          currency: "EUR",
          source: "CSV",
        },
      });
    const [f1, f2] = [await invoice(cafe.id, "F1"), await invoice(cafe.id, "F2")];
    const append = (customerId: number, day: number, kind: string, text: string, extra: { invoiceIds?: number[]; data?: object } = {}) =>
      db.prisma.$transaction((tx) =>
        appendHistory(tx, {
          occurredAt: new Date(Date.UTC(2026, 10, day, 9)),
          customerId,
          origin: "CLI",
          channel: "SYSTEM",
          kind,
          text,
          invoiceIds: extra.invoiceIds,
          data: extra.data,
        }),
      );
    const cafeEntries = [
      await append(cafe.id, 2, "reminder.sent", "first reminder e-mailed", { invoiceIds: [f1.id, f2.id] }),
      await append(cafe.id, 9, "call.outcome", "promise to pay by 2026-11-20"),
      await append(cafe.id, 23, "document.formal_notice", "formal notice issued", {
        invoiceIds: [f1.id],
        data: { sha256: "9f".repeat(32) },
      }),
    ];
    const bakeryEntries = [await append(bakery.id, 3, "reminder.sent", "first reminder"), await append(bakery.id, 10, "call.outcome", "no answer")];
    return { url, cafe: { id: cafe.id, entries: cafeEntries }, bakery: { id: bakery.id, entries: bakeryEntries } };
  } finally {
    await db.close();
  }
}

async function withDb<T>(url: string, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await heldDatabase(url);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** What someone owning the tables can do: switch the append-only triggers off, change rows, switch them on. */
async function asOwner(url: string, sql: string): Promise<void> {
  await withDb(url, (db) =>
    db.withConnection((c) =>
      c.exec(
        HISTORY_TABLES.map((t) => `ALTER TABLE ${t} DISABLE TRIGGER ALL;`).join("") +
          sql +
          ";" +
          HISTORY_TABLES.map((t) => `ALTER TABLE ${t} ENABLE TRIGGER ALL;`).join(""),
      ),
    ),
  );
}

function sink() {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

/** The CLI entry point, as a script runs it (JSON on stdout, messages on stderr). */
async function ccbot(url: string, args: string[], env: NodeJS.ProcessEnv = { HISTORY_SEAL_KEY: KEY }) {
  const stdout = sink();
  const stderr = sink();
  const database = await heldDatabase(url);
  const code = await runCli(args, { stdout: stdout.stream, stderr: stderr.stream, interactive: false, env: { DATABASE_URL: url, ...env }, database });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

async function anchor(url: string): Promise<{ digest: string; id: number; file: string }> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "ccbot-anchor-file-")), "anchor.json");
  const run = await ccbot(url, ["history", "anchor", "--output", file]);
  expect(run.code).toBe(0);
  const match = /History anchor #(\d+) of \S+: \d+ chain\(s\), \d+ entries, SHA-256 ([0-9a-f]{64})/.exec(run.stderr);
  expect(match).not.toBeNull();
  return { id: Number(match?.[1]), digest: match?.[2] ?? "", file };
}

// Bounded generously: a loaded machine is slow, not wrong.
describe.each(urls)("the anchored history on $name", { timeout: 300_000 }, (target) => {
  it("TRUNCATE is refused on every history table while the triggers are on", async () => {
    const { url } = await seed(await target.url());
    await withDb(url, async (db) => {
      await createAnchor(db, new Date("2026-11-30T08:00:00Z"));
      for (const table of HISTORY_TABLES) {
        await expect(db.withConnection((c) => c.exec(`TRUNCATE ${table} CASCADE`))).rejects.toThrow(/append-only: TRUNCATE refused/);
      }
      await expect(db.withConnection((c) => c.exec(`DELETE FROM history_anchor`))).rejects.toThrow(/append-only/);
    });
  });

  it("an untouched history verifies, saying what it proved and what it could not", async () => {
    const { url } = await seed(await target.url());
    const before = await ccbot(url, ["history", "verify"]);
    expect(before.code).toBe(0);
    expect(before.stderr).toContain("Impossible de prouver :");
    expect(before.stderr).toContain("there is no anchor (run ccbot history anchor");
    expect(before.stderr).toContain("the 5 entries from entry #");
    const a = await anchor(url);
    const after = await ccbot(url, ["history", "verify", "--anchor", a.digest]);
    expect(after.code).toBe(0);
    expect(after.stderr).toContain("Historique intact : sceaux conformes pour 5 entrées de 2 clients. Ancres vérifiées : 1.");
    expect(after.stderr).toContain(`every chain extends what 1 anchor(s) saw, up to anchor #${a.id}`);
    expect(after.stderr).toContain("carry a valid HMAC: none was forged without HISTORY_SEAL_KEY");
    expect(after.stderr).toContain(`that no entry written after anchor #${a.id}`);
  });

  it("deleting a customer's newest entries (the letter's included) is named: tail cut after the anchor", async () => {
    const s = await seed(await target.url());
    const a = await anchor(s.url);
    await asOwner(s.url, `DELETE FROM history_entry_invoice WHERE "entryId" IN (${s.cafe.entries.slice(1).join(",")});
                          DELETE FROM history_entry WHERE id IN (${s.cafe.entries.slice(1).join(",")})`);
    const run = await ccbot(s.url, ["history", "verify"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `Café du Port (#${s.cafe.id}) : tail cut : tail cut after anchor #${a.id}: anchor #${a.id} (`,
    );
    expect(run.stderr).toContain(`saw 3 entries up to entry #${s.cafe.entries[2]}; entry #${s.cafe.entries[2]} is gone and the chain now has 1 entry, the newest #${s.cafe.entries[0]}`);
    expect(JSON.parse(run.stdout).problems).toHaveLength(1);
  });

  it("deleting a customer's whole chain is named, also when the stored anchors were deleted with it", async () => {
    const s = await seed(await target.url());
    const a = await anchor(s.url);
    await asOwner(s.url, `DELETE FROM history_entry WHERE "customerId" = ${s.bakery.id}`);
    const run = await ccbot(s.url, ["history", "verify"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Boulangerie Sud (#${s.bakery.id}) : chain removed : the whole chain is gone: anchor #${a.id}`);

    // The anchors deleted too (TRUNCATE ... RESTART IDENTITY hides the numbering): the published digest still tells.
    await asOwner(s.url, `TRUNCATE history_anchor_publication, history_anchor RESTART IDENTITY`);
    const inside = await ccbot(s.url, ["history", "verify"]);
    expect(inside.code).toBe(0);
    expect(inside.stderr).toContain("there is no anchor");
    const withDigest = await ccbot(s.url, ["history", "verify", "--anchor", a.digest]);
    expect(withDigest.code).toBe(1);
    expect(withDigest.stderr).toContain(`anchor missing : no anchor with the digest ${a.digest} is in the database`);
    const withFile = await ccbot(s.url, ["history", "verify", "--anchor", a.file]);
    expect(withFile.code).toBe(1);
    expect(withFile.stderr).toContain(`anchor missing : anchor #${a.id} (${a.digest}) from ${a.file} is no longer in the database`);
    expect(withFile.stderr).toContain(`Boulangerie Sud (#${s.bakery.id}) : chain removed : the whole chain is gone: anchor #${a.id}`);
  });

  it("an appended row with a recomputed SHA-256 has no valid seal (with the key; without it, verify says so)", async () => {
    const s = await seed(await target.url());
    const forged = await withDb(s.url, async (db) => {
      const [head] = await db.withConnection((c) =>
        c.query<{ hash: string; next: string }>(
          `SELECT hash, nextval(pg_get_serial_sequence('history_entry', 'id'))::text AS next FROM history_entry WHERE id = ${s.cafe.entries[2]}`,
        ),
      );
      const id = BigInt(head?.next ?? "0");
      const occurredAt = new Date("2026-11-25T09:00:00.000Z");
      const content = {
        id,
        occurredAt,
        customerId: s.cafe.id,
        actorId: null,
        actorLabel: null,
        origin: "CLI",
        channel: "PHONE",
        kind: "dispute.withdrawn",
        text: "customer withdrew the dispute",
        actionId: null,
        data: {},
        invoiceIds: [],
      };
      const hash = entryHash(head?.hash ?? null, content);
      await db.withConnection((c) =>
        c.query(
          `INSERT INTO history_entry (id, "occurredAt", "customerId", origin, channel, kind, text, data, "prevHash", hash)
           VALUES ($1, $2, $3, 'CLI', 'PHONE', $4, $5, '{}', $6, $7)`,
          [id.toString(), occurredAt.toISOString(), s.cafe.id, content.kind, content.text, head?.hash, hash],
        ),
      );
      return id;
    });
    const run = await ccbot(s.url, ["history", "verify", "K1"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `entrée n° ${forged} (Café du Port (#${s.cafe.id}), 25/11/2026, dispute.withdrawn) : no valid seal : entry #${forged} has no valid seal: ` +
        `written without an HMAC after sealing began at entry #${s.cafe.entries[0]}`,
    );
    expect(JSON.parse(run.stdout).problems).toHaveLength(1);

    const withoutKey = await ccbot(s.url, ["history", "verify", "K1"], {});
    expect(withoutKey.code).toBe(0);
    expect(withoutKey.stderr).toContain(
      "that no entry was forged with a recomputed SHA-256 by someone with access to the database: HISTORY_SEAL_KEY is not set (3 entries carry an HMAC",
    );

    // A made-up HMAC does not pass either.
    await asOwner(s.url, `UPDATE history_entry SET hmac = repeat('a', 64) WHERE id = ${forged}`);
    const madeUp = await ccbot(s.url, ["history", "verify"]);
    expect(madeUp.code).toBe(1);
    expect(madeUp.stderr).toContain(`entry #${forged} has no valid seal: its HMAC does not match HISTORY_SEAL_KEY`);
  });

  it("truncating history_entry_invoice breaks the seals of the entries that named invoices", async () => {
    const s = await seed(await target.url());
    await asOwner(s.url, `TRUNCATE history_entry_invoice`);
    const run = await ccbot(s.url, ["history", "verify"]);
    expect(run.code).toBe(1);
    const named = (JSON.parse(run.stdout).problems as Array<{ entryId: string; problem: string }>).map((p) => [p.entryId, p.problem]);
    expect(named).toEqual([
      [s.cafe.entries[0]?.toString(), "content changed"],
      [s.cafe.entries[2]?.toString(), "content changed"],
    ]);
  });

  it("truncating history_entry (with its invoices) removes every chain the anchor saw", async () => {
    const s = await seed(await target.url());
    const a = await anchor(s.url);
    await asOwner(s.url, `TRUNCATE history_entry_invoice, history_entry`);
    const run = await ccbot(s.url, ["history", "verify", "--anchor", a.file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Café du Port (#${s.cafe.id}) : chain removed`);
    expect(run.stderr).toContain(`Boulangerie Sud (#${s.bakery.id}) : chain removed`);
  });

  it("truncating the anchors (numbering kept) is named", async () => {
    const s = await seed(await target.url());
    await anchor(s.url);
    const second = await anchor(s.url);
    await withDb(s.url, (db) => recordAnchorPublication(db, second.id, "slack:C0123ABCD", "1764500000.000100"));
    await asOwner(s.url, `TRUNCATE history_anchor_publication, history_anchor`);
    const run = await ccbot(s.url, ["history", "verify"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`anchor missing : anchors are numbered up to #${second.id} but none is stored: anchors were deleted`);
  });

  it("createAnchor and recordAnchorPublication: anchors chain to each other, publications are recorded once", async () => {
    const s = await seed(await target.url());
    await withDb(s.url, async (db) => {
      const first = await createAnchor(db, new Date("2026-11-30T08:00:00Z"));
      expect(first).toMatchObject({ customers: 2, entries: 5, prevDigest: null });
      expect(first.heads.map((h) => [h.customerId, h.count, h.lastId])).toEqual([
        [s.cafe.id, 3, s.cafe.entries[2]?.toString()],
        [s.bakery.id, 2, s.bakery.entries[1]?.toString()],
      ]);
      const second = await createAnchor(db, new Date("2026-12-07T08:00:00Z"));
      expect(second.prevDigest).toBe(first.digest);
      expect(second.sealedFrom).toBe(s.cafe.entries[0]?.toString());
      await recordAnchorPublication(db, second.id, "teams:19:abc@thread.tacv2", "1:msg");
      await recordAnchorPublication(db, second.id, "teams:19:abc@thread.tacv2", "1:msg");
      expect(await db.prisma.historyAnchorPublication.findMany({ select: { anchorId: true, place: true, messageId: true } })).toEqual([
        { anchorId: second.id, place: "teams:19:abc@thread.tacv2", messageId: "1:msg" },
      ]);
    });
  });

  it("an anchor file edited after the fact is refused, and so is an --anchor that is neither a digest nor a file", async () => {
    const s = await seed(await target.url());
    const a = await anchor(s.url);
    const edited = path.join(path.dirname(a.file), "edited.json");
    const content = JSON.parse((await import("node:fs")).readFileSync(a.file, "utf8"));
    content.heads[0].count = 2;
    writeFileSync(edited, JSON.stringify(content));
    const run = await ccbot(s.url, ["history", "verify", "--anchor", edited]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`The anchor file ${edited} was altered: its content gives the digest`);
    const nonsense = await ccbot(s.url, ["history", "verify", "--anchor", "last-monday"]);
    expect(nonsense.code).toBe(1);
    expect(nonsense.stderr).toContain("--anchor last-monday: neither a SHA-256 digest");
    const message = path.join(path.dirname(a.file), "message.txt");
    writeFileSync(message, `Weekly committee digest. History anchor #${a.id}: SHA-256 ${a.digest}`);
    expect((await ccbot(s.url, ["history", "verify", "--anchor", message])).code).toBe(0);
  });
});
