// The accounts whose deliveries are blocked, with when, by whom and why (from the history's action.applied
// entry of the block), for `ccbot report blocked`: an ERP's scheduled import reads it as CSV or JSON.
import type { Database } from "../db/database.js";

export interface BlockedAccount {
  externalId: string;
  name: string;
  /** When the block was applied (null for a block older than the record of its date). */
  since: Date | null;
  /** The committee members who approved the block, in the order they voted; empty when no decision is recorded. */
  approvedBy: string[];
  /** The applied action, as numbered in the chat and the history; null when the block was not a committee decision. */
  actionId: number | null;
  reason: string | null;
}

export async function blockedAccounts(db: Database): Promise<BlockedAccount[]> {
  const customers = await db.prisma.customer.findMany({
    where: { blocked: true },
    select: { id: true, externalId: true, name: true, blockedAt: true, blockedReason: true },
    orderBy: [{ blockedAt: "asc" }, { externalId: "asc" }],
  });
  if (customers.length === 0) return [];
  // The latest applied block of each customer, as the history recorded it.
  const entries = await db.prisma.historyEntry.findMany({
    where: { kind: "action.applied", customerId: { in: customers.map((c) => c.id) }, action: { kind: "BLOCK_DELIVERIES" } },
    orderBy: { id: "desc" },
    select: {
      customerId: true,
      occurredAt: true,
      actor: { select: { name: true } },
      action: {
        select: {
          id: true,
          reason: true,
          votes: { where: { decision: "APPROVE" }, orderBy: { createdAt: "asc" }, select: { person: { select: { name: true } } } },
        },
      },
    },
  });
  const latest = new Map<number, (typeof entries)[number]>();
  for (const e of entries) if (e.customerId !== null && !latest.has(e.customerId)) latest.set(e.customerId, e);
  return customers.map((c) => {
    const entry = latest.get(c.id);
    const approvers = entry?.action?.votes.map((v) => v.person.name) ?? [];
    return {
      externalId: c.externalId,
      name: c.name,
      since: c.blockedAt ?? entry?.occurredAt ?? null,
      approvedBy: approvers.length > 0 ? approvers : entry?.actor ? [entry.actor.name] : [],
      actionId: entry?.action?.id ?? null,
      reason: c.blockedReason ?? entry?.action?.reason ?? null,
    };
  });
}
