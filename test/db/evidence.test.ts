import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { appendHistory, verifyHistory } from "../../src/db/history.js";
import { evidenceFile } from "../../src/documents/evidence.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";

afterAll(dropTestSchemas);

describe.each(targets)("the sealed reminder history on $name", (target) => {
  let db: Database;
  let customerId: number;
  const ids: bigint[] = [];
  beforeAll(async () => {
    db = await freshDatabase(target);
    const customer = await db.prisma.customer.create({ data: { externalId: "K1", name: "Café du Port", currency: "EUR" } });
    customerId = customer.id;
    const texts = ["first reminder e-mailed", "call: promise to pay 500.00 by 2026-12-01", "promise broken", "formal notice approved"];
    for (const [i, text] of texts.entries()) {
      ids.push(
        await db.prisma.$transaction((tx) =>
          appendHistory(tx, {
            occurredAt: new Date(Date.UTC(2026, 10, 2 + i, 9)),
            customerId,
            origin: "CLI",
            channel: "PHONE",
            kind: `step.${i}`,
            text,
            data: { n: i },
          }),
        ),
      );
    }
  });
  afterAll(async () => db?.close());

  /** Tampering the way a person with database access would: around the append-only trigger. */
  async function tamper(sql: string): Promise<void> {
    await db.withConnection((c) =>
      c.exec(`ALTER TABLE history_entry DISABLE TRIGGER USER; ${sql}; ALTER TABLE history_entry ENABLE TRIGGER USER;`),
    );
  }

  it("an untouched history verifies", async () => {
    const report = await verifyHistory(db.prisma);
    expect(report).toMatchObject({ customers: 1, entries: 4, problems: [] });
    const entries = await db.prisma.historyEntry.findMany({ orderBy: { id: "asc" } });
    expect(entries[0]?.prevHash).toBeNull();
    expect(entries[1]?.prevHash).toBe(entries[0]?.hash);
  });

  it("the evidence file lists every entry with its seal and says the seals are intact", async () => {
    const file = await evidenceFile(db, customerId, new Date("2026-11-23T10:00:00Z"));
    expect(file.intact).toBe(true);
    expect(file.pdf.subarray(0, 5).toString()).toBe("%PDF-");
    // In the company's language (French by default); the verifier's own words (chain broken…) are English still.
    expect(file.text).toContain("Scellés vérifiés : les 4 entrées d’historique sont intactes");
    const entries = await db.prisma.historyEntry.findMany({ orderBy: { id: "asc" } });
    for (const e of entries) expect(file.text).toContain(`entrée n° ${e.id} scellé ${e.hash}`);
  });

  it("the plain UPDATE and DELETE are refused by the database", async () => {
    await expect(
      db.withConnection((c) => c.exec(`UPDATE history_entry SET text = 'nothing happened' WHERE id = ${ids[1]}`)),
    ).rejects.toThrow(/append-only/);
    await expect(db.withConnection((c) => c.exec(`DELETE FROM history_entry WHERE id = ${ids[1]}`))).rejects.toThrow(/append-only/);
  });

  it("an edited entry is named", async () => {
    await tamper(`UPDATE history_entry SET text = 'call: no answer' WHERE id = ${ids[1]}`);
    const { problems } = await verifyHistory(db.prisma, customerId);
    expect(problems.map((p) => [p.entryId, p.problem])).toEqual([[ids[1], "content changed"]]);
    await tamper(`UPDATE history_entry SET text = 'call: promise to pay 500.00 by 2026-12-01' WHERE id = ${ids[1]}`);
    expect((await verifyHistory(db.prisma, customerId)).problems).toEqual([]);
  });

  it("two swapped entries are both named", async () => {
    await tamper(`UPDATE history_entry SET text = CASE id WHEN ${ids[1]} THEN 'promise broken' ELSE 'call: promise to pay 500.00 by 2026-12-01' END,
                                           kind = CASE id WHEN ${ids[1]} THEN 'step.2' ELSE 'step.1' END
                   WHERE id IN (${ids[1]}, ${ids[2]})`);
    const { problems } = await verifyHistory(db.prisma, customerId);
    expect(problems.map((p) => [p.entryId, p.problem])).toEqual([
      [ids[1], "content changed"],
      [ids[2], "content changed"],
    ]);
  });

  it("a deleted entry breaks the chain at the entry after it", async () => {
    await tamper(`DELETE FROM history_entry WHERE id = ${ids[2]}`);
    const { problems } = await verifyHistory(db.prisma, customerId);
    expect(problems.filter((p) => p.problem === "chain broken").map((p) => p.entryId)).toEqual([ids[3]]);
    const file = await evidenceFile(db, customerId, new Date());
    expect(file.intact).toBe(false);
    expect(file.text).toContain(`entrée n° ${ids[3]} chaîne rompue`);
  });
});
