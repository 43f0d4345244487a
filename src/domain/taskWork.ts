// Who may record the outcome of a collector's task, and when a promise to pay asks for confirmation. Pure:
// the use case (src/usecases/contacts.ts) reads the people and the figures, these functions decide.
import { ACCESS, may, NOT_REGISTERED } from "./access.js";

/** The roles that may record an outcome for the account's collector, acting for them. */
export const ACTING_FOR_COLLECTOR = ["BACK_OFFICE", "FINANCE"] as const;

export interface TaskWorker {
  id: number;
  name: string;
  roles: readonly string[];
  active: boolean;
}

export interface TaskAccount {
  name: string;
  collector: { id: number; name: string } | null;
}

export type TaskAccess = { ok: true; onBehalfOf: { id: number; name: string } | null } | { ok: false; reason: string };

const roleNames = (roles: readonly string[]) => roles.map((r) => r.toLowerCase().replace("_", " ")).join(", ");

/**
 * The account's collector records the outcomes of its tasks; back office and finance may record them for the
 * collector. Anyone else is told whose task it is. Unregistered or deactivated people get the short refusal.
 */
export function mayWorkTask(person: TaskWorker | null, account: TaskAccount): TaskAccess {
  if (!person || !person.active) return { ok: false, reason: NOT_REGISTERED };
  const { collector } = account;
  const whose = collector ? `This task is ${collector.name}'s, the collector of ${account.name}` : null;
  if (!may(person.roles, "work-tasks")) {
    const needs = `your role does not allow recording outcomes (it needs one of: ${roleNames(ACCESS["work-tasks"])}).`;
    return { ok: false, reason: whose ? `${whose}: ${needs}` : `${account.name} has no collector, and ${needs}` };
  }
  if (collector && collector.id === person.id) return { ok: true, onBehalfOf: null };
  const actingFor = ACTING_FOR_COLLECTOR.some((r) => person.roles.includes(r));
  if (!collector) {
    return actingFor
      ? { ok: true, onBehalfOf: null }
      : { ok: false, reason: `${account.name} has no collector: only back office or finance can record its outcomes.` };
  }
  if (actingFor) return { ok: true, onBehalfOf: collector };
  return { ok: false, reason: `${whose}: only they, or back office or finance acting for them, can record its outcome.` };
}

/** What a customer owes that a promise can cover: overdue and undisputed, and undisputed whatever the due date. */
export interface OpenAmounts {
  overdue: bigint;
  owed: bigint;
}

/**
 * Why a promise of `amount` needs confirmation, or null when it does not: above the overdue undisputed amount,
 * or, when nothing is overdue yet (a reminder before the due date), above the undisputed amount owed.
 */
export function promiseAboveOpen(amount: bigint, open: OpenAmounts, customerName: string, money: (minor: bigint) => string): string | null {
  const confirm = "Check the amount, or confirm that the promise is above it.";
  if (open.overdue > 0n) {
    return amount > open.overdue
      ? `${money(amount)} is more than what ${customerName} owes overdue and undisputed (${money(open.overdue)}). ${confirm}`
      : null;
  }
  if (open.owed > 0n) {
    return amount > open.owed
      ? `${money(amount)} is more than what ${customerName} owes undisputed (${money(open.owed)}, nothing overdue yet). ${confirm}`
      : null;
  }
  return `${customerName} owes nothing undisputed: check the customer, or confirm the promise of ${money(amount)}.`;
}

/** The people an account's steps can be given to. */
export interface StepOwners {
  salesOwner: { id: number; name: string } | null;
  collector: { id: number; name: string } | null;
}

export interface StepAssignee {
  person: { id: number; name: string };
  /** Why this person: the account's sales owner for a step done by sales, else its collector. */
  as: "sales-owner" | "collector";
  /** Said when the step falls back to the collector. */
  note: string | null;
}

/**
 * Who does a calendar step: a step done by sales (the visit) goes to the account's sales owner, or to its
 * collector when it has none; every other step goes to the collector (back office and finance steps too:
 * the collector sees them through, as the people who may record outcomes for them). Null only when the
 * account has neither a collector nor (for a sales step) a sales owner: the digest then names it unassigned.
 */
export function stepAssignee(by: string, owners: StepOwners): StepAssignee | null {
  if (by === "SALES" && owners.salesOwner) return { person: owners.salesOwner, as: "sales-owner", note: null };
  if (!owners.collector) return null;
  const note =
    by === "SALES"
      ? "the account has no sales owner: the collector does the visit"
      : by === "COLLECTOR"
        ? null
        : `a ${roleNames([by])} step`;
  return { person: owners.collector, as: "collector", note };
}
