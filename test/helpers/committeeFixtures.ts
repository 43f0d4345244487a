// A committee with a lot to decide: `count` accounts owned by one sales rep, each with a proposal to block
// deliveries awaiting the committee (long reasons, to test the chat platforms' size limits).
import type { Database } from "../../src/db/database.js";

export async function seedBlockProposals(
  db: Database,
  count: number,
  salesOwnerId: number,
  text: { name?: (i: number) => string; reason?: string } = {},
): Promise<void> {
  const name = text.name ?? ((i: number) => `Customer ${i}`);
  await db.prisma.customer.createMany({
    data: Array.from({ length: count }, (_, i) => ({ externalId: `K${i + 1}`, name: name(i + 1), currency: "EUR", salesOwnerId })),
  });
  const customers = await db.prisma.customer.findMany({ orderBy: { id: "asc" } });
  await db.prisma.proposedAction.createMany({
    data: customers.map((c) => ({
      customerId: c.id,
      kind: "BLOCK_DELIVERIES" as const,
      reason: text.reason ?? `${"x".repeat(200)} overdue, oldest 75 days late`,
      period: "2026-W47",
    })),
  });
}
