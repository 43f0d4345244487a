// What happens when a collector works an account: a reminder step done, a promise to pay recorded.
import type { Database } from "../db/database.js";
import { appendHistory, type HistoryChannel } from "../db/history.js";
import { calendarDateToDb, parseCalendarDate, type CalendarDate } from "../domain/calendarDate.js";
import { formatMinor, parseAmount } from "../domain/money.js";
import { isTaskOutcome, TASK_OUTCOMES, type TaskOutcome } from "../domain/digest.js";
import { AppError } from "../errors.js";
import type { Actor } from "./actor.js";

export async function recordStep(
  db: Database,
  actor: Actor,
  input: { customerId: number; levelId: string; channel: HistoryChannel; text: string; invoiceIds?: number[]; outcome?: string },
  now = new Date(),
): Promise<bigint> {
  return db.prisma.$transaction(async (tx) => {
    const customer = await tx.customer.findUnique({ where: { id: input.customerId } });
    if (!customer) throw new AppError("not_found", `Customer #${input.customerId} is unknown.`);
    // The same step reported twice the same day (a double click, a retry) is the same step.
    const sameDay = await tx.historyEntry.findFirst({
      where: {
        customerId: customer.id,
        kind: "reminder.step",
        occurredAt: { gte: new Date(now.getTime() - 12 * 3600_000) },
        data: { path: ["levelId"], equals: input.levelId },
      },
      select: { id: true },
    });
    if (sameDay) return sameDay.id;
    return appendHistory(tx, {
      occurredAt: now,
      customerId: customer.id,
      actorId: actor.personId,
      actorLabel: actor.label ?? null,
      origin: actor.origin,
      channel: input.channel,
      kind: "reminder.step",
      text: input.text,
      invoiceIds: input.invoiceIds ?? [],
      data: input.outcome ? { levelId: input.levelId, outcome: input.outcome } : { levelId: input.levelId },
    });
  });
}

/** A collector's one-click outcome on a task (no answer, wrong contact...): a reminder step with its outcome. */
export async function recordTaskOutcome(
  db: Database,
  actor: Actor,
  input: { customerId: number; levelId: string; channel?: string; outcome: string },
  now = new Date(),
): Promise<{ outcome: TaskOutcome; label: string }> {
  if (!isTaskOutcome(input.outcome))
    throw new AppError("input.invalid", "This outcome is not one the bot records: use the buttons of today's task list.");
  const channel = (STEP_CHANNELS as readonly string[]).includes(input.channel ?? "") ? (input.channel as HistoryChannel) : "PHONE";
  const label = TASK_OUTCOMES[input.outcome];
  await recordStep(
    db,
    actor,
    { customerId: input.customerId, levelId: input.levelId, channel, text: `${input.levelId}: ${label}`, outcome: input.outcome },
    now,
  );
  return { outcome: input.outcome, label };
}

const STEP_CHANNELS = ["EMAIL", "PHONE", "LETTER", "VISIT"] as const;

/** A call that ended with a promise to pay: the promise, and the reminder step it completes. */
export async function recordPromiseFromCall(
  db: Database,
  actor: Actor,
  input: { customerId: number; levelId: string; amount: bigint; promisedDate: CalendarDate; note?: string },
  now = new Date(),
): Promise<number> {
  const promiseId = await recordPromise(
    db,
    actor,
    { customerId: input.customerId, amount: input.amount, promisedDate: input.promisedDate, note: input.note },
    now,
  );
  await recordStep(
    db,
    actor,
    {
      customerId: input.customerId,
      levelId: input.levelId,
      channel: "PHONE",
      text: `${input.levelId}: reached, promise to pay`,
      outcome: "promise",
    },
    now,
  );
  return promiseId;
}

export async function recordPromise(
  db: Database,
  actor: Actor,
  input: { customerId: number; amount: bigint; promisedDate: CalendarDate; invoiceIds?: number[]; note?: string },
  now = new Date(),
): Promise<number> {
  if (input.amount <= 0n) throw new AppError("input.invalid", "A promise to pay needs an amount greater than zero.");
  return db.prisma.$transaction(async (tx) => {
    const customer = await tx.customer.findUnique({ where: { id: input.customerId } });
    if (!customer) throw new AppError("not_found", `Customer #${input.customerId} is unknown.`);
    const promise = await tx.promiseToPay.create({
      data: {
        customerId: customer.id,
        amount: input.amount,
        currency: customer.currency,
        promisedDate: calendarDateToDb(input.promisedDate),
        recordedById: actor.personId,
        recordedAt: now,
        invoices: input.invoiceIds?.length ? { create: input.invoiceIds.map((invoiceId) => ({ invoiceId })) } : undefined,
      },
    });
    await appendHistory(tx, {
      occurredAt: now,
      customerId: customer.id,
      actorId: actor.personId,
      actorLabel: actor.label ?? null,
      origin: actor.origin,
      channel: "PHONE",
      kind: "promise.recorded",
      text: `Promise to pay ${formatMinor(input.amount)} ${customer.currency} by ${input.promisedDate}${input.note ? `: ${input.note}` : ""}`,
      invoiceIds: input.invoiceIds ?? [],
      data: { promiseId: promise.id },
    });
    return promise.id;
  });
}

/** Reads a promise-to-pay form (chat modal): the amount and date, or the problem with each field. */
export function readPromiseForm(
  input: { amount: string; date: string },
  today: CalendarDate,
): { ok: true; amount: bigint; date: CalendarDate } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const amount = parseAmount(input.amount);
  if (!amount.ok) errors.amount = amount.reason;
  else if (amount.minor <= 0n) errors.amount = "The amount must be greater than zero.";
  const date = parseCalendarDate(input.date);
  if (!date) errors.date = "Pick a date.";
  else if (date < today) errors.date = "A promise is for today or later.";
  if (Object.keys(errors).length > 0 || !amount.ok || !date) return { ok: false, errors };
  return { ok: true, amount: amount.minor, date };
}
