// The read side of payment plans for views that are not the plan's own (the weekly digest): which plans to
// show and how each stands. The digest renders them; this only gives the data.
import type { Database } from "../db/database.js";
import { addDays, calendarDateAt, type CalendarDate } from "../domain/calendarDate.js";
import { digestPlanOf, type DigestPlan } from "../domain/digest.js";
import type { Policy } from "../domain/policy.js";
import { loadSettings } from "../db/settings.js";
import { formatDate, t } from "../i18n/index.js";
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

/** Said of a missed instalment recorded before the escalation was kept apart (its history entry has it in full). */
export const ESCALATED_SEE_HISTORY = "escalated: see the customer's history";

/**
 * The weekly digest's payment plans as of asOf (plansForDigest), each with what the committee follows: agreed
 * this week, instalments due this week, instalments missed with the escalation the daily follow-up recorded by
 * the end of asOf (in the company's time zone; none when the follow-up has not run yet, e.g. a preview).
 */
export async function digestPaymentPlans(db: Database, asOf: CalendarDate, policy: Policy, timeZone: string): Promise<DigestPlan[]> {
  const plans = await plansForDigest(db, asOf, policy);
  if (plans.length === 0) return [];
  const planIds = plans.map((p) => p.planId);
  const [rows, entries] = await Promise.all([
    db.prisma.promiseToPay.findMany({ where: { paymentPlanId: { in: planIds } }, select: { id: true, paymentPlanId: true, installmentNo: true } }),
    db.prisma.historyEntry.findMany({
      where: {
        kind: "payment_plan.instalment_missed",
        customerId: { in: [...new Set(plans.map((p) => p.customerId))] },
        occurredAt: { lt: new Date(`${addDays(asOf, 2)}T00:00:00Z`) },
      },
      select: { occurredAt: true, data: true },
      orderBy: { id: "asc" },
    }),
  ]);
  const instalmentOf = new Map(rows.map((r) => [r.id, { planId: r.paymentPlanId, no: r.installmentNo }]));
  const escalations = new Map<number, Map<number, { text: string; on: CalendarDate }>>();
  for (const entry of entries) {
    const on = calendarDateAt(entry.occurredAt, timeZone);
    if (on > asOf) continue;
    const data = (entry.data ?? {}) as { promiseId?: unknown; escalation?: unknown };
    const instalment = typeof data.promiseId === "number" ? instalmentOf.get(data.promiseId) : undefined;
    if (!instalment?.planId || instalment.no === null) continue;
    const byNo = escalations.get(instalment.planId) ?? new Map<number, { text: string; on: CalendarDate }>();
    byNo.set(instalment.no, { text: typeof data.escalation === "string" ? data.escalation : ESCALATED_SEE_HISTORY, on });
    escalations.set(instalment.planId, byNo);
  }
  return plans
    .filter((p): p is PlanView & { status: DigestPlan["status"] } => p.status !== "CANCELLED")
    .map((p) =>
      digestPlanOf(
        {
          planId: p.planId,
          customerId: p.customerId,
          externalId: p.externalId,
          customerName: p.customerName,
          status: p.status,
          agreedOn: p.agreedOn,
          currency: p.currency,
          standing: p.standing,
          escalations: escalations.get(p.planId) ?? new Map(),
        },
        asOf,
      ),
    );
}

/** A customer's plans as of asOf, one line each for its file, in the company's language: "plan #3 agreed 05/10/2026 (active): 3 instalments…". */
export async function planLines(db: Database, policy: Policy, asOf: CalendarDate, customerId: number): Promise<string[]> {
  const plans = await paymentPlans(db, policy, asOf, { customerId, status: ["ACTIVE", "COMPLETED", "BROKEN"] });
  const { locale } = await db.withConnection(loadSettings);
  return plans.map((p) =>
    t(locale, "domain.plan.fileLine", { planId: String(p.planId), date: formatDate(p.agreedOn, locale), status: t(locale, `cli.plan.status.${p.status}`), summary: p.summary }),
  );
}
