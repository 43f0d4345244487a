// Finding an account from what a person types: its id in the books, part of its name, or an invoice number.
import type { Database } from "../db/database.js";
import { AppError } from "../errors.js";

export async function findAccount(db: Database, query: string): Promise<{ id: number; name: string; externalId: string }> {
  const text = query.trim();
  if (!text) throw new AppError("input.invalid", "Say which customer: its name, its customer id or one of its invoice numbers.");
  const exact = await db.prisma.customer.findUnique({ where: { externalId: text } });
  if (exact) return exact;
  const invoice = await db.prisma.invoice.findFirst({ where: { number: text }, include: { customer: true } });
  if (invoice) return invoice.customer;
  const byName = await db.prisma.customer.findMany({
    where: { name: { contains: text, mode: "insensitive" } },
    orderBy: { name: "asc" },
    take: 6,
  });
  if (byName.length === 1 && byName[0]) return byName[0];
  if (byName.length > 1) {
    throw new AppError(
      "input.invalid",
      `Several customers match "${text}": ${byName
        .slice(0, 5)
        .map((c) => `${c.name} (${c.externalId})`)
        .join(", ")}. Be more precise.`,
    );
  }
  throw new AppError("not_found", `No customer, customer id or invoice matches "${text}".`);
}
