// Disputes: a sales rep (or anyone in the committee) flags an invoice as disputed, which pauses dunning on
// it; finance or back office resolves it.
import { z } from "zod";
import type { Database } from "../db/database.js";
import { appendHistory } from "../db/history.js";
import { parseAmount } from "../domain/money.js";
import { calendarDateAt } from "../domain/calendarDate.js";
import { AppError } from "../errors.js";
import { formatDate, phrase, t, type Phrase } from "../i18n/index.js";
import type { Actor } from "./actor.js";
import { enqueueEvent } from "./events.js";
import { companyLocale } from "./locale.js";

export const DISPUTE_CATEGORIES = ["PRICE", "QUANTITY", "QUALITY", "DELIVERY", "BILLING_ERROR", "OTHER"] as const;
export type DisputeCategory = (typeof DISPUTE_CATEGORIES)[number];

export const flagDisputeInput = z.object({
  invoiceNumber: z.string().trim().min(1),
  category: z.enum(DISPUTE_CATEGORIES),
  reason: z.string().trim().min(3).max(2000),
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
      phrase("usecase.dispute.reasonTooLong", { length: input.reason.trim().length, max: DISPUTE_REASON_MAX }),
    );
  }
  const parsed = flagDisputeInput.safeParse(input);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join(".") || "input";
    throw new AppError("input.invalid", fieldProblem(field));
  }
  return parsed.data;
}

/** What is wrong with a field of a dispute, said as the form says it. */
function fieldProblem(field: string): Phrase {
  if (field === "invoiceNumber") return phrase("usecase.dispute.invoiceMissing");
  if (field === "reason") return phrase("usecase.dispute.reasonMissing");
  if (field === "category") return phrase("usecase.dispute.categoryInvalid", { categories: DISPUTE_CATEGORIES.join(", ").toLowerCase() });
  if (field === "amountDisputed") return phrase("usecase.dispute.amountPositive");
  return phrase("usecase.dispute.fieldInvalid", { field });
}

export async function flagDispute(db: Database, actor: Actor, input: FlagDisputeInput, now = new Date()): Promise<FlaggedDispute> {
  const data = readFlagDisputeInput(input);
  return db.prisma.$transaction(async (tx) => {
    const invoice = await tx.invoice.findFirst({ where: { kind: "INVOICE", number: data.invoiceNumber }, include: { customer: true } });
    if (!invoice) throw new AppError("not_found", phrase("usecase.dispute.unknownInvoice", { invoice: data.invoiceNumber }));
    if (invoice.openAmount <= 0n) throw new AppError("conflict", phrase("usecase.dispute.fullyPaid", { invoice: invoice.number }));
    const locale = await companyLocale(tx);
    const existing = await tx.dispute.findFirst({ where: { invoiceId: invoice.id, status: "OPEN" } });
    if (existing) {
      throw new AppError(
        "conflict",
        phrase("usecase.dispute.alreadyDisputed", {
          invoice: invoice.number,
          category: categoryWords(existing.category as DisputeCategory, locale),
          since: formatDate(calendarDateAt(existing.openedAt, "UTC"), locale),
        }),
      );
    }
    const amount = data.amountDisputed ?? invoice.openAmount;
    if (amount > invoice.openAmount)
      throw new AppError("input.invalid", phrase("usecase.dispute.amountOverOpen", { invoice: invoice.number }));
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
      text: t(locale, "usecase.dispute.historyOpened", {
        invoice: invoice.number,
        category: categoryWords(data.category, locale),
        reason: data.reason,
      }),
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
        person ? phrase("usecase.dispute.onlyFinanceNamed", { person: person.name }) : phrase("usecase.dispute.onlyFinance"),
      );
    }
    const dispute = await tx.dispute.findFirst({
      where: { status: "OPEN", invoice: { number: input.invoiceNumber } },
      include: { invoice: true },
    });
    if (!dispute) throw new AppError("not_found", phrase("usecase.dispute.noOpenDispute", { invoice: input.invoiceNumber }));
    const locale = await companyLocale(tx);
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
      text: t(locale, input.withdrawn ? "usecase.dispute.historyWithdrawn" : "usecase.dispute.historyResolved", {
        invoice: dispute.invoice.number,
        outcome: input.outcome,
      }),
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

/** How to write a dispute: `command` is Slack's "/dispute" or Teams' "dispute". */
export function disputeUsage(locale: string, command: string): string {
  return t(locale, "usecase.dispute.usage", { command });
}

/** How to write a dispute's settlement: `command` is Slack's "/dispute" or Teams' "dispute". */
export function resolveUsage(locale: string, command: string): string {
  return t(locale, "usecase.dispute.resolveUsage", { command });
}

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
export function disputeRecordedText(dispute: FlaggedDispute, category: DisputeCategory, locale: string): string {
  return t(locale, "usecase.dispute.recorded", {
    invoice: dispute.invoiceNumber,
    customer: dispute.customerName,
    category: categoryWords(category, locale),
  });
}

/** What the account's collector is told. */
export function disputeNoticeText(flaggedBy: string, dispute: FlaggedDispute, reason: string, locale: string): string {
  return t(locale, "usecase.dispute.notice", { person: flaggedBy, invoice: dispute.invoiceNumber, customer: dispute.customerName, reason });
}

export function disputeSettledText(invoiceNumber: string, outcome: string, locale: string): string {
  return t(locale, "usecase.dispute.settled", { invoice: invoiceNumber, outcome });
}

function categoryWords(category: DisputeCategory, locale: string): string {
  return t(locale, `cli.disputeCategory.${category}`);
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
export function readDisputeForm(
  input: {
    invoice?: string;
    category?: string;
    reason?: string;
    amount?: string;
  },
  locale: string,
): { ok: true; dispute: FlagDisputeInput } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const invoiceNumber = (input.invoice ?? "").trim();
  if (!invoiceNumber) errors.invoice = t(locale, "usecase.dispute.invoiceMissing");
  const category = (DISPUTE_CATEGORIES as readonly string[]).includes(input.category ?? "") ? (input.category as DisputeCategory) : null;
  if (!category)
    errors.category = t(locale, "usecase.dispute.categoryInvalid", {
      categories: DISPUTE_CATEGORIES.map((c) => categoryWords(c, locale)).join(", "),
    });
  const reason = (input.reason ?? "").trim();
  if (reason.length < 3) errors.reason = t(locale, "usecase.dispute.reasonMissing");
  else if (reason.length > DISPUTE_REASON_MAX)
    errors.reason = t(locale, "usecase.tooLong", { length: reason.length, max: DISPUTE_REASON_MAX });
  let amountDisputed: bigint | null = null;
  if ((input.amount ?? "").trim()) {
    const amount = parseAmount(input.amount ?? "");
    if (!amount.ok) errors.amount = amount.reason;
    else if (amount.minor <= 0n) errors.amount = t(locale, "usecase.dispute.amountPositive");
    else amountDisputed = amount.minor;
  }
  if (Object.keys(errors).length > 0 || !category) return { ok: false, errors };
  return { ok: true, dispute: { invoiceNumber, category, reason, amountDisputed } };
}
