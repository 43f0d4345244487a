// Loads the dunning policy: POLICY_FILE if set, else ./policy.json if present, else the documented default.
import { existsSync, readFileSync } from "node:fs";
import { AppError } from "../errors.js";
import { defaultPolicy, parsePolicy, PolicyError, type Policy } from "../domain/policy.js";

export function loadPolicy(file: string | undefined = process.env.POLICY_FILE): Policy {
  const path = file ?? (existsSync("policy.json") ? "policy.json" : undefined);
  if (path === undefined) return defaultPolicy;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new AppError("config.policy", `Cannot read the dunning policy ${path}: ${(error as Error).message}`);
  }
  try {
    return parsePolicy(raw, path);
  } catch (error) {
    if (error instanceof PolicyError) throw new AppError("config.policy", error.message);
    throw error;
  }
}
