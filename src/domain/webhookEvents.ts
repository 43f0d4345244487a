// The events other systems are told of (an ERP, an order system): their types, their versioned wire format
// and how a delivery is signed. Pure: the documented JSON Schema files (docs/webhooks/schemas/) are generated
// from these zod schemas by scripts/webhook-schemas.ts, and a test checks that the files are up to date.
import { createHmac } from "node:crypto";
import { z } from "zod";
import type { ActionKind } from "./policy.js";

/** The version of the wire format; a breaking change gets a new version (and new schema files). */
export const WEBHOOK_EVENT_VERSION = 1;

/** Every type an endpoint can subscribe to. */
export const EVENT_TYPES = [
  "deliveries.blocked",
  "deliveries.unblocked",
  "credit_limit.changed",
  "litigation.started",
  "dunning.held",
  "dispute.opened",
  "dispute.settled",
  "promise.recorded",
  "payment_plan.agreed",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Sent by `ccbot webhooks test` only; nobody subscribes to it. */
export const TEST_EVENT_TYPE = "webhook.test";

/** An endpoint subscribed to every type, present and future. */
export const ALL_EVENTS = "*";

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** The event an applied committee action is announced as; null for actions no other system enforces. */
export function eventTypeOfAction(kind: ActionKind): EventType | null {
  switch (kind) {
    case "BLOCK_DELIVERIES":
      return "deliveries.blocked";
    case "UNBLOCK_DELIVERIES":
      return "deliveries.unblocked";
    case "CREDIT_LIMIT_CHANGE":
      return "credit_limit.changed";
    case "LITIGATION":
      return "litigation.started";
    case "HOLD":
      return "dunning.held";
    case "FORMAL_NOTICE":
      return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Wire format (version 1)

const money = z
  .object({
    amount: z
      .string()
      .regex(/^-?\d+(\.\d+)?$/)
      .describe('Decimal string in the currency\'s unit, e.g. "1200.50"'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .describe("ISO 4217 code"),
  })
  .strict();

const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .describe("YYYY-MM-DD");

const customer = z
  .object({
    externalId: z.string().describe("The customer's id in the ERP (the customers file's id)"),
    name: z.string(),
  })
  .strict();

const decision = z
  .object({
    actionId: z.number().int().describe("The committee's proposed action, as numbered in the chat and the history"),
    reason: z.string().describe("Why the action was proposed"),
    approvedBy: z.array(z.string()).describe("Names of the committee members who approved it, in the order they voted"),
  })
  .strict();

function envelope<T extends string, D extends z.ZodObject>(type: T, data: D, description: string) {
  return z
    .object({
      id: z.string().min(1).describe("Unique id of the event; the same in X-Ccbot-Event-Id. Receivers use it to ignore a repeat"),
      type: z.literal(type),
      version: z.literal(WEBHOOK_EVENT_VERSION),
      occurredAt: z.iso.datetime().describe("When the decision was made (UTC)"),
      data,
    })
    .strict()
    .describe(description);
}

export const EVENT_SCHEMAS = {
  "deliveries.blocked": envelope(
    "deliveries.blocked",
    z.object({ customer, decision }).strict(),
    "The committee blocked deliveries to the customer: refuse new orders until deliveries.unblocked.",
  ),
  "deliveries.unblocked": envelope(
    "deliveries.unblocked",
    z.object({ customer, decision }).strict(),
    "The committee unblocked deliveries to the customer.",
  ),
  "credit_limit.changed": envelope(
    "credit_limit.changed",
    z
      .object({
        customer,
        decision,
        previousCreditLimit: money.nullable().describe("null when the customer had no limit or the proposal did not record it"),
        creditLimit: money,
      })
      .strict(),
    "The committee set a new credit limit.",
  ),
  "litigation.started": envelope(
    "litigation.started",
    z
      .object({
        customer,
        decision,
        invoices: z.array(z.object({ number: z.string(), openAmount: money }).strict()).describe("The invoices passed to litigation"),
      })
      .strict(),
    "The committee passed invoices to litigation.",
  ),
  "dunning.held": envelope(
    "dunning.held",
    z.object({ customer, decision }).strict(),
    "The committee put dunning on hold (until the customer's disputes are settled).",
  ),
  "dispute.opened": envelope(
    "dispute.opened",
    z
      .object({
        customer,
        dispute: z
          .object({
            id: z.number().int(),
            invoiceNumber: z.string(),
            category: z.enum(["PRICE", "QUANTITY", "QUALITY", "DELIVERY", "BILLING_ERROR", "OTHER"]),
            reason: z.string(),
            amountDisputed: money,
          })
          .strict(),
      })
      .strict(),
    "An invoice was disputed: dunning on it is paused.",
  ),
  "dispute.settled": envelope(
    "dispute.settled",
    z
      .object({
        customer,
        dispute: z
          .object({
            id: z.number().int(),
            invoiceNumber: z.string(),
            outcome: z.enum(["resolved", "withdrawn"]),
            resolution: z.string().describe("How it was settled, as written by finance or the back office"),
          })
          .strict(),
        dunningOnHold: z.boolean().describe("Whether the customer's dunning is still on hold (a hold ends with the last open dispute)"),
      })
      .strict(),
    "A dispute was resolved or withdrawn: dunning on the invoice resumes.",
  ),
  "promise.recorded": envelope(
    "promise.recorded",
    z
      .object({
        customer,
        promise: z
          .object({
            id: z.number().int(),
            amount: money,
            promisedDate: calendarDate,
            invoiceNumbers: z.array(z.string()),
          })
          .strict(),
      })
      .strict(),
    "The customer promised to pay an amount by a date.",
  ),
  "payment_plan.agreed": envelope(
    "payment_plan.agreed",
    z
      .object({
        customer,
        paymentPlan: z
          .object({
            id: z.number().int(),
            installments: z.array(z.object({ number: z.number().int(), amount: money, dueDate: calendarDate }).strict()),
          })
          .strict(),
      })
      .strict(),
    "A payment plan was agreed with the customer: its instalments, each with its amount and due date. Dunning pauses while it is kept.",
  ),
  "webhook.test": envelope(
    TEST_EVENT_TYPE,
    z.object({ message: z.string() }).strict(),
    "Sent by `ccbot webhooks test ID` to check an endpoint; carries no decision.",
  ),
} as const;

export type WebhookEvent = z.infer<(typeof EVENT_SCHEMAS)[keyof typeof EVENT_SCHEMAS]>;
export type EventOf<T extends keyof typeof EVENT_SCHEMAS> = z.infer<(typeof EVENT_SCHEMAS)[T]>;

/**
 * The JSON Schema (draft 2020-12) of one event type, as published in docs/webhooks/schemas/<type>.v1.json.
 * Published open (no `additionalProperties: false`): a version may gain fields, and receivers ignore those they
 * do not know; the bot's own tests hold its events to the strict zod schemas above.
 */
export function jsonSchemaOf(type: keyof typeof EVENT_SCHEMAS): Record<string, unknown> {
  const open = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(open);
    if (node === null || typeof node !== "object") return node;
    return Object.fromEntries(
      Object.entries(node)
        .filter(([key, value]) => !(key === "additionalProperties" && value === false))
        .map(([key, value]) => [key, open(value)]),
    );
  };
  return {
    $id: `${type}.v${WEBHOOK_EVENT_VERSION}.json`,
    title: `${type} v${WEBHOOK_EVENT_VERSION}`,
    ...(open(z.toJSONSchema(EVENT_SCHEMAS[type])) as Record<string, unknown>),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Signature

export const SIGNATURE_HEADER = "X-Ccbot-Signature";
export const TIMESTAMP_HEADER = "X-Ccbot-Timestamp";
export const EVENT_ID_HEADER = "X-Ccbot-Event-Id";
export const EVENT_TYPE_HEADER = "X-Ccbot-Event-Type";

/**
 * `v1=` and the hex HMAC-SHA256, keyed by the endpoint's secret (its UTF-8 bytes, `whsec_` included), of the
 * timestamp (Unix seconds, as sent in X-Ccbot-Timestamp), a dot and the exact body bytes.
 */
export function signatureOf(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}
