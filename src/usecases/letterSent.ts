// "Sent by registered letter": the collector (or back office / finance for them) records that the formal notice
// the committee approved, and the bot issued, went out by registered letter, with its tracking number. One
// `letter.sent` history entry per action, linked to it (the committee's follow-through reads it:
// src/services/committeeViews.ts decisionFacts, data.registeredMail); a repeat click is told the number
// already recorded, never a second entry.
import type { Database } from "../db/database.js";
import { appendHistory } from "../db/history.js";
import { NOT_REGISTERED } from "../domain/access.js";
import { readTrackingNumber } from "../domain/registeredMail.js";
import { mayWorkTask } from "../domain/taskWork.js";
import { AppError } from "../errors.js";
import { phrase, t } from "../i18n/index.js";
import type { Actor } from "./actor.js";
import { FormError } from "./contacts.js";
import { companyLocale } from "./locale.js";

export const LETTER_SENT = "letter.sent";

export interface LetterSentResult {
  status: "recorded" | "already_recorded";
  /** The tracking number in the history (the earlier one when already recorded). */
  registeredMail: string;
  customerName: string;
}

export async function recordLetterSent(
  db: Database,
  actor: Actor,
  input: { actionId: number; trackingNumber: string },
  now = new Date(),
): Promise<LetterSentResult> {
  const tracking = readTrackingNumber(input.trackingNumber);
  if (!tracking.ok) throw new FormError({ tracking: `${tracking.problem}.` });
  const action = await db.prisma.proposedAction.findUnique({
    where: { id: input.actionId },
    include: { customer: { include: { collector: { select: { id: true, name: true } } } } },
  });
  if (!action || action.kind !== "FORMAL_NOTICE") throw new AppError("not_found", phrase("usecase.notice.notANotice", { actionId: input.actionId }));
  const person =
    actor.personId === null
      ? null
      : await db.prisma.person.findUnique({ where: { id: actor.personId }, select: { id: true, name: true, roles: true, active: true } });
  const access = mayWorkTask(person, { name: action.customer.name, collector: action.customer.collector });
  if (!access.ok) throw new AppError("forbidden", access.reason || NOT_REGISTERED);
  return db.prisma.$transaction(async (tx) => {
    // Two clicks at once: the second waits here, then finds the first one's entry.
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext($1))`, `ccbot-letter-sent:${action.id}`);
    const letter = await tx.historyEntry.findFirst({ where: { actionId: action.id, kind: "document.formal_notice" }, select: { id: true } });
    if (!letter)
      throw new AppError("conflict", phrase("usecase.letter.noLetterYet", { actionId: action.id }));
    const earlier = await tx.historyEntry.findFirst({ where: { actionId: action.id, kind: LETTER_SENT }, orderBy: { id: "asc" } });
    if (earlier) {
      const data = (earlier.data ?? {}) as { registeredMail?: unknown };
      return {
        status: "already_recorded" as const,
        registeredMail: typeof data.registeredMail === "string" ? data.registeredMail : "",
        customerName: action.customer.name,
      };
    }
    await appendHistory(tx, {
      occurredAt: now,
      customerId: action.customerId,
      actorId: actor.personId,
      actorLabel: actor.label ?? null,
      origin: actor.origin,
      channel: "LETTER",
      kind: LETTER_SENT,
      text: t(await companyLocale(tx), "usecase.letter.history", { actionId: action.id, tracking: tracking.value }),
      actionId: action.id,
      data: { registeredMail: tracking.value, onBehalfOf: access.onBehalfOf?.id ?? null },
    });
    return { status: "recorded" as const, registeredMail: tracking.value, customerName: action.customer.name };
  });
}
