// Disputes: a sales rep (or anyone in the committee) flags an invoice as disputed, which pauses dunning on
// it; finance or back office resolves it.
import { z } from "zod";
import type { Database } from "../db/database.js";
import { appendHistory } from "../db/history.js";
import { parseAmount } from "../domain/money.js";
import { AppError } from "../errors.js";
import type { Actor } from "./actor.js";
import { enqueueEvent } from "./events.js";

export const DISPUTE_CATEGORIES = ["PRICE", "QUANTITY", "QUALITY", "DELIVERY", "BILLING_ERROR", "OTHER"] as const;
export type DisputeCategory = (typeof DISPUTE_CATEGORIES)[number];

export const flagDisputeInput = z.object({
  invoiceNumber: z.string().trim().min(1, "give the invoice number"),
  category: z.enum(DISPUTE_CATEGORIES),
  reason: z.string().trim().min(3, "say what the customer disputes").max(2000),
  /** Minor units; defaults to the invoice's open amount. */
  amountDisputed: z.bigint().positive().nullable().default(null),
});
export type FlagDisputeInput = z.input<typeof flagDisputeInput>;

export interface FlaggedDispute {
  disputeId: number;
  invoiceId: number;
  invoiceNumber: string;
  customerId: number;
  customerName: string;
  collectorId: number | null;
  amountDisputed: bigint;
}

/** The longest dispute reason kept (characters); longer ones are refused with the field's name and this limit. */
export const DISPUTE_REASON_MAX = 2000;

/** Reads the use case's input; a bad field is refused with its name and what is expected, never a generic failure. */
function readFlagDisputeInput(input: FlagDisputeInput): z.output<typeof flagDisputeInput> {
  if (typeof input.reason === "string" && input.reason.trim().length > DISPUTE_REASON_MAX) {
    throw new AppError(
      "input.invalid",
      `The dispute reason is too long: ${input.reason.trim().length.toLocaleString("en-GB")} characters, at most ${DISPUTE_REASON_MAX.toLocaleString("en-GB")}.`,
    );
  }
  const parsed = flagDisputeInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "input";
    throw new AppError("input.invalid", `The dispute's ${field} is not valid: ${issue?.message ?? "check it"}.`);
  }
  return parsed.data;
}

export async function flagDispute(db: Database, actor: Actor, input: FlagDisputeInput, now = new Date()): Promise<FlaggedDispute> {
  const data = readFlagDisputeInput(input);
  return db.prisma.$transaction(async (tx) => {
    const invoice = await tx.invoice.findFirst({ where: { kind: "INVOICE", number: data.invoiceNumber }, include: { customer: true } });
    if (!invoice) throw new AppError("not_found", `Invoice ${data.invoiceNumber} is unknown. Check the number (e.g. F2025-0113).`);
    if (invoice.openAmount <= 0n)
      throw new AppError("conflict", `Invoice ${invoice.number} is fully paid: there is nothing left to dispute.`);
    const existing = await tx.dispute.findFirst({ where: { invoiceId: invoice.id, status: "OPEN" } });
    if (existing) {
      throw new AppError(
        "conflict",
        `Invoice ${invoice.number} is already disputed (${existing.category.toLowerCase()}, since ${existing.openedAt.toISOString().slice(0, 10)}).`,
      );
    }
    const amount = data.amountDisputed ?? invoice.openAmount;
    if (amount > invoice.openAmount)
      throw new AppError("input.invalid", `The disputed amount is more than what invoice ${invoice.number} still owes.`);
    const dispute = await tx.dispute.create({
      data: {
        invoiceId: invoice.id,
        customerId: invoice.customerId,
        category: data.category,
        reason: data.reason,
        amountDisputed: amount,
        openedById: actor.personId,
        openedAt: now,
      },
    });
    await appendHistory(tx, {
      occurredAt: now,
      customerId: invoice.customerId,
      actorId: actor.personId,
      actorLabel: actor.label ?? null,
      origin: actor.origin,
      channel: "CHAT",
      kind: "dispute.opened",
      text: `Dispute on ${invoice.number} (${data.category.toLowerCase().replace("_", " ")}): ${data.reason}`,
      invoiceIds: [invoice.id],
      data: { disputeId: dispute.id, amountDisputed: amount.toString() },
    });
    await enqueueEvent(tx, { kind: "dispute.opened", disputeId: dispute.id, at: now });
    return {
      disputeId: dispute.id,
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      customerId: invoice.customerId,
      customerName: invoice.customer.name,
      collectorId: invoice.customer.collectorId,
      amountDisputed: amount,
    };
  });
}

export async function resolveDispute(
  db: Database,
  actor: Actor,
  input: { invoiceNumber: string; outcome: string; withdrawn?: boolean },
  now = new Date(),
): Promise<{ disputeId: number; customerId: number }> {
  return db.prisma.$transaction(async (tx) => {
    // Settling a dispute is finance's or the back office's call.
    const person = actor.personId === null ? null : await tx.person.findUnique({ where: { id: actor.personId } });
    if (actor.origin !== "JOB" && !person?.roles.some((r) => r === "FINANCE" || r === "BACK_OFFICE")) {
      throw new AppError(
        "forbidden",
        `Only finance or the back office can settle a dispute${person ? `; ${person.name} is neither` : ""}.`,
      );
    }
    const dispute = await tx.dispute.findFirst({
      where: { status: "OPEN", invoice: { number: input.invoiceNumber } },
      include: { invoice: true },
    });
    if (!dispute) throw new AppError("not_found", `Invoice ${input.invoiceNumber} has no open dispute.`);
    await tx.dispute.update({
      where: { id: dispute.id },
      data: {
        status: input.withdrawn ? "WITHDRAWN" : "RESOLVED",
        resolvedAt: now,
        resolvedById: actor.personId,
        resolution: input.outcome,
      },
    });
    await appendHistory(tx, {
      occurredAt: now,
      customerId: dispute.customerId,
      actorId: actor.personId,
      actorLabel: actor.label ?? null,
      origin: actor.origin,
      channel: "CHAT",
      kind: input.withdrawn ? "dispute.withdrawn" : "dispute.resolved",
      text: `Dispute on ${dispute.invoice.number} ${input.withdrawn ? "withdrawn" : "resolved"}: ${input.outcome}`,
      invoiceIds: [dispute.invoiceId],
      data: { disputeId: dispute.id },
    });
    // A committee hold ends with the last open dispute.
    const open = await tx.dispute.count({ where: { customerId: dispute.customerId, status: "OPEN" } });
    if (open === 0)
      await tx.customer.updateMany({ where: { id: dispute.customerId, onHold: true }, data: { onHold: false, onHoldReason: null } });
    await enqueueEvent(tx, { kind: "dispute.settled", disputeId: dispute.id, at: now });
    return { disputeId: dispute.id, customerId: dispute.customerId };
  });
}

// How people write a dispute in a chat command (Slack's /dispute, Teams' "dispute ...").
const CATEGORY_WORDS: Record<string, DisputeCategory> = {
  price: "PRICE",
  prix: "PRICE",
  quantity: "QUANTITY",
  quantite: "QUANTITY",
  quality: "QUALITY",
  qualite: "QUALITY",
  delivery: "DELIVERY",
  livraison: "DELIVERY",
  billing: "BILLING_ERROR",
  facturation: "BILLING_ERROR",
  other: "OTHER",
  autre: "OTHER",
};

export const DISPUTE_USAGE =
  "Usage: /dispute INVOICE [price|quantity|quality|delivery|billing|other] what the customer disputes — e.g. /dispute F2025-0113 quality two pallets arrived damaged";

export const RESOLVE_USAGE =
  "Usage: /dispute resolve INVOICE how it was settled — e.g. /dispute resolve F2025-0113 credit note AV-0042 issued";

/**
 * `resolve F2025-0113 credit note AV-0042 issued` -> invoice and outcome; null when the text does not start
 * with "resolve" (it is a new dispute); "usage" when it does but lacks a part.
 */
export function parseResolveCommand(text: string): { invoiceNumber: string; outcome: string } | "usage" | null {
  const trimmed = text.trim();
  if (!/^resolve\b/i.test(trimmed)) return null;
  const match = /^resolve\s+(\S+)\s+(.+)$/is.exec(trimmed);
  if (!match) return "usage";
  return { invoiceNumber: match[1] ?? "", outcome: (match[2] ?? "").trim() };
}

/** What the person who flagged a dispute is told. */
export function disputeRecordedText(dispute: FlaggedDispute, category: DisputeCategory): string {
  return `Dispute recorded on ${dispute.invoiceNumber} (${dispute.customerName}, ${categoryWords(category)}): dunning on this invoice is paused.`;
}

/** What the account's collector is told. */
export function disputeNoticeText(flaggedBy: string, dispute: FlaggedDispute, reason: string): string {
  return `${flaggedBy} flagged a dispute on ${dispute.invoiceNumber} (${dispute.customerName}): ${reason}. Dunning on this invoice is paused.`;
}

export function disputeSettledText(invoiceNumber: string, outcome: string): string {
  return `Dispute on ${invoiceNumber} settled: ${outcome}. Dunning on it resumes.`;
}

function categoryWords(category: DisputeCategory): string {
  return category.toLowerCase().replace("_", " ");
}

/** `/dispute F2025-0113 quality two pallets damaged` -> invoice, category, reason. */
export function parseDisputeCommand(text: string): { invoiceNumber: string; category: DisputeCategory; reason: string } | null {
  const [invoiceNumber, ...rest] = text.trim().split(/\s+/);
  if (!invoiceNumber || rest.length === 0) return null;
  const word = (rest[0] ?? "")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
  const category = CATEGORY_WORDS[word];
  const reason = (category ? rest.slice(1) : rest).join(" ").trim();
  if (!reason) return null;
  return { invoiceNumber, category: category ?? "OTHER", reason };
}

/** Reads a dispute form (chat modal, Teams task module): the dispute, or the problem with each field. */
export function readDisputeForm(input: {
  invoice?: string;
  category?: string;
  reason?: string;
  amount?: string;
}): { ok: true; dispute: FlagDisputeInput } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const invoiceNumber = (input.invoice ?? "").trim();
  if (!invoiceNumber) errors.invoice = "Give the invoice number (e.g. F2025-0113).";
  const category = (DISPUTE_CATEGORIES as readonly string[]).includes(input.category ?? "") ? (input.category as DisputeCategory) : null;
  if (!category) errors.category = `Pick a reason: ${DISPUTE_CATEGORIES.join(", ").toLowerCase()}.`;
  const reason = (input.reason ?? "").trim();
  if (reason.length < 3) errors.reason = "Say what the customer disputes.";
  else if (reason.length > DISPUTE_REASON_MAX)
    errors.reason = `Too long: ${reason.length.toLocaleString("en-GB")} characters, at most ${DISPUTE_REASON_MAX.toLocaleString("en-GB")}.`;
  let amountDisputed: bigint | null = null;
  if ((input.amount ?? "").trim()) {
    const amount = parseAmount(input.amount ?? "");
    if (!amount.ok) errors.amount = amount.reason;
    else if (amount.minor <= 0n) errors.amount = "The amount must be greater than zero.";
    else amountDisputed = amount.minor;
  }
  if (Object.keys(errors).length > 0 || !category) return { ok: false, errors };
  return { ok: true, dispute: { invoiceNumber, category, reason, amountDisputed } };
}
