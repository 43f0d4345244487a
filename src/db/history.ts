// The reminder history (case log): entries are only ever appended, in the same transaction as the change
// they record. The database refuses UPDATE and DELETE on them (see the init migration).
import { historySealKey } from "../config/sealKey.js";
import { entryHash } from "../domain/evidence.js";
import { entryHmac } from "../domain/historyAnchor.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Sql } from "./database.js";

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

type Tx = Pick<Prisma.TransactionClient, "historyEntry" | "$queryRawUnsafe" | "$executeRawUnsafe">;

/**
 * Appends one entry, sealed (see src/domain/evidence.ts), and with an HMAC of its seal when
 * HISTORY_SEAL_KEY is set (docs/evidence.md). Entries of one customer are written one at a
 * time (a transaction-scoped advisory lock), so each is chained to the one before it.
 */
export async function appendHistory(tx: Tx, entry: NewHistoryEntry): Promise<bigint> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext($1))`, `ccbot-history:${entry.customerId ?? "none"}`);
  const last = await tx.historyEntry.findFirst({
    where: { customerId: entry.customerId },
    orderBy: { id: "desc" },
    select: { hash: true },
  });
  const [next] = await tx.$queryRawUnsafe<Array<{ id: string }>>(
    `SELECT nextval(pg_get_serial_sequence('history_entry', 'id'))::text AS id`,
  );
  const id = BigInt(next?.id ?? "0");
  const { content, prevHash, hash, hmac } = seal(id, last?.hash ?? null, entry);
  await tx.historyEntry.create({
    data: {
      id,
      occurredAt: content.occurredAt,
      customerId: content.customerId,
      actorId: content.actorId,
      actorLabel: content.actorLabel,
      origin: entry.origin,
      channel: entry.channel,
      kind: content.kind,
      text: content.text,
      actionId: content.actionId,
      data: entry.data ?? {},
      prevHash,
      hash,
      hmac,
      invoices: content.invoiceIds.length ? { create: content.invoiceIds.map((invoiceId) => ({ invoiceId })) } : undefined,
    },
    select: { id: true },
  });
  return id;
}

/** The sealed content of an entry, its hash chained to the previous one, and the HMAC when a key is set. */
function seal(id: bigint, prevHash: string | null, entry: NewHistoryEntry) {
  const content = {
    id,
    occurredAt: entry.occurredAt,
    customerId: entry.customerId,
    actorId: entry.actorId ?? null,
    actorLabel: entry.actorLabel ?? null,
    origin: entry.origin,
    channel: entry.channel,
    kind: entry.kind,
    text: entry.text,
    actionId: entry.actionId ?? null,
    data: (entry.data ?? {}) as unknown,
    invoiceIds: [...new Set(entry.invoiceIds ?? [])],
  };
  const hash = entryHash(prevHash, content);
  const key = historySealKey();
  return { content, prevHash, hash, hmac: key ? entryHmac(key, hash) : null };
}

/**
 * appendHistory on a raw SQL connection (imports run in one raw transaction): the same lock, chain and
 * seal, so `ccbot history verify` cannot tell the two apart.
 */
export async function appendHistorySql(sql: Sql, entry: NewHistoryEntry): Promise<bigint> {
  await sql.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`ccbot-history:${entry.customerId ?? "none"}`]);
  const [last] = await sql.query<{ hash: string | null }>(
    `SELECT hash FROM history_entry WHERE "customerId" IS NOT DISTINCT FROM $1::int ORDER BY id DESC LIMIT 1`,
    [entry.customerId],
  );
  const [next] = await sql.query<{ id: string }>(`SELECT nextval(pg_get_serial_sequence('history_entry', 'id'))::text AS id`);
  const id = BigInt(next?.id ?? "0");
  const { content, prevHash, hash, hmac } = seal(id, last?.hash ?? null, entry);
  await sql.query(
    `INSERT INTO history_entry (id, "occurredAt", "customerId", "actorId", "actorLabel", origin, channel, kind, text, "actionId", data, "prevHash", hash, hmac)
     VALUES ($1::bigint, $2::timestamptz, $3, $4, $5, $6::"HistoryOrigin", $7::"HistoryChannel", $8, $9, $10, $11::jsonb, $12, $13, $14)`,
    [
      id.toString(),
      content.occurredAt.toISOString(),
      content.customerId,
      content.actorId,
      content.actorLabel,
      content.origin,
      content.channel,
      content.kind,
      content.text,
      content.actionId,
      JSON.stringify(content.data),
      prevHash,
      hash,
      hmac,
    ],
  );
  for (const invoiceId of content.invoiceIds) {
    await sql.query(`INSERT INTO history_entry_invoice ("entryId", "invoiceId") VALUES ($1::bigint, $2)`, [id.toString(), invoiceId]);
  }
  return id;
}

export { verifyHistory, type VerifyReport, type HistoryProblem } from "./historyVerify.js";
