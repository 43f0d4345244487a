// Who may see and do what through the chat: one rule, used by every entry point of both platforms.
// A person must be registered (`ccbot people add`) and active; unregistered people get a short refusal that
// names no customer and no amount.
import { phrase, say, t, type Phrase } from "../i18n/index.js";
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
export const NOT_REGISTERED_PHRASE: Phrase = phrase("access.notRegistered");
/** The same refusal in English (for callers that do not know the company's locale yet). */
export const NOT_REGISTERED = say("en-GB", NOT_REGISTERED_PHRASE);

/** The refusal an unregistered chat user gets, in the company's language. */
export function notRegistered(locale: string): string {
  return say(locale, NOT_REGISTERED_PHRASE);
}

export function may(roles: readonly string[], capability: Capability): boolean {
  return ACCESS[capability].some((r) => roles.includes(r));
}

/** The refusal for a registered person whose roles do not allow `capability`, in the language of `locale`. */
export function refusalFor(capability: Capability, locale: string): string {
  return say(locale, refusalPhrase(capability, locale));
}

/** The same refusal as a Phrase (thrown in an AppError and told in the company's language). */
export function refusalPhrase(capability: Capability, locale: string): Phrase {
  const roles = ACCESS[capability].map((r) => t(locale, `role.${r}`)).join(", ");
  return phrase("access.roleRefused", { roles });
}
