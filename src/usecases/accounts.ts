// Finding an account from what a person types: its id in the books, part of its name, or an invoice number.
// Names match without regard to case or accents ("electricite" finds "Électricité"): the database keeps
// customer."searchName" = search_key(name) (prisma/migrations/20261130120000_customer_search), on PGlite and
// PostgreSQL alike, and the query goes through the same search_key(). What was typed is matched literally
// ("%" and "_" are characters, not wildcards).
import type { Database } from "../db/database.js";
import { singleLine } from "../domain/text.js";
import { AppError } from "../errors.js";
import { phrase } from "../i18n/index.js";

/** Longest search accepted: a name, an id or an invoice number is far shorter. */
export const MAX_SEARCH_LENGTH = 200;

export async function findAccount(db: Database, query: string): Promise<{ id: number; name: string; externalId: string }> {
  const text = singleLine(query);
  if (text.length > MAX_SEARCH_LENGTH) {
    // What was typed is not repeated: it could be anything, of any size.
    throw new AppError("input.invalid", phrase("usecase.account.searchTooLong", { max: MAX_SEARCH_LENGTH, length: text.length }));
  }
  if (!text) throw new AppError("input.invalid", phrase("usecase.account.searchEmpty"));
  const exact = await db.prisma.customer.findUnique({ where: { externalId: text } });
  if (exact) return exact;
  const invoice = await db.prisma.invoice.findFirst({ where: { number: text }, include: { customer: true } });
  if (invoice) return invoice.customer;
  const byName = await db.withConnection((sql) =>
    sql.query<{ id: number; name: string; externalId: string; exact: boolean }>(
      `WITH q AS (SELECT search_key($1) AS key)
       SELECT c.id, c.name, c."externalId", c."searchName" = q.key AS exact
         FROM customer c, q
        WHERE c."searchName" LIKE '%' || replace(replace(replace(q.key, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' ESCAPE '\\'
        ORDER BY exact DESC, c.name, c.id
        LIMIT 6`,
      [text],
    ),
  );
  const [first, second] = byName;
  // One match, or one whose whole name is what was typed ("Acme" among "Acme" and "Acme Industries").
  if (first && (!second || (first.exact && !second.exact))) return { id: first.id, name: first.name, externalId: first.externalId };
  if (byName.length > 1) {
    throw new AppError(
      "input.invalid",
      phrase("usecase.account.several", {
        text,
        matches: byName
          .slice(0, 5)
          .map((c) => `${c.name} (${c.externalId})`)
          .join(", "),
      }),
    );
  }
  throw new AppError("not_found", phrase("usecase.account.none", { text }));
}

/**
 * Customers whose whole name is `name`, ignoring case and accents ("cafe du port" = "Café du Port"), at
 * most `take`. The name is compared as text: "%" matches only a customer named "%".
 */
export async function customersNamed(
  db: Database,
  name: string,
  take = 5,
): Promise<Array<{ id: number; name: string; externalId: string }>> {
  return db.withConnection((sql) =>
    sql.query<{ id: number; name: string; externalId: string }>(
      `SELECT id, name, "externalId" FROM customer WHERE "searchName" = search_key($1) ORDER BY name, id LIMIT $2`,
      [name, take],
    ),
  );
}
