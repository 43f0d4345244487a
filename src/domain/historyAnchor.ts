// Anchors of the history (docs/evidence.md): the head of every customer's chain at one moment (how many
// entries, the last one's id and seal) and one digest of them all. Published outside the database, the
// digest pins what existed then: a tail cut, a chain removed or rewritten afterwards no longer matches.
// Also the HMAC seals keyed by HISTORY_SEAL_KEY. Pure functions; src/db/historyAnchor.ts stores them.
import { createHash, createHmac } from "node:crypto";
import { t } from "../i18n/index.js";
import { canonicalJson } from "./evidence.js";

export const ANCHOR_FORMAT = "ccbot-history-anchor/1";

export interface ChainHead {
  /** null: the entries about no customer. */
  customerId: number | null;
  count: number;
  lastId: string;
  hash: string;
}

export interface AnchorContent {
  id: number;
  createdAt: Date;
  prevDigest: string | null;
  /** The first entry sealed with HISTORY_SEAL_KEY when the anchor was taken (as text), if any. */
  sealedFrom: string | null;
  heads: ChainHead[];
}

/** The anchor as published: its content, its digest, and the format, so a file alone can be checked. */
export interface PublishedAnchor extends AnchorContent {
  format: typeof ANCHOR_FORMAT;
  customers: number;
  entries: number;
  digest: string;
}

export function anchorDigest(anchor: AnchorContent): string {
  const content = canonicalJson([
    ANCHOR_FORMAT,
    anchor.id,
    anchor.createdAt.toISOString(),
    anchor.prevDigest,
    anchor.sealedFrom,
    anchor.heads.map((h) => [h.customerId, h.count, h.lastId, h.hash]),
  ]);
  return createHash("sha256").update(content).digest("hex");
}

/** The heads of the chains of `entries` (any order), sorted by customer, the no-customer chain first. */
export function chainHeads(entries: ReadonlyArray<{ customerId: number | null; id: bigint; hash: string | null }>): ChainHead[] {
  const heads = new Map<number | null, { count: number; last: bigint; hash: string }>();
  for (const e of entries) {
    const head = heads.get(e.customerId);
    if (!head) heads.set(e.customerId, { count: 1, last: e.id, hash: e.hash ?? "" });
    else {
      head.count++;
      if (e.id > head.last) Object.assign(head, { last: e.id, hash: e.hash ?? "" });
    }
  }
  return [...heads.entries()]
    .map(([customerId, h]) => ({ customerId, count: h.count, lastId: h.last.toString(), hash: h.hash }))
    .sort((a, b) => (a.customerId ?? -1) - (b.customerId ?? -1));
}

// i18n-exempt: coded values (--json, the evidence file), the same in every language; `detail` says them in the locale
const [TAIL_CUT, CHAIN_REMOVED, HEAD_CHANGED, ENTRIES_REMOVED] = ["tail cut", "chain removed", "head changed", "entries removed"] as const;

export interface AnchorProblem {
  customerId: number | null;
  entryId: bigint | null;
  problem: "tail cut" | "chain removed" | "head changed" | "entries removed";
  detail: string;
}

/**
 * Checks that today's chains extend what the anchor saw: each anchored head is still there with the same
 * seal and the same number of entries up to it. `chains`: each customer's entries (id, hash), any order.
 */
export function checkAgainstAnchor(
  anchor: Pick<AnchorContent, "id" | "createdAt" | "heads">,
  chains: ReadonlyMap<number | null, ReadonlyArray<{ id: bigint; hash: string | null }>>,
  locale = "en-GB",
): AnchorProblem[] {
  const problems: AnchorProblem[] = [];
  const id = String(anchor.id);
  const when = t(locale, "domain.anchor.when", { id, at: anchor.createdAt.toISOString() });
  for (const head of anchor.heads) {
    const chain = chains.get(head.customerId) ?? [];
    const lastId = BigInt(head.lastId);
    const saw = t(locale, "domain.anchor.saw", { when, count: head.count, lastId: String(head.lastId) });
    const found = (problem: AnchorProblem["problem"], detail: string) => problems.push({ customerId: head.customerId, entryId: lastId, problem, detail });
    if (chain.length === 0) {
      found(CHAIN_REMOVED, t(locale, "domain.anchor.chainRemoved", { saw }));
      continue;
    }
    const anchored = chain.find((e) => e.id === lastId);
    if (!anchored) {
      const newest = chain.reduce((max, e) => (e.id > max ? e.id : max), chain[0]?.id ?? 0n);
      found(
        TAIL_CUT,
        t(locale, "domain.anchor.tailCut", { id, saw, lastId: String(head.lastId), count: chain.length, newest: String(newest) }),
      );
      continue;
    }
    if ((anchored.hash ?? "") !== head.hash) found(HEAD_CHANGED, t(locale, "domain.anchor.headChanged", { lastId: String(head.lastId), when }));
    const upTo = chain.filter((e) => e.id <= lastId).length;
    if (upTo !== head.count) found(ENTRIES_REMOVED, t(locale, "domain.anchor.entriesRemoved", { saw, upTo }));
  }
  return problems;
}

/** HMAC-SHA256 of an entry's SHA-256 seal, with the key kept outside the database. */
export function entryHmac(key: Buffer, hash: string): string {
  return createHmac("sha256", key).update(`ccbot-history-seal/1\n${hash}`).digest("hex");
}

export function anchorHmac(key: Buffer, digest: string): string {
  return createHmac("sha256", key).update(`${ANCHOR_FORMAT}\n${digest}`).digest("hex");
}
