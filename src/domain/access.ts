// Who may see and do what through the chat: one rule, used by every entry point of both platforms.
// A person must be registered (`ccbot people add`) and active; unregistered people get a short refusal that
// names no customer and no amount.
import type { Role } from "./parties.js";

/** What a chat request asks to do. */
export type Capability =
  /** Read a customer file, search accounts, get the evidence file, see App Home's figures. */
  | "read-accounts"
  /** Flag a dispute on an invoice. */
  | "flag-dispute"
  /** Settle a dispute (credit note issued, dispute rejected...). */
  | "resolve-dispute"
  /** Record a call outcome or a promise on one's own task. */
  | "work-tasks"
  /** Vote or comment on a proposed action (the policy then decides whose vote counts). */
  | "committee";

/** Roles allowed each capability. ADMIN is the installer: it reads, it does not decide. */
export const ACCESS: Record<Capability, readonly Role[]> = {
  "read-accounts": ["SALES", "FINANCE", "BACK_OFFICE", "COLLECTOR", "ADMIN", "VIEWER"],
  "flag-dispute": ["SALES", "FINANCE", "BACK_OFFICE", "COLLECTOR"],
  "resolve-dispute": ["FINANCE", "BACK_OFFICE"],
  "work-tasks": ["COLLECTOR", "BACK_OFFICE", "FINANCE"],
  committee: ["SALES", "FINANCE", "BACK_OFFICE", "COLLECTOR", "ADMIN"],
};

/** The refusal an unregistered (or deactivated) chat user gets: no customer, no amount. */
export const NOT_REGISTERED =
  "You are not registered with the credit committee bot. Ask your administrator to add you (ccbot people add).";

export function may(roles: readonly string[], capability: Capability): boolean {
  return ACCESS[capability].some((r) => roles.includes(r));
}

/** The refusal for a registered person whose roles do not allow `capability`. */
export function refusalFor(capability: Capability): string {
  const allowed = ACCESS[capability].map((r) => r.toLowerCase().replace("_", " ")).join(", ");
  return `Your role does not allow this (it needs one of: ${allowed}).`;
}
