// What a collector is told in chat when a customer replies by e-mail: who, about which reminder, the first
// lines and the attachments' names (platform-neutral text; each adapter escapes it).
import type { Database } from "../db/database.js";
import { PermanentJobError } from "../jobs/queue.js";
import { firstLines } from "./inbox.js";

export interface ReplyNotice {
  collectorId: number | null;
  text: string;
}

export async function replyNotice(db: Database, inboundId: number): Promise<ReplyNotice> {
  const inbound = await db.prisma.emailInbound.findUnique({ where: { id: inboundId } });
  if (!inbound || inbound.customerId === null) throw new PermanentJobError(`inbound e-mail #${inboundId} is unknown or has no customer`);
  const customer = await db.prisma.customer.findUniqueOrThrow({ where: { id: inbound.customerId }, select: { name: true, externalId: true, collectorId: true } });
  const entry = inbound.historyEntryId ? await db.prisma.historyEntry.findUnique({ where: { id: inbound.historyEntryId }, select: { text: true } }) : null;
  const body = entry ? firstLines(entry.text.split("\n").slice(1).join("\n")) : "";
  const about = inbound.emailMessageId ? await db.prisma.emailMessage.findUnique({ where: { id: inbound.emailMessageId }, select: { levelId: true } }) : null;
  const lines = [
    `${customer.name} (${customer.externalId}) replied by e-mail${about ? ` to the ${about.levelId} reminder` : ""}: "${inbound.subject}"`,
    ...(body ? body.split("\n").map((l) => `> ${l}`) : []),
    ...(inbound.attachmentNames.length ? [`Attachments: ${inbound.attachmentNames.join(", ")}`] : []),
    "The reply is in the customer's history; answer from the reply-to mailbox.",
  ];
  return { collectorId: customer.collectorId, text: lines.join("\n") };
}
