// Who may record the outcome of a collector's task, and when a promise to pay asks for confirmation. Pure:
// the use case (src/usecases/contacts.ts) reads the people and the figures, these functions decide.
import { phrase, t, type Phrase } from "../i18n/index.js";
import { ACCESS, may, NOT_REGISTERED_PHRASE } from "./access.js";

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

export type TaskAccess = { ok: true; onBehalfOf: { id: number; name: string } | null } | { ok: false; reason: Phrase };

const ROLES = new Set(["SALES", "FINANCE", "BACK_OFFICE", "COLLECTOR", "ADMIN", "VIEWER"]);
type RoleKey = "SALES" | "FINANCE" | "BACK_OFFICE" | "COLLECTOR" | "ADMIN" | "VIEWER";

/**
 * The account's collector records the outcomes of its tasks; back office and finance may record them for the
 * collector. Anyone else is told whose task it is. Unregistered or deactivated people get the short refusal.
 */
export function mayWorkTask(person: TaskWorker | null, account: TaskAccount): TaskAccess {
  if (!person || !person.active) return { ok: false, reason: NOT_REGISTERED_PHRASE };
  const { collector } = account;
  const customer = account.name;
  if (!may(person.roles, "work-tasks")) {
    const roles = { anyOf: ACCESS["work-tasks"].map((r) => phrase(`role.${r}`)) };
    return {
      ok: false,
      reason: collector
        ? phrase("domain.task.notAllowed", { collector: collector.name, customer, roles })
        : phrase("domain.task.notAllowedNoCollector", { customer, roles }),
    };
  }
  if (collector && collector.id === person.id) return { ok: true, onBehalfOf: null };
  const actingFor = ACTING_FOR_COLLECTOR.some((r) => person.roles.includes(r));
  if (!collector) return actingFor ? { ok: true, onBehalfOf: null } : { ok: false, reason: phrase("domain.task.noCollector", { customer }) };
  if (actingFor) return { ok: true, onBehalfOf: collector };
  return { ok: false, reason: phrase("domain.task.notYours", { collector: collector.name, customer }) };
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
export function promiseAboveOpen(
  amount: bigint,
  open: OpenAmounts,
  customerName: string,
  money: (minor: bigint) => string,
  locale = "en-GB",
): string | null {
  const customer = customerName;
  if (open.overdue > 0n)
    return amount > open.overdue ? t(locale, "domain.task.aboveOverdue", { amount: money(amount), customer, overdue: money(open.overdue) }) : null;
  if (open.owed > 0n)
    return amount > open.owed ? t(locale, "domain.task.aboveOwed", { amount: money(amount), customer, owed: money(open.owed) }) : null;
  return t(locale, "domain.task.owesNothing", { customer, amount: money(amount) });
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
export function stepAssignee(by: string, owners: StepOwners, locale = "en-GB"): StepAssignee | null {
  if (by === "SALES" && owners.salesOwner) return { person: owners.salesOwner, as: "sales-owner", note: null };
  if (!owners.collector) return null;
  const note =
    by === "SALES"
      ? t(locale, "domain.task.visitToCollector")
      : by === "COLLECTOR"
        ? null
        : t(locale, "domain.task.roleStep", { role: ROLES.has(by) ? t(locale, `role.${by as RoleKey}`) : by.toLowerCase() });
  return { person: owners.collector, as: "collector", note };
}
