// Finding a customer from what a person types (Slack /credit, Teams "credit" and the search extension).
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/database.js";
import { migrate, MIGRATIONS_DIR, readMigrations } from "../../src/db/migrate.js";
import { AppError } from "../../src/errors.js";
import { findAccount, MAX_SEARCH_LENGTH } from "../../src/usecases/accounts.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";

afterAll(dropTestSchemas);

const CUSTOMERS = [
  ["C1", "Électricité de Provence"],
  ["C2", "Boulangerie Martin"],
  ["C3", "Remise 100% Bio"],
  ["C4", "Œuvres Sociales Ørsted"],
  ["C5", "ACME"],
  ["C6", "Acme Industries"],
  ["C7", "Hôtel_du_Lac"],
] as const;

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe.each(targets)("findAccount on $name", (target) => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase(target);
    for (const [externalId, name] of CUSTOMERS) await db.prisma.customer.create({ data: { externalId, name, currency: "EUR" } });
  });
  afterAll(async () => db?.close());

  const find = async (query: string) => (await findAccount(db, query)).externalId;

  it("ignores accents and case: electricite, ELECTRICITE and élec find Électricité de Provence", async () => {
    expect(await find("electricite")).toBe("C1");
    expect(await find("ELECTRICITE DE PROVENCE")).toBe("C1");
    expect(await find("élec")).toBe("C1");
    expect(await find("oeuvres")).toBe("C4");
    expect(await find("orsted")).toBe("C4");
    expect(await find("hotel")).toBe("C7");
  });

  it("takes % and _ as characters: each finds the one name that holds it, not every customer", async () => {
    expect(await find("%")).toBe("C3");
    expect(await find("_")).toBe("C7");
    expect(await find("100%")).toBe("C3");
    expect(await find("hotel_du")).toBe("C7");
    expect((await failure(find("%a%"))).message).toBe('No customer, customer id or invoice matches "%a%".');
    expect((await failure(find("hotel du"))).code).toBe("not_found");
    expect((await failure(find("b_o"))).code).toBe("not_found");
  });

  it("a whole name picks that customer among longer ones; a part shared by several asks to be more precise", async () => {
    expect(await find("acme")).toBe("C5");
    const several = await failure(find("acm"));
    expect(several.message).toBe('Several customers match "acm": ACME (C5), Acme Industries (C6). Be more precise.');
  });

  it(`refuses a search longer than ${MAX_SEARCH_LENGTH} characters without repeating it`, async () => {
    const huge = "électricité ".repeat(7_500); // 90 KB
    const error = await failure(find(huge));
    expect(error.code).toBe("input.invalid");
    expect(error.message).toBe(
      "A customer search is at most 200 characters (this one has 89,999): type part of its name, its customer id or one of its invoice numbers.",
    );
    // Exactly the limit is accepted.
    expect((await failure(find("x".repeat(MAX_SEARCH_LENGTH)))).code).toBe("not_found");
  });

  it("a search with a line break or a control character is read on one line", async () => {
    expect(await find("boulangerie\nmartin")).toBe("C2");
    expect(await find("\u001bboulangerie\u0007")).toBe("C2");
  });
});

describe.each(targets)("the search migration on $name", (target) => {
  it("fills the search key of customers that existed before it, and of every customer written after", async () => {
    const db = await openDatabase(await target.freshUrl());
    try {
      const mine = "20261130120000_customer_search";
      const before = mkdtempSync(path.join(tmpdir(), "ccbot-migrations-"));
      for (const m of readMigrations().filter((m) => m.name < mine))
        cpSync(path.join(MIGRATIONS_DIR, m.name), path.join(before, m.name), { recursive: true });
      await migrate(db, { dir: before });
      await db.withConnection((sql) =>
        sql.query(
          `INSERT INTO customer ("externalId", name, currency, "updatedAt") VALUES ('OLD', 'Société Générale des Eaux', 'EUR', now())`,
        ),
      );
      expect((await migrate(db)).applied).toContain(mine);
      expect(await findAccount(db, "societe generale")).toMatchObject({ externalId: "OLD" });
      await db.prisma.customer.update({ where: { externalId: "OLD" }, data: { name: "Compagnie Générale" } });
      expect(await findAccount(db, "compagnie generale")).toMatchObject({ externalId: "OLD" });
    } finally {
      await db.close();
    }
  });
});
