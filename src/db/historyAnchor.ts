// Anchors of the history, stored and published (docs/evidence.md). `createAnchor` takes the heads of every
// chain at one moment; the weekly digest job (and `ccbot history anchor`) publishes its digest outside the
// database and records where with `recordAnchorPublication`.
import { existsSync, readFileSync } from "node:fs";
import { historySealKey } from "../config/sealKey.js";
import { ANCHOR_FORMAT, anchorDigest, anchorHmac, type ChainHead, type PublishedAnchor } from "../domain/historyAnchor.js";
import { AppError } from "../errors.js";
import type { Database } from "./database.js";

/** Takes an anchor of the whole history as it is now, stores it and returns it as it is to be published. */
export async function createAnchor(db: Database, now: Date, options: { sealKey?: Buffer | null } = {}): Promise<PublishedAnchor> {
  const key = options.sealKey === undefined ? historySealKey() : options.sealKey;
  return db.transaction(async (sql) => {
    // One anchor at a time, so each names the one before it.
    await sql.query(`SELECT pg_advisory_xact_lock(hashtext('ccbot-history-anchor'))`);
    const rows = await sql.query<{ customerId: number | null; count: number; lastId: string; hash: string }>(
      `SELECT h."customerId", c.count, h.id::text AS "lastId", coalesce(h.hash, '') AS hash
         FROM (SELECT "customerId", count(*)::int AS count, max(id) AS last FROM history_entry GROUP BY "customerId") c
         JOIN history_entry h ON h.id = c.last`,
    );
    const heads: ChainHead[] = rows
      .map((r) => ({ customerId: r.customerId, count: Number(r.count), lastId: r.lastId, hash: r.hash }))
      .sort((a, b) => (a.customerId ?? -1) - (b.customerId ?? -1));
    const [previous] = await sql.query<{ digest: string; sealedFrom: string | null }>(
      `SELECT digest, "sealedFrom"::text AS "sealedFrom" FROM history_anchor ORDER BY id DESC LIMIT 1`,
    );
    const [sealed] = await sql.query<{ first: string | null }>(`SELECT min(id)::text AS first FROM history_entry WHERE hmac IS NOT NULL`);
    // Sealing, once begun, is never forgotten: the earliest start any anchor saw is carried on.
    const starts = [sealed?.first, previous?.sealedFrom].filter((v): v is string => typeof v === "string").map(BigInt);
    const sealedFrom = starts.length ? starts.reduce((a, b) => (a < b ? a : b)).toString() : null;
    const [next] = await sql.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('history_anchor', 'id'))::int AS id`);
    const content = { id: Number(next?.id), createdAt: now, prevDigest: previous?.digest ?? null, sealedFrom, heads };
    const digest = anchorDigest(content);
    const anchor: PublishedAnchor = {
      format: ANCHOR_FORMAT,
      ...content,
      customers: heads.length,
      entries: heads.reduce((sum, h) => sum + h.count, 0),
      digest,
    };
    await sql.query(
      `INSERT INTO history_anchor (id, "createdAt", "prevDigest", customers, entries, "sealedFrom", heads, digest, hmac)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
      [
        anchor.id,
        now.toISOString(),
        anchor.prevDigest,
        anchor.customers,
        anchor.entries,
        sealedFrom,
        JSON.stringify(heads),
        digest,
        key ? anchorHmac(key, digest) : null,
      ],
    );
    return anchor;
  });
}

/** Records where an anchor was published (e.g. "slack:C0123ABCD" and the message ts). A repeat is a no-op. */
export async function recordAnchorPublication(db: Database, anchorId: number, where: string, messageId: string): Promise<void> {
  await db.withConnection((sql) =>
    sql.query(
      `INSERT INTO history_anchor_publication ("anchorId", place, "messageId") VALUES ($1, $2, $3)
       ON CONFLICT ("anchorId", place, "messageId") DO NOTHING`,
      [anchorId, where, messageId],
    ),
  );
}

/** The anchor as one line for a chat message or a log: enough to check it later (its digest). */
export function anchorText(anchor: PublishedAnchor): string {
  return (
    `History anchor #${anchor.id} of ${anchor.createdAt.toISOString()}: ${anchor.customers} chain(s), ${anchor.entries} entries, ` +
    `SHA-256 ${anchor.digest}`
  );
}

/** An anchor given from outside the database: its digest alone, or the whole published anchor. */
export type ExternalAnchor = { digest: string; anchor: PublishedAnchor | null; source: string };

/**
 * Reads `--anchor`: a 64-hex digest, or a file holding the anchor as `ccbot history anchor` printed it
 * (JSON), or any text with the digest in it (e.g. the committee channel's message).
 */
export function readAnchorArgument(value: string): ExternalAnchor {
  const trimmed = value.trim();
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return { digest: trimmed.toLowerCase(), anchor: null, source: "the digest given" };
  if (!existsSync(trimmed))
    throw new AppError("input.file", `--anchor ${value}: neither a SHA-256 digest (64 hexadecimal characters) nor a file that exists.`);
  const text = readFileSync(trimmed, "utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (parsed && typeof parsed === "object" && (parsed as { format?: unknown }).format === ANCHOR_FORMAT) {
    const anchor = toPublishedAnchor(parsed as Record<string, unknown>, trimmed);
    const recomputed = anchorDigest(anchor);
    if (recomputed !== anchor.digest) {
      throw new AppError(
        "input.invalid",
        `The anchor file ${trimmed} was altered: its content gives the digest ${recomputed}, not the ${anchor.digest} it states.`,
      );
    }
    return { digest: anchor.digest, anchor, source: trimmed };
  }
  const digests = [...new Set(text.match(/\b[0-9a-f]{64}\b/gi) ?? [])];
  if (digests.length !== 1 || !digests[0])
    throw new AppError(
      "input.invalid",
      `--anchor ${trimmed}: expected the anchor printed by "ccbot history anchor" or a text with exactly one SHA-256 digest (found ${digests.length}).`,
    );
  return { digest: digests[0].toLowerCase(), anchor: null, source: trimmed };
}

function toPublishedAnchor(value: Record<string, unknown>, file: string): PublishedAnchor {
  const bad = (field: string) => new AppError("input.invalid", `The anchor file ${file}: "${field}" is missing or malformed.`);
  const id = value.id;
  if (typeof id !== "number" || !Number.isInteger(id)) throw bad("id");
  const createdAt = typeof value.createdAt === "string" ? new Date(value.createdAt) : null;
  if (!createdAt || Number.isNaN(createdAt.getTime())) throw bad("createdAt");
  if (!Array.isArray(value.heads)) throw bad("heads");
  const heads = value.heads.map((h: unknown) => {
    const head = h as Partial<ChainHead>;
    if (
      !(head.customerId === null || typeof head.customerId === "number") ||
      typeof head.count !== "number" ||
      typeof head.lastId !== "string" ||
      typeof head.hash !== "string"
    )
      throw bad("heads");
    return { customerId: head.customerId, count: head.count, lastId: head.lastId, hash: head.hash };
  });
  if (typeof value.digest !== "string") throw bad("digest");
  const text = (v: unknown) => (typeof v === "string" ? v : null);
  return {
    format: ANCHOR_FORMAT,
    id,
    createdAt,
    prevDigest: text(value.prevDigest),
    sealedFrom: text(value.sealedFrom),
    heads,
    customers: heads.length,
    entries: heads.reduce((sum, h) => sum + h.count, 0),
    digest: value.digest,
  };
}
