// `ccbot history verify`: recomputes every seal and chain, checks the HMAC seals when HISTORY_SEAL_KEY is
// set, and checks today's chains against the anchors (stored, and the one given from outside), then says
// what it proved and what it could not (docs/evidence.md).
import { historySealKey } from "../config/sealKey.js";
import { verifyChain } from "../domain/evidence.js";
import { anchorDigest, anchorHmac, checkAgainstAnchor, entryHmac, type AnchorContent, type ChainHead } from "../domain/historyAnchor.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { ExternalAnchor } from "./historyAnchor.js";

export type HistoryProblemKind =
  | "not sealed"
  | "content changed"
  | "chain broken"
  | "no valid seal"
  | "tail cut"
  | "chain removed"
  | "head changed"
  | "entries removed"
  | "anchor altered"
  | "anchor missing";

export interface HistoryProblem {
  customerId: number | null;
  customerName: string | null;
  /** The entry concerned (for a cut tail or a removed chain: the last one the anchor saw). */
  entryId: bigint | null;
  occurredAt: Date | null;
  kind: string | null;
  problem: HistoryProblemKind;
  detail: string;
}

export interface VerifyReport {
  customers: number;
  entries: number;
  anchorsChecked: number;
  problems: HistoryProblem[];
  /** What the checks establish, in plain words. */
  proved: string[];
  /** What they cannot establish, and what would. */
  notProved: string[];
}

export interface VerifyOptions {
  /** The HMAC key; default HISTORY_SEAL_KEY from the environment. */
  sealKey?: Buffer | null;
  /** An anchor kept outside the database (`--anchor`). */
  external?: ExternalAnchor;
  /** The language of the domain's findings (a broken chain, a cut tail); English by default. */
  locale?: string;
}

interface AnchorRow extends AnchorContent {
  digest: string;
  hmac: string | null;
}

/** Recomputes every chain (or one customer's) and checks it against the seals and anchors. */
export async function verifyHistory(prisma: PrismaClient, customerId?: number, options: VerifyOptions = {}): Promise<VerifyReport> {
  const key = options.sealKey === undefined ? historySealKey() : options.sealKey;
  const entries = await prisma.historyEntry.findMany({
    where: customerId === undefined ? {} : { customerId },
    include: { invoices: { select: { invoiceId: true } }, customer: { select: { name: true } } },
    orderBy: [{ customerId: "asc" }, { id: "asc" }],
  });
  const chains = new Map<number | null, typeof entries>();
  for (const e of entries) {
    const chain = chains.get(e.customerId) ?? [];
    chain.push(e);
    chains.set(e.customerId, chain);
  }
  const problems: HistoryProblem[] = [];
  const proved: string[] = [];
  const notProved: string[] = [];

  // 1. The SHA-256 chains.
  for (const [id, chain] of chains) {
    const found = verifyChain(chain.map((e) => ({ ...e, data: e.data as unknown, invoiceIds: e.invoices.map((i) => i.invoiceId) })), options.locale);
    for (const p of found) problems.push({ ...p, customerId: id, customerName: chain[0]?.customer?.name ?? null });
  }
  if (problems.length === 0)
    proved.push(`the ${entries.length} entries match their SHA-256 seals and chains: none was edited, reordered or removed between two others`);

  // 2. The anchors: stored ones (consistent among themselves), and the one given from outside.
  const anchors = (
    await prisma.historyAnchor.findMany({ orderBy: { id: "asc" } })
  ).map<AnchorRow>((a) => ({
    id: a.id,
    createdAt: a.createdAt,
    prevDigest: a.prevDigest,
    sealedFrom: a.sealedFrom === null ? null : a.sealedFrom.toString(),
    heads: a.heads as unknown as ChainHead[],
    digest: a.digest,
    hmac: a.hmac,
  }));
  const anchorProblem = (problem: HistoryProblemKind, detail: string) =>
    problems.push({ customerId: null, customerName: null, entryId: null, occurredAt: null, kind: null, problem, detail });
  let previous: AnchorRow | null = null;
  for (const a of anchors) {
    if (anchorDigest(a) !== a.digest) anchorProblem("anchor altered", `anchor #${a.id}'s content no longer gives its digest ${a.digest}`);
    else if (key && a.hmac !== null && a.hmac !== anchorHmac(key, a.digest))
      anchorProblem("anchor altered", `anchor #${a.id} has no valid seal: its HMAC does not match HISTORY_SEAL_KEY`);
    if (a.prevDigest !== (previous?.digest ?? null))
      anchorProblem(
        "anchor missing",
        previous ? `anchor #${a.id} does not follow anchor #${previous.id}: an anchor between them was deleted` : `anchors before #${a.id} were deleted`,
      );
    previous = a;
  }
  // Anchors are numbered by a sequence that a plain DELETE or TRUNCATE leaves where it was.
  const [numbering] = await prisma.$queryRawUnsafe<Array<{ last: number }>>(
    `SELECT coalesce(last_value, 0)::int AS last FROM pg_sequences WHERE schemaname = current_schema() AND sequencename = 'history_anchor_id_seq'`,
  );
  const newestStored = anchors.at(-1)?.id ?? 0;
  if (numbering && numbering.last > newestStored)
    anchorProblem(
      "anchor missing",
      `anchors are numbered up to #${numbering.last} but ${newestStored ? `the newest stored is #${newestStored}` : "none is stored"}: anchors were deleted`,
    );
  const checked: Array<Pick<AnchorContent, "id" | "createdAt" | "heads">> = [...anchors];
  const external = options.external;
  if (external) {
    const stored = anchors.find((a) => a.digest === external.digest);
    if (external.anchor) {
      checked.push(external.anchor);
      if (!stored)
        anchorProblem("anchor missing", `anchor #${external.anchor.id} (${external.digest}) from ${external.source} is no longer in the database`);
    } else if (!stored) {
      anchorProblem(
        "anchor missing",
        `no anchor with the digest ${external.digest} is in the database: it was deleted (or this is another database); ` +
          "give the anchor's file (ccbot history anchor --output FILE) to check the chains against it",
      );
    }
  }
  // Newest first; per customer, the newest anchor that finds something says it.
  const reported = new Set<number | null>();
  for (const anchor of [...checked].sort((a, b) => b.id - a.id)) {
    const heads = anchor.heads.filter((h) => customerId === undefined || h.customerId === customerId);
    const found = checkAgainstAnchor({ ...anchor, heads }, chains, options.locale).filter((p) => !reported.has(p.customerId));
    for (const p of found) {
      problems.push({ ...p, customerName: null, occurredAt: null, kind: null });
    }
    for (const p of found) reported.add(p.customerId);
  }
  const latest = anchors.at(-1) ?? external?.anchor ?? null;
  const anchorFailures = problems.filter((p) => ["tail cut", "chain removed", "head changed", "entries removed", "anchor altered", "anchor missing"].includes(p.problem));
  if (!latest) {
    notProved.push(
      "that no customer's newest entries, or whole chain, were deleted: there is no anchor (run ccbot history anchor and keep its digest outside the database)",
    );
  } else {
    if (anchorFailures.length === 0)
      proved.push(
        `every chain extends what ${checked.length} anchor(s) saw, up to anchor #${latest.id} of ${latest.createdAt.toISOString()}: no anchored entry or chain was removed or rewritten`,
      );
    const newer = entries.filter((e) => e.recordedAt > latest.createdAt).length;
    notProved.push(
      `that no entry written after anchor #${latest.id} (${latest.createdAt.toISOString()}) was deleted${newer ? ` (${newer} entries are newer)` : ""}: the next anchor, compared with its published copy, will tell`,
    );
    if (!external)
      notProved.push(
        "that the anchors stored in the database are the ones published: give one with --anchor DIGEST|FILE (from the committee channel or the printed copy)",
      );
  }

  // 3. The HMAC seals.
  const withHmac = entries.filter((e) => e.hmac !== null);
  if (!key) {
    notProved.push(
      `that no entry was forged with a recomputed SHA-256 by someone with access to the database: HISTORY_SEAL_KEY is not set` +
        (withHmac.length ? ` (${withHmac.length} entries carry an HMAC that cannot be checked without it)` : ""),
    );
  } else {
    const starts = [
      ...(withHmac.length ? [withHmac.reduce((min, e) => (e.id < min ? e.id : min), withHmac[0]?.id ?? 0n)] : []),
      ...[...anchors, ...(external?.anchor ? [external.anchor] : [])].flatMap((a) => (a.sealedFrom ? [BigInt(a.sealedFrom)] : [])),
    ];
    const sealedFrom = starts.length ? starts.reduce((a, b) => (a < b ? a : b)) : null;
    const before = sealedFrom === null ? entries.length : entries.filter((e) => e.id < sealedFrom).length;
    let bad = 0;
    for (const e of entries) {
      const where = { customerId: e.customerId, customerName: e.customer?.name ?? null, entryId: e.id, occurredAt: e.occurredAt, kind: e.kind };
      if (e.hmac !== null) {
        if (e.hash === null || e.hmac !== entryHmac(key, e.hash)) {
          bad++;
          problems.push({ ...where, problem: "no valid seal", detail: `entry #${e.id} has no valid seal: its HMAC does not match HISTORY_SEAL_KEY` });
        }
      } else if (sealedFrom !== null && e.id >= sealedFrom) {
        bad++;
        problems.push({
          ...where,
          problem: "no valid seal",
          detail: `entry #${e.id} has no valid seal: written without an HMAC after sealing began at entry #${sealedFrom} (forged without HISTORY_SEAL_KEY, or written by a process run without it)`,
        });
      }
    }
    if (bad === 0 && entries.length > before)
      proved.push(`the ${entries.length - before} entries from entry #${sealedFrom} on carry a valid HMAC: none was forged without HISTORY_SEAL_KEY`);
    if (before > 0)
      notProved.push(
        `that the ${before} entries written before HISTORY_SEAL_KEY was in use (no HMAC) were not forged; only their SHA-256 chain${latest ? " and the anchors" : ""} protect them`,
      );
  }

  const unnamed = [...new Set(problems.filter((p) => p.customerName === null && p.customerId !== null).map((p) => p.customerId as number))];
  if (unnamed.length) {
    const names = new Map(
      (await prisma.customer.findMany({ where: { id: { in: unnamed } }, select: { id: true, name: true } })).map((c) => [c.id, c.name]),
    );
    for (const p of problems) if (p.customerName === null && p.customerId !== null) p.customerName = names.get(p.customerId) ?? null;
  }
  return { customers: chains.size, entries: entries.length, anchorsChecked: checked.length, problems, proved, notProved };
}
