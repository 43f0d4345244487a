// Payment plans: agreed with a customer (from a promise to pay it replaces, or on a collector's task), then
// followed instalment by instalment; a missed instalment is escalated once. The rules are in
// src/domain/paymentPlan.ts; each change is written with its history entry in one transaction.
//
// Exactly once: a plan form delivered twice (a retry, a double click) agrees one plan (its idempotency key);
// an instalment is marked paid or missed by an UPDATE … WHERE status = 'PENDING', and only the transaction
// that changed it writes the entry and the escalation, so running the follow-up twice, or from two
// processes, escalates a missed instalment once.
import type { Database } from "../db/database.js";
import { appendHistory } from "../db/history.js";
import { loadPortfolio } from "../db/portfolioQueries.js";
import { loadSettings, type CompanySettings } from "../db/settings.js";
import { calendarDateAt, calendarDateFromDb, calendarDateToDb, type CalendarDate } from "../domain/calendarDate.js";
import { isoWeek, moneyFormatter } from "../domain/digest.js";
import { reviewAccount, type AccountReview, type InvoiceScope } from "../domain/engine.js";
import { regimeRules } from "../domain/legal.js";
import { formatMoney, minorDigits } from "../domain/money.js";
import { describePlan, planProblems, planStanding, type Instalment, type PlanStanding } from "../domain/paymentPlan.js";
import type { ActionKind, Policy } from "../domain/policy.js";
import { mayWorkTask, stepAssignee } from "../domain/taskWork.js";
import { AppError } from "../errors.js";
import { formatDate, phrase, t } from "../i18n/index.js";
import type { Prisma } from "../generated/prisma/client.js";
import { SYSTEM, type Actor } from "./actor.js";
import { FormError } from "./contacts.js";
import { inLocale, invoiceScopes } from "./committee.js";
import { enqueueEvent } from "./events.js";

type Tx = Prisma.TransactionClient;
type InvoiceScopes = Record<InvoiceScope, number[]>;

const TX_OPTIONS = { maxWait: 60_000, timeout: 60_000 };

export interface PlanInput {
  customerId: number;
  instalments: Instalment[];
  /** The promise to pay the plan replaces: cancelled in the same transaction. */
  fromPromiseId?: number;
  /** The task's level when the plan was agreed on a collector's task. */
  fromLevelId?: string;
  note?: string;
  /** The chat's own key for the submission (a Slack view id, a Teams activity id). */
  idempotencyKey?: string;
  /** Agree a plan above what the customer owes undisputed (e.g. invoices not imported yet). */
  confirmAboveOpen?: boolean;
}

export interface PlanResult {
  status: "agreed" | "already-agreed";
  planId: number;
  total: bigint;
  currency: string;
  instalments: number;
  /** The sentence to show the person. */
  text: string;
}

/** Agrees a payment plan: its instalments, the promise it replaces cancelled, the history entry and the webhook event. */
export async function agreePaymentPlan(db: Database, actor: Actor, input: PlanInput, now = new Date()): Promise<PlanResult> {
  const settings = await db.withConnection(loadSettings);
  const agreedOn = calendarDateAt(now, settings.timeZone);
  const money = (minor: bigint, currency = settings.currency) => formatMoney(minor, currency, settings.locale);
  const date = (d: CalendarDate) => formatDate(d, settings.locale);
  return db.prisma.$transaction(async (tx) => {
    const customer = await tx.customer.findUnique({ where: { id: input.customerId }, include: { collector: { select: { id: true, name: true } } } });
    if (!customer) throw new AppError("not_found", phrase("usecase.customerUnknown", { customerId: input.customerId }));
    // From chat, the account's collector agrees a plan (or back office and finance for them), as for a
    // promise (src/domain/taskWork.ts); the command line is the operator's.
    if (actor.origin === "SLACK" || actor.origin === "TEAMS") {
      const person = actor.personId === null ? null : await tx.person.findUnique({ where: { id: actor.personId } });
      const access = mayWorkTask(person, customer);
      if (!access.ok) throw new AppError("forbidden", access.reason);
    }
    if (input.idempotencyKey !== undefined) {
      const earlier = await tx.paymentPlan.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
      if (earlier) return alreadyAgreed(earlier, money, settings.locale);
    }
    const problems = planProblems({ agreedOn, instalments: input.instalments, digits: minorDigits(customer.currency), locale: settings.locale });
    if (problems.length) throw new FormError({ instalments: phrase("usecase.plan.invalid", { problems: problems.join("; ") }) });
    const total = input.instalments.reduce((s, i) => s + i.amount, 0n);

    const active = await tx.paymentPlan.findFirst({ where: { customerId: customer.id, status: "ACTIVE" } });
    if (active)
      throw new AppError(
        "conflict",
        phrase("usecase.plan.alreadyActive", { customer: customer.name, planId: active.id, date: date(calendarDateFromDb(active.agreedOn)) }),
      );
    let fromPromise: { id: number; amount: bigint; promisedDate: Date } | null = null;
    if (input.fromPromiseId !== undefined) {
      const promise = await tx.promiseToPay.findUnique({ where: { id: input.fromPromiseId } });
      if (!promise || promise.customerId !== customer.id)
        throw new FormError({ fromPromise: phrase("usecase.plan.promiseOfOther", { promiseId: input.fromPromiseId, customer: customer.name }) });
      if (promise.paymentPlanId !== null)
        throw new FormError({ fromPromise: phrase("usecase.plan.promiseIsInstalment", { promiseId: promise.id, planId: promise.paymentPlanId }) });
      if (promise.status !== "PENDING" && promise.status !== "BROKEN") {
        const status = promise.status === "KEPT" ? t(settings.locale, "chat.promiseStatus.KEPT") : promise.status.toLowerCase();
        throw new FormError({ fromPromise: phrase("usecase.plan.promiseSettled", { promiseId: promise.id, status }) });
      }
      const replaced = await tx.paymentPlan.findUnique({ where: { fromPromiseId: promise.id } });
      if (replaced) throw new AppError("conflict", phrase("usecase.plan.promiseReplaced", { promiseId: promise.id, planId: replaced.id }));
      fromPromise = promise;
    }
    if (!input.confirmAboveOpen) {
      const [row] = await tx.$queryRawUnsafe<Array<{ owed: string }>>(
        `SELECT coalesce(sum(i."openAmount"), 0)::text AS owed FROM invoice i
          WHERE i."customerId" = $1 AND i.kind = 'INVOICE' AND i."openAmount" > 0
            AND NOT EXISTS (SELECT 1 FROM dispute d WHERE d."invoiceId" = i.id AND d.status = 'OPEN')`,
        customer.id,
      );
      const owed = BigInt(row?.owed ?? "0");
      if (total > owed)
        throw new FormError({
          instalments: phrase("usecase.plan.aboveOwed", { total: money(total, customer.currency), customer: customer.name, owed: money(owed, customer.currency) }),
        });
    }
    const plan = await tx.paymentPlan.create({
      data: {
        customerId: customer.id,
        status: "ACTIVE",
        createdAt: now,
        agreedOn: calendarDateToDb(agreedOn),
        amount: total,
        currency: customer.currency,
        agreedById: actor.personId,
        fromPromiseId: fromPromise?.id ?? null,
        fromLevelId: input.fromLevelId ?? null,
        note: input.note ?? null,
        idempotencyKey: input.idempotencyKey ?? null,
        installments: {
          create: input.instalments.map((i) => ({
            customerId: customer.id,
            installmentNo: i.no,
            promisedDate: calendarDateToDb(i.dueDate),
            amount: i.amount,
            currency: customer.currency,
            recordedById: actor.personId,
            recordedAt: now,
          })),
        },
      },
    });
    if (fromPromise) await tx.promiseToPay.update({ where: { id: fromPromise.id }, data: { status: "CANCELLED", settledAt: now } });
    const first = input.instalments[0] as Instalment;
    const last = input.instalments.at(-1) as Instalment;
    const locale = settings.locale;
    const text = t(locale, "usecase.plan.historyAgreed", {
      count: input.instalments.length,
      total: money(total, customer.currency),
      first: date(first.dueDate),
      last: date(last.dueDate),
      list: input.instalments.map((i) => t(locale, "usecase.plan.historyInstalment", { date: date(i.dueDate), amount: money(i.amount, customer.currency) })).join("; "),
      fromPromise: fromPromise
        ? t(locale, "usecase.plan.historyFromPromise", {
            amount: money(fromPromise.amount, customer.currency),
            date: date(calendarDateFromDb(fromPromise.promisedDate)),
          })
        : "",
      fromTask: input.fromLevelId ? t(locale, "usecase.plan.historyFromTask", { level: input.fromLevelId }) : "",
      note: input.note ? t(locale, "usecase.plan.historyNote", { note: input.note }) : "",
    });
    await appendHistory(tx, {
      occurredAt: now,
      customerId: customer.id,
      actorId: actor.personId,
      actorLabel: actor.label ?? null,
      origin: actor.origin,
      channel: "PHONE",
      kind: "payment_plan.agreed",
      text,
      data: { paymentPlanId: plan.id, ...(fromPromise ? { promiseId: fromPromise.id } : {}), ...(input.fromLevelId ? { levelId: input.fromLevelId } : {}) },
    });
    await enqueueEvent(tx, { kind: "payment_plan.agreed", paymentPlanId: plan.id, at: now });
    return { status: "agreed", planId: plan.id, total, currency: customer.currency, instalments: input.instalments.length, text } satisfies PlanResult;
  }, TX_OPTIONS);
}

function alreadyAgreed(
  plan: { id: number; amount: bigint; currency: string; agreedOn: Date },
  money: (minor: bigint, currency?: string) => string,
  locale: string,
): PlanResult {
  return {
    status: "already-agreed",
    planId: plan.id,
    total: plan.amount,
    currency: plan.currency,
    instalments: 0,
    text: t(locale, "usecase.plan.alreadyAgreed", {
      planId: plan.id,
      amount: money(plan.amount, plan.currency),
      date: formatDate(calendarDateFromDb(plan.agreedOn), locale),
    }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Following the plans

export interface PlanView {
  planId: number;
  customerId: number;
  externalId: string;
  customerName: string;
  status: "ACTIVE" | "COMPLETED" | "BROKEN" | "CANCELLED";
  agreedOn: CalendarDate;
  currency: string;
  standing: PlanStanding;
  /** One line for a person, amounts in the company's locale. */
  summary: string;
}

/** The plans of a customer (or every customer) as they stand on asOf: each instalment paid, due, missed… */
export async function paymentPlans(
  db: Database,
  policy: Policy,
  asOf: CalendarDate,
  filter: { customerId?: number; status?: Array<PlanView["status"]> } = {},
): Promise<PlanView[]> {
  const settings = await db.withConnection(loadSettings);
  const plans = await db.prisma.paymentPlan.findMany({
    where: {
      ...(filter.customerId !== undefined ? { customerId: filter.customerId } : {}),
      ...(filter.status ? { status: { in: filter.status } } : {}),
      agreedOn: { lte: calendarDateToDb(asOf) },
    },
    include: { customer: true, installments: { orderBy: { installmentNo: "asc" } } },
    orderBy: [{ agreedOn: "asc" }, { id: "asc" }],
  });
  if (plans.length === 0) return [];
  const customerIds = [...new Set(plans.map((p) => p.customerId))];
  const earliest = plans.reduce((m, p) => (p.agreedOn < m ? p.agreedOn : m), plans[0]?.agreedOn as Date);
  const payments = await db.prisma.payment.findMany({
    where: { customerId: { in: customerIds }, paymentDate: { gte: earliest, lte: calendarDateToDb(asOf) } },
    select: { customerId: true, paymentDate: true, amount: true },
  });
  return plans.map((plan) => {
    const standing = planStanding({
      agreedOn: calendarDateFromDb(plan.agreedOn),
      instalments: plan.installments.map((i, k) => ({ no: i.installmentNo ?? k + 1, dueDate: calendarDateFromDb(i.promisedDate), amount: i.amount })),
      payments: payments.filter((p) => p.customerId === plan.customerId).map((p) => ({ on: calendarDateFromDb(p.paymentDate), amount: p.amount })),
      asOf,
      graceDays: policy.rules.promises.toleranceDays,
      regime: policy.segments[plan.customer.segment as keyof Policy["segments"]].regime,
    });
    return {
      planId: plan.id,
      customerId: plan.customerId,
      externalId: plan.customer.externalId,
      customerName: plan.customer.name,
      status: plan.status,
      agreedOn: calendarDateFromDb(plan.agreedOn),
      currency: plan.currency,
      standing,
      summary: describePlan(standing, (minor) => formatMoney(minor, plan.currency, settings.locale), settings.locale),
    };
  });
}

export interface FollowUpResult {
  paid: number;
  missed: number;
  escalations: number;
  completed: number;
  broken: number;
}

/**
 * Follows every active plan as of asOf: instalments paid are recorded kept, instalments missed (past their
 * date plus the grace) are recorded broken and escalated once (history entry naming the next step and who
 * does it, and the committee proposals the engine makes on a broken promise, e.g. a formal notice after the
 * last reminder). A plan all paid is completed; a plan whose last instalment is missed is broken.
 */
export async function followPaymentPlans(db: Database, policy: Policy, asOf: CalendarDate, now = new Date()): Promise<FollowUpResult> {
  const result: FollowUpResult = { paid: 0, missed: 0, escalations: 0, completed: 0, broken: 0 };
  const views = await paymentPlans(db, policy, asOf, { status: ["ACTIVE"] });
  if (views.length === 0) return result;
  const settings = await db.withConnection(loadSettings);
  const needsReview = views.filter((v) => v.standing.instalments.some((i) => i.state === "missed")).map((v) => v.customerId);
  // The engine's review of the accounts with a missed instalment, as of today, while it is still pending:
  // the step it brings forward and the proposals a broken promise earns.
  const reviews = new Map<number, AccountReview>();
  const scopes = await invoiceScopes(db, asOf, needsReview);
  if (needsReview.length) {
    const portfolio = await db.withConnection((sql) => loadPortfolio(sql, asOf, policy, settings.timeZone, { customerIds: needsReview }));
    const money = moneyFormatter(settings.currency, settings.locale);
    for (const p of portfolio)
      reviews.set(p.account.customerId, reviewAccount(inLocale(p, money, settings.locale).account, asOf, policy, money, settings.locale));
  }
  const { period } = isoWeek(asOf);
  for (const view of views) {
    await db.prisma.$transaction(
      async (tx) =>
        followOne(tx, policy, settings, view, reviews.get(view.customerId) ?? null, scopes.get(view.customerId) ?? null, period, now, result),
      TX_OPTIONS,
    );
  }
  return result;
}

async function followOne(
  tx: Tx,
  policy: Policy,
  settings: CompanySettings,
  view: PlanView,
  review: AccountReview | null,
  scopes: InvoiceScopes | null,
  period: string,
  now: Date,
  result: FollowUpResult,
): Promise<void> {
  const locale = settings.locale;
  const money = (minor: bigint) => formatMoney(minor, view.currency, locale);
  const date = (d: CalendarDate) => formatDate(d, locale);
  const rows = await tx.promiseToPay.findMany({ where: { paymentPlanId: view.planId }, orderBy: { installmentNo: "asc" } });
  const regime = regimeRules(policy.segments[(await tx.customer.findUniqueOrThrow({ where: { id: view.customerId } })).segment as keyof Policy["segments"]].regime);
  let escalatedHere = false;
  for (const inst of view.standing.instalments) {
    const row = rows.find((r) => r.installmentNo === inst.no);
    if (!row || row.status !== "PENDING") continue;
    if (inst.state.startsWith("paid")) {
      const changed = await tx.promiseToPay.updateMany({ where: { id: row.id, status: "PENDING" }, data: { status: "KEPT", settledAt: now } });
      if (changed.count === 0) continue;
      result.paid += 1;
      await appendHistory(tx, {
        occurredAt: now,
        customerId: view.customerId,
        actorLabel: SYSTEM.label,
        origin: "JOB",
        channel: "SYSTEM",
        kind: "payment_plan.instalment_paid",
        text: t(locale, inst.state === "paid" ? "usecase.plan.historyPaid" : "usecase.plan.historyPaidLate", {
          planId: view.planId,
          no: inst.no,
          amount: money(inst.amount),
          due: date(inst.dueDate),
          paidOn: inst.paidOn ? date(inst.paidOn) : "",
          days: inst.daysLate,
          indemnity: money(inst.indemnity),
          article: regime.indemnityArticle,
        }),
        data: { paymentPlanId: view.planId, promiseId: row.id },
      });
    } else if (inst.state === "missed") {
      const changed = await tx.promiseToPay.updateMany({ where: { id: row.id, status: "PENDING" }, data: { status: "BROKEN", settledAt: now } });
      if (changed.count === 0) continue;
      result.missed += 1;
      // One escalation per plan and run: instalments missed together are one default.
      const escalation = escalatedHere
        ? t(locale, "usecase.plan.escalatedWithEarlier")
        : await escalate(tx, view, review, scopes, period, now, result, locale);
      escalatedHere = true;
      await appendHistory(tx, {
        occurredAt: now,
        customerId: view.customerId,
        actorLabel: SYSTEM.label,
        origin: "JOB",
        channel: "SYSTEM",
        kind: "payment_plan.instalment_missed",
        text: t(locale, "usecase.plan.historyMissed", {
          planId: view.planId,
          no: inst.no,
          amount: money(inst.amount),
          due: date(inst.dueDate),
          received: money(inst.paid),
          tolerance: policy.rules.promises.toleranceDays,
          indemnity: money(inst.indemnity),
          article: regime.indemnityArticle,
          escalation,
        }),
        // The escalation in words, apart, for the weekly digest's follow-through (src/services/paymentPlans.ts).
        data: { paymentPlanId: view.planId, promiseId: row.id, instalmentNo: inst.no, escalation },
      });
    }
  }
  const status = view.standing.state === "completed" ? "COMPLETED" : view.standing.state === "broken" ? "BROKEN" : null;
  if (status) {
    const changed = await tx.paymentPlan.updateMany({ where: { id: view.planId, status: "ACTIVE" }, data: { status, settledAt: now } });
    if (changed.count === 1) {
      if (status === "COMPLETED") result.completed += 1;
      else result.broken += 1;
      await appendHistory(tx, {
        occurredAt: now,
        customerId: view.customerId,
        actorLabel: SYSTEM.label,
        origin: "JOB",
        channel: "SYSTEM",
        kind: status === "COMPLETED" ? "payment_plan.completed" : "payment_plan.broken",
        text:
          status === "COMPLETED"
            ? view.standing.indemnity > 0n
              ? t(locale, "usecase.plan.historyCompletedIndemnities", {
                  planId: view.planId,
                  total: money(view.standing.total),
                  indemnity: money(view.standing.indemnity),
                })
              : t(locale, "usecase.plan.historyCompleted", { planId: view.planId, total: money(view.standing.total) })
            : t(locale, "usecase.plan.historyBroken", {
                planId: view.planId,
                remaining: money(view.standing.remaining),
                total: money(view.standing.total),
              }),
        data: { paymentPlanId: view.planId },
      });
    }
  }
}

/** The escalation of a missed instalment, in words for the history; the committee proposals it earns are recorded. */
async function escalate(
  tx: Tx,
  view: PlanView,
  review: AccountReview | null,
  scopes: InvoiceScopes | null,
  period: string,
  now: Date,
  result: FollowUpResult,
  locale: string,
): Promise<string> {
  result.escalations += 1;
  const parts: string[] = [];
  if (review?.step) {
    const customer = await tx.customer.findUniqueOrThrow({
      where: { id: view.customerId },
      select: { salesOwner: { select: { id: true, name: true } }, collector: { select: { id: true, name: true } } },
    });
    const assignee = stepAssignee(review.step.level.by, customer);
    parts.push(
      t(locale, review.step.escalated ? "usecase.plan.stepBroughtForward" : "usecase.plan.stepDue", {
        level: review.step.level.id,
        channel: review.step.channel.toLowerCase(),
        assignee: assignee?.person.name ?? t(locale, "usecase.plan.nobody"),
      }),
    );
  }
  const escalations: ActionKind[] = ["FORMAL_NOTICE", "LITIGATION", "BLOCK_DELIVERIES"];
  for (const proposal of review?.proposals.filter((p) => escalations.includes(p.kind)) ?? []) {
    const exists = await tx.proposedAction.findFirst({ where: { customerId: view.customerId, kind: proposal.kind, status: { in: ["PROPOSED", "APPROVED"] } } });
    if (exists) continue;
    const invoiceIds = scopes?.[proposal.scope] ?? [];
    const action = await tx.proposedAction.create({
      data: {
        customerId: view.customerId,
        kind: proposal.kind,
        reason: t(locale, "usecase.plan.proposalReason", { planId: view.planId, reason: proposal.reason }),
        params: proposal.params,
        period,
        createdAt: now,
        invoices: invoiceIds.length ? { create: invoiceIds.map((invoiceId) => ({ invoiceId })) } : undefined,
      },
    });
    await appendHistory(tx, {
      occurredAt: now,
      customerId: view.customerId,
      actorLabel: SYSTEM.label,
      origin: "JOB",
      channel: "SYSTEM",
      kind: "action.proposed",
      text: t(locale, "usecase.plan.historyProposed", { kind: t(locale, `cli.kind.${proposal.kind}`), planId: view.planId, reason: proposal.reason }),
      actionId: action.id,
      invoiceIds,
    });
    parts.push(t(locale, "usecase.plan.proposedPart", { kind: t(locale, `cli.kind.${proposal.kind}`) }));
  }
  return parts.length ? t(locale, "usecase.plan.escalation", { parts: parts.join("; ") }) : t(locale, "usecase.plan.calendarResumes");
}
