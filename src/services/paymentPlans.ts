// The read side of payment plans for views that are not the plan's own (the weekly digest): which plans to
// show and how each stands. The digest renders them; this only gives the data.
import type { Database } from "../db/database.js";
import { addDays, type CalendarDate } from "../domain/calendarDate.js";
import type { Policy } from "../domain/policy.js";
import { paymentPlans, type PlanView } from "../usecases/paymentPlans.js";

export type { PlanView };

/**
 * The plans a committee looks at on asOf: every active plan (instalments paid, due, missed, with the
 * indemnities they bear), and the plans completed or broken in the seven days before, newest first.
 */
export async function plansForDigest(db: Database, asOf: CalendarDate, policy: Policy): Promise<PlanView[]> {
  const weekAgo = addDays(asOf, -7);
  const plans = await paymentPlans(db, policy, asOf, { status: ["ACTIVE", "COMPLETED", "BROKEN"] });
  const settledRecently = await db.prisma.paymentPlan.findMany({
    where: { id: { in: plans.map((p) => p.planId) }, settledAt: { gte: new Date(`${weekAgo}T00:00:00Z`) } },
    select: { id: true },
  });
  const recent = new Set(settledRecently.map((p) => p.id));
  return plans
    .filter((p) => p.status === "ACTIVE" || recent.has(p.planId))
    .sort((a, b) => (a.agreedOn < b.agreedOn ? 1 : a.agreedOn > b.agreedOn ? -1 : b.planId - a.planId));
}

/** A customer's plans as of asOf, one line each for its file: "plan #3 agreed 2026-10-05 (active): 3 instalments…". */
export async function planLines(db: Database, policy: Policy, asOf: CalendarDate, customerId: number): Promise<string[]> {
  const plans = await paymentPlans(db, policy, asOf, { customerId, status: ["ACTIVE", "COMPLETED", "BROKEN"] });
  return plans.map((p) => `plan #${p.planId} agreed ${p.agreedOn} (${p.status.toLowerCase()}): ${p.summary}`);
}
