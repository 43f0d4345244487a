// Resolving a "wrong contact" task (src/mail/bounces.ts): the collector gives the customer's right e-mail
// address. In one transaction the customer's contacts that carry a bounced address get the new one, a
// suppression of the new address is lifted (the collector vouches for it), and the history says who changed
// what; the task is gone (no contact carries a bounced address any more) and the next reminder goes to the
// new address. From chat, the account's collector (or back office / finance for them); the command line is
// the operator's. A repeat (a double click, Slack's retry) finds the address already there: nothing more.
import { z } from "zod";
import type { Database } from "../db/database.js";
import { appendHistory } from "../db/history.js";
import { NOT_REGISTERED } from "../domain/access.js";
import { wrongContacts } from "../mail/bounces.js";
import { mayWorkTask } from "../domain/taskWork.js";
import { AppError } from "../errors.js";
import { phrase, t } from "../i18n/index.js";
import type { Actor } from "./actor.js";
import { FormError } from "./contacts.js";
import { companyLocale } from "./locale.js";

export const CONTACT_CORRECTED = "contact.corrected";
export const EMAIL_MAX = 254;

const address = z.string().trim().toLowerCase().max(EMAIL_MAX).pipe(z.email());

/**
 * Not an e-mail address: a FormError on the `email` field (English, for the command line), carrying what was
 * typed (its first 60 characters, line breaks shown as spaces) so that a chat platform says it from the
 * catalogues (contact.emailInvalid / contact.emailMissing) in the company's language.
 */
export class ContactEmailError extends FormError {
  constructor(readonly typed: string) {
    super({ email: typed ? phrase("contact.emailInvalid", { typed }) : phrase("contact.emailMissing") });
    this.name = "ContactEmailError";
  }
}

/** A typed e-mail address, lower-cased; a ContactEmailError on the `email` field when it is not one. */
export function readContactEmail(raw: unknown): string {
  const parsed = address.safeParse(typeof raw === "string" ? raw : "");
  if (!parsed.success) throw new ContactEmailError(typeof raw === "string" ? raw.trim().replace(/\s+/g, " ").slice(0, 60) : "");
  return parsed.data;
}

/** The customer, when `actor` may correct its contact (from chat: its collector, or back office / finance for them). */
async function mayCorrect(db: Database, actor: Actor, customerId: number) {
  const customer = await db.prisma.customer.findUnique({ where: { id: customerId }, include: { collector: { select: { id: true, name: true } } } });
  if (!customer) throw new AppError("not_found", phrase("usecase.customerUnknown", { customerId }));
  let onBehalfOf: number | null = null;
  if (actor.origin !== "CLI") {
    const person = actor.personId === null ? null : await db.prisma.person.findUnique({ where: { id: actor.personId }, select: { id: true, name: true, roles: true, active: true } });
    const access = mayWorkTask(person, { name: customer.name, collector: customer.collector });
    if (!access.ok) throw new AppError("forbidden", access.reason || NOT_REGISTERED);
    onBehalfOf = access.onBehalfOf?.id ?? null;
  }
  return { customer, onBehalfOf };
}

/**
 * What the correction form shows (the addresses that bounced, and why), only to someone who may correct the
 * contact: the addresses are personal data, not for every member of the workspace.
 */
export async function contactToCorrect(db: Database, actor: Actor, customerId: number): Promise<{ addresses: string[]; reason: string }> {
  await mayCorrect(db, actor, customerId);
  const wrong = await wrongContacts(db, [customerId]);
  return { addresses: wrong.map((w) => w.address), reason: wrong[0]?.reason ?? "" };
}

export interface ContactCorrected {
  status: "corrected" | "already_corrected";
  customerName: string;
  email: string;
  /** The bounced addresses replaced. */
  replaced: string[];
  /** The new address had bounced too and is allowed again. */
  liftedSuppression: boolean;
}

export async function correctContact(
  db: Database,
  actor: Actor,
  input: { customerId: number; email: unknown },
  now = new Date(),
): Promise<ContactCorrected> {
  const email = readContactEmail(input.email);
  const { customer, onBehalfOf } = await mayCorrect(db, actor, input.customerId);
  return db.prisma.$transaction(async (tx) => {
    // Two submissions at once: the second waits here, then finds the address already corrected.
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext($1))`, `ccbot-contact-fix:${customer.id}`);
    const suppressed = new Map(
      (await tx.$queryRawUnsafe<Array<{ address: string; reason: string }>>(
        `SELECT s.address, s.reason FROM email_suppression s JOIN contact c ON lower(c.email) = s.address WHERE c."customerId" = $1`,
        customer.id,
      )).map((s) => [s.address, s.reason]),
    );
    const contacts = await tx.contact.findMany({ where: { customerId: customer.id }, orderBy: [{ isPrimary: "desc" }, { id: "asc" }] });
    const wrong = contacts.filter((c) => c.email && suppressed.has(c.email.toLowerCase()));
    if (wrong.length === 0) {
      if (contacts.some((c) => c.email?.toLowerCase() === email))
        return { status: "already_corrected" as const, customerName: customer.name, email, replaced: [], liftedSuppression: false };
      throw new AppError("conflict", phrase("usecase.contact.nothingBounced", { customer: customer.name }));
    }
    const replaced = [...new Set(wrong.map((c) => (c.email as string).toLowerCase()))];
    await tx.contact.updateMany({ where: { id: { in: wrong.map((c) => c.id) } }, data: { email } });
    const lifted = await tx.emailSuppression.deleteMany({ where: { address: email } });
    const locale = await companyLocale(tx);
    await appendHistory(tx, {
      occurredAt: now,
      customerId: customer.id,
      actorId: actor.personId,
      actorLabel: actor.label ?? null,
      origin: actor.origin,
      channel: "EMAIL",
      kind: CONTACT_CORRECTED,
      text: t(locale, "usecase.contact.historyCorrected", {
        replaced: replaced.join(", "),
        reasons: replaced.map((a) => suppressed.get(a)).join("; "),
        email,
        lifted: lifted.count ? t(locale, "usecase.contact.historyLifted") : "",
      }),
      data: { from: replaced, to: email, contactIds: wrong.map((c) => c.id), liftedSuppression: lifted.count > 0, onBehalfOf },
    });
    return { status: "corrected" as const, customerName: customer.name, email, replaced, liftedSuppression: lifted.count > 0 };
  });
}
