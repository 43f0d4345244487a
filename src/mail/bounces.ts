// A message refused for its recipient — 5xx at RCPT during our SMTP transaction, or a delivery status
// notification arriving later in the reply-to mailbox — stops e-mail reminders to that address and gives the
// collector a "wrong contact" task until the customer's contact is corrected (docs/email.md).
import type { Database } from "../db/database.js";
import { appendHistory } from "../db/history.js";

const TX_OPTIONS = { maxWait: 60_000, timeout: 60_000 };

export interface BounceInput {
  emailMessageId: number;
  address: string;
  /** The server's answer or the DSN's diagnostic, verbatim (cut at 300 characters). */
  response: string;
  source: "smtp" | "dsn";
  now: Date;
}

/** Records a bounce once per message: the message BOUNCED, the address suppressed, a history entry. */
export async function recordBounce(db: Database, input: BounceInput): Promise<{ recorded: boolean; customerId: number }> {
  return db.prisma.$transaction(async (tx) => {
    const [locked] = await tx.$queryRawUnsafe<Array<{ status: string; customerId: number; levelId: string; messageId: string; invoiceIds: number[] }>>(
      `SELECT status, "customerId", "levelId", "messageId", "invoiceIds" FROM email_message WHERE id = $1 FOR UPDATE`,
      input.emailMessageId,
    );
    if (!locked) throw new Error(`email_message ${input.emailMessageId} is missing`);
    if (locked.status === "BOUNCED") return { recorded: false, customerId: locked.customerId };
    const address = input.address.toLowerCase();
    const response = input.response.slice(0, 300);
    await tx.$executeRawUnsafe(`INSERT INTO email_suppression (address, "customerId", reason, "emailMessageId") VALUES ($1, $2, $3, $4) ON CONFLICT (address) DO NOTHING`, address, locked.customerId, response, input.emailMessageId);
    const entryId = await appendHistory(tx, {
      occurredAt: input.now,
      customerId: locked.customerId,
      actorLabel: "system",
      origin: "JOB",
      channel: "EMAIL",
      kind: "email.bounced",
      text: `${locked.levelId} e-mail to ${address} refused${input.source === "dsn" ? " (delivery status notification)" : " by the mail server"}: ${response}. Wrong contact: e-mail reminders to this address are stopped until the contact is corrected.`,
      invoiceIds: locked.invoiceIds,
      data: { levelId: locked.levelId, emailMessageId: input.emailMessageId, messageId: locked.messageId, address, response, source: input.source },
    });
    await tx.emailMessage.update({
      where: { id: input.emailMessageId },
      data: { status: "BOUNCED", bouncedAt: input.now, smtpResponse: response, historyEntryId: entryId },
    });
    return { recorded: true, customerId: locked.customerId };
  }, TX_OPTIONS);
}

export interface WrongContact {
  customerId: number;
  address: string;
  reason: string;
  since: Date;
}

/** Customers whose contact still carries an address that bounced: the collector's "wrong contact" tasks. */
export async function wrongContacts(db: Database, customerIds: number[]): Promise<WrongContact[]> {
  if (customerIds.length === 0) return [];
  return db.withConnection((sql) =>
    sql.query<WrongContact>(
      `SELECT DISTINCT ON (c."customerId", s.address) c."customerId" AS "customerId", s.address, s.reason, s."createdAt" AS since
         FROM email_suppression s JOIN contact c ON lower(c.email) = s.address
        WHERE c."customerId" = ANY($1::int[])
        ORDER BY c."customerId", s.address`,
      [customerIds],
    ),
  );
}
