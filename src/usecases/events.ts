// Decisions other systems must enforce or know, told by webhooks (docs/webhooks.md). A use case calls
// enqueueEvent(tx, change) inside the transaction of the change: the event is built from what the transaction
// sees and one `webhook.deliver` job per subscribed endpoint is written with it, so that an event exists if
// and only if its decision is committed. The job key `webhook:<endpointId>:<eventId>` makes it one delivery
// per endpoint whatever happens (a replayed vote, two workers).
import { calendarDateFromDb } from "../domain/calendarDate.js";
import { formatMinor, minorDigits } from "../domain/money.js";
import type { ActionKind } from "../domain/policy.js";
import {
  ALL_EVENTS,
  eventTypeOfAction,
  WEBHOOK_EVENT_VERSION,
  type EventOf,
  type EventType,
  type WebhookEvent,
} from "../domain/webhookEvents.js";
import type { Prisma } from "../generated/prisma/client.js";
import { enqueue } from "../jobs/queue.js";

type Tx = Prisma.TransactionClient;

export const WEBHOOK_DELIVER = "webhook.deliver";

/**
 * Attempts per delivery: with the queue's backoff (2 s doubling, capped at 15 min, full jitter) a receiver
 * down for about an hour still gets the event; after that the job is FAILED (ccbot jobs list, jobs retry).
 */
export const WEBHOOK_MAX_ATTEMPTS = 12;

/** What changed, named by its subject; enqueueEvent reads the rest in the same transaction. */
export type DecisionChange =
  /** A committee action was applied (block, unblock, limit change, litigation, hold; a formal notice sends nothing). */
  | { kind: "action.applied"; actionId: number; at: Date }
  | { kind: "dispute.opened"; disputeId: number; at: Date }
  /** A dispute was resolved or withdrawn. */
  | { kind: "dispute.settled"; disputeId: number; at: Date }
  | { kind: "promise.recorded"; promiseId: number; at: Date }
  /** A payment plan was agreed (src/usecases/paymentPlans.ts). */
  | { kind: "payment_plan.agreed"; paymentPlanId: number; at: Date };

/** The payload of a `webhook.deliver` job. */
export interface DeliveryPayload {
  endpointId: number;
  event: WebhookEvent;
  [key: string]: unknown;
}

/** Writes one delivery job per active endpoint subscribed to the change's event; returns how many were new. */
export async function enqueueEvent(tx: Tx, change: DecisionChange): Promise<number> {
  const endpoints = await tx.webhookEndpoint.findMany({
    where: { active: true },
    select: { id: true, events: true },
    orderBy: { id: "asc" },
  });
  if (endpoints.length === 0) return 0;
  const event = await buildEvent(tx, change);
  if (!event) return 0;
  const subscribed = endpoints.filter((e) => e.events.includes(ALL_EVENTS) || e.events.includes(event.type));
  return enqueue(
    tx,
    subscribed.map((endpoint) => ({
      kind: WEBHOOK_DELIVER,
      key: `webhook:${endpoint.id}:${event.id}`,
      payload: { endpointId: endpoint.id, event } satisfies DeliveryPayload,
      maxAttempts: WEBHOOK_MAX_ATTEMPTS,
    })),
  );
}

const money = (minor: bigint, currency: string) => ({ amount: formatMinor(minor, minorDigits(currency)), currency });
const customerOf = (c: { externalId: string; name: string }) => ({ externalId: c.externalId, name: c.name });

function head<T extends EventType>(type: T, id: string, at: Date) {
  return { id, type, version: WEBHOOK_EVENT_VERSION, occurredAt: at.toISOString() } as const;
}

async function buildEvent(tx: Tx, change: DecisionChange): Promise<WebhookEvent | null> {
  switch (change.kind) {
    case "action.applied": {
      const action = await tx.proposedAction.findUniqueOrThrow({
        where: { id: change.actionId },
        include: {
          customer: true,
          votes: { where: { decision: "APPROVE" }, include: { person: { select: { name: true } } }, orderBy: { createdAt: "asc" } },
          invoices: { include: { invoice: { select: { number: true, openAmount: true, currency: true } } } },
        },
      });
      const type = eventTypeOfAction(action.kind as ActionKind);
      if (!type) return null;
      const base = {
        customer: customerOf(action.customer),
        decision: { actionId: action.id, reason: action.reason, approvedBy: action.votes.map((v) => v.person.name) },
      };
      const id = `action-${action.id}`;
      switch (type) {
        case "credit_limit.changed": {
          const params = (action.params ?? {}) as Record<string, unknown>;
          const previous = typeof params.previousCreditLimit === "string" ? BigInt(params.previousCreditLimit) : null;
          return {
            ...head(type, id, change.at),
            data: {
              ...base,
              previousCreditLimit: previous === null ? null : money(previous, action.customer.currency),
              creditLimit: money(action.customer.creditLimit ?? 0n, action.customer.currency),
            },
          } satisfies EventOf<"credit_limit.changed">;
        }
        case "litigation.started":
          return {
            ...head(type, id, change.at),
            data: {
              ...base,
              invoices: action.invoices.map(({ invoice }) => ({
                number: invoice.number,
                openAmount: money(invoice.openAmount, invoice.currency),
              })),
            },
          } satisfies EventOf<"litigation.started">;
        default:
          return { ...head(type, id, change.at), data: base } as WebhookEvent;
      }
    }
    case "dispute.opened": {
      const dispute = await tx.dispute.findUniqueOrThrow({ where: { id: change.disputeId }, include: { customer: true, invoice: true } });
      return {
        ...head("dispute.opened", `dispute-${dispute.id}-opened`, change.at),
        data: {
          customer: customerOf(dispute.customer),
          dispute: {
            id: dispute.id,
            invoiceNumber: dispute.invoice.number,
            category: dispute.category,
            reason: dispute.reason,
            amountDisputed: money(dispute.amountDisputed ?? dispute.invoice.openAmount, dispute.invoice.currency),
          },
        },
      } satisfies EventOf<"dispute.opened">;
    }
    case "dispute.settled": {
      const dispute = await tx.dispute.findUniqueOrThrow({ where: { id: change.disputeId }, include: { customer: true, invoice: true } });
      return {
        ...head("dispute.settled", `dispute-${dispute.id}-settled`, change.at),
        data: {
          customer: customerOf(dispute.customer),
          dispute: {
            id: dispute.id,
            invoiceNumber: dispute.invoice.number,
            outcome: dispute.status === "WITHDRAWN" ? "withdrawn" : "resolved",
            resolution: dispute.resolution ?? "",
          },
          dunningOnHold: dispute.customer.onHold,
        },
      } satisfies EventOf<"dispute.settled">;
    }
    case "promise.recorded": {
      const promise = await tx.promiseToPay.findUniqueOrThrow({
        where: { id: change.promiseId },
        include: { customer: true, invoices: { include: { invoice: { select: { number: true } } } } },
      });
      return {
        ...head("promise.recorded", `promise-${promise.id}`, change.at),
        data: {
          customer: customerOf(promise.customer),
          promise: {
            id: promise.id,
            amount: money(promise.amount, promise.currency),
            promisedDate: calendarDateFromDb(promise.promisedDate),
            invoiceNumbers: promise.invoices.map((i) => i.invoice.number).sort(),
          },
        },
      } satisfies EventOf<"promise.recorded">;
    }
    case "payment_plan.agreed": {
      const plan = await tx.paymentPlan.findUniqueOrThrow({
        where: { id: change.paymentPlanId },
        include: { customer: true, installments: { orderBy: [{ installmentNo: "asc" }, { id: "asc" }] } },
      });
      return {
        ...head("payment_plan.agreed", `payment-plan-${plan.id}`, change.at),
        data: {
          customer: customerOf(plan.customer),
          paymentPlan: {
            id: plan.id,
            installments: plan.installments.map((p, i) => ({
              number: p.installmentNo ?? i + 1,
              amount: money(p.amount, p.currency),
              dueDate: calendarDateFromDb(p.promisedDate),
            })),
          },
        },
      } satisfies EventOf<"payment_plan.agreed">;
    }
  }
}
