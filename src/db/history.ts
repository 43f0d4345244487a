// The reminder history (case log): entries are only ever appended, in the same transaction as the change
// they record. The database refuses UPDATE and DELETE on them (see the init migration).
import type { Prisma } from "../generated/prisma/client.js";

export type HistoryOrigin = "SLACK" | "TEAMS" | "CLI" | "JOB" | "IMPORT";
export type HistoryChannel = "EMAIL" | "PHONE" | "LETTER" | "VISIT" | "CHAT" | "SYSTEM";

export interface NewHistoryEntry {
  occurredAt: Date;
  customerId: number | null;
  actorId?: number | null;
  actorLabel?: string | null;
  origin: HistoryOrigin;
  channel: HistoryChannel;
  kind: string;
  text: string;
  actionId?: number | null;
  invoiceIds?: number[];
  data?: Prisma.InputJsonValue;
}

type Tx = Pick<Prisma.TransactionClient, "historyEntry">;

export async function appendHistory(tx: Tx, entry: NewHistoryEntry): Promise<bigint> {
  const created = await tx.historyEntry.create({
    data: {
      occurredAt: entry.occurredAt,
      customerId: entry.customerId,
      actorId: entry.actorId ?? null,
      actorLabel: entry.actorLabel ?? null,
      origin: entry.origin,
      channel: entry.channel,
      kind: entry.kind,
      text: entry.text,
      actionId: entry.actionId ?? null,
      data: entry.data ?? {},
      invoices: entry.invoiceIds?.length ? { create: entry.invoiceIds.map((invoiceId) => ({ invoiceId })) } : undefined,
    },
    select: { id: true },
  });
  return created.id;
}
