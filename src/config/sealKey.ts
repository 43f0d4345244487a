// HISTORY_SEAL_KEY: the key of the history's HMAC seals, kept outside the database (environment or secret
// store), so that someone with full access to the database cannot forge a sealed entry. Optional: without
// it entries are sealed with SHA-256 only and `ccbot history verify` says what it cannot prove.
import { AppError } from "../errors.js";

export const SEAL_KEY_MIN_LENGTH = 32;

/** Checks a HISTORY_SEAL_KEY value: null when unset, a message naming the variable when too weak. */
export function sealKeyProblem(value: string | undefined): string | null {
  if (value === undefined || value === "") return null;
  if (value.length < SEAL_KEY_MIN_LENGTH)
    return `is too short (${value.length} characters): use at least ${SEAL_KEY_MIN_LENGTH}, e.g. the output of "openssl rand -hex 32"`;
  return null;
}

let cached: { raw: string | undefined; key: Buffer | null } | undefined;

/** The key from the environment (read when it changes), or null when HISTORY_SEAL_KEY is not set. */
export function historySealKey(env: NodeJS.ProcessEnv = process.env): Buffer | null {
  const raw = env.HISTORY_SEAL_KEY;
  if (cached && cached.raw === raw) return cached.key;
  const problem = sealKeyProblem(raw);
  if (problem) throw new AppError("config.invalid", `HISTORY_SEAL_KEY ${problem}.`);
  cached = { raw, key: raw ? Buffer.from(raw, "utf8") : null };
  return cached.key;
}
