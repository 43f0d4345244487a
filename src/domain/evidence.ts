// The reminder history as evidence: each entry is sealed with a SHA-256 hash of its content chained to the
// previous entry of the same customer, so an edited, deleted or reordered entry breaks the chain where it
// happened. Pure functions; src/db/history.ts seals on write and `ccbot history verify` checks.
import { createHash } from "node:crypto";
import { t } from "../i18n/index.js";

export interface SealedContent {
  id: bigint;
  occurredAt: Date;
  customerId: number | null;
  actorId: number | null;
  actorLabel: string | null;
  origin: string;
  channel: string;
  kind: string;
  text: string;
  actionId: number | null;
  data: unknown;
  invoiceIds: number[];
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function entryHash(prevHash: string | null, entry: SealedContent): string {
  const content = canonicalJson([
    entry.id.toString(),
    entry.occurredAt.toISOString(),
    entry.customerId,
    entry.actorId,
    entry.actorLabel,
    entry.origin,
    entry.channel,
    entry.kind,
    entry.text,
    entry.actionId,
    entry.data,
    [...entry.invoiceIds].sort((a, b) => a - b),
  ]);
  return createHash("sha256")
    .update(`${prevHash ?? ""}\n${content}`)
    .digest("hex");
}

export interface StoredEntry extends SealedContent {
  prevHash: string | null;
  hash: string | null;
}

export interface ChainProblem {
  entryId: bigint;
  occurredAt: Date;
  kind: string;
  problem: "not sealed" | "content changed" | "chain broken";
  detail: string;
}

/**
 * Checks one customer's chain, entries in id order. An empty list means the history is intact. `problem` is a
 * coded value (the same in every language: --json, the evidence file's table); `detail` is said in `locale`.
 */
export function verifyChain(entries: readonly StoredEntry[], locale = "en-GB"): ChainProblem[] {
  const problems: ChainProblem[] = [];
  let previous: string | null = null;
  for (const entry of entries) {
    const where = { entryId: entry.id, occurredAt: entry.occurredAt, kind: entry.kind };
    if (entry.hash === null) {
      // i18n-exempt: a coded value (--json, evidence.sealProblem), the same in every language
      problems.push({ ...where, problem: "not sealed", detail: t(locale, "domain.seal.notSealed") });
    } else {
      if (entry.prevHash !== previous) {
        problems.push({
          ...where,
          // i18n-exempt: a coded value (--json, evidence.sealProblem), the same in every language
          problem: "chain broken",
          detail: t(locale, "domain.seal.chainBroken"),
        });
      }
      if (entryHash(entry.prevHash, entry) !== entry.hash) {
        problems.push({
          ...where,
          // i18n-exempt: a coded value (--json, evidence.sealProblem), the same in every language
          problem: "content changed",
          detail: t(locale, "domain.seal.contentChanged"),
        });
      }
    }
    previous = entry.hash;
  }
  return problems;
}

type SealProblemKey =
  | "notSealed"
  | "contentChanged"
  | "chainBroken"
  | "noValidSeal"
  | "tailCut"
  | "chainRemoved"
  | "headChanged"
  | "entriesRemoved"
  | "anchorAltered"
  | "anchorMissing";

/** A finding's coded value ("not sealed", "tail cut"…) in the words of `locale`; an unknown one as it is. */
export function sealProblemText(problem: string, locale: string): string {
  const key = problem.replace(/ (\w)/g, (_, c: string) => c.toUpperCase()) as SealProblemKey;
  const known: readonly string[] = [
    "notSealed",
    "contentChanged",
    "chainBroken",
    "noValidSeal",
    "tailCut",
    "chainRemoved",
    "headChanged",
    "entriesRemoved",
    "anchorAltered",
    "anchorMissing",
  ] satisfies readonly SealProblemKey[];
  return known.includes(key) ? t(locale, `domain.sealProblem.${key}`) : problem;
}
