// The reply-to mailbox, read over IMAP (imapflow) by a periodic job: each new message (by UID, once per
// mailbox UIDVALIDITY) is parsed (mailparser) and sorted:
// - a delivery status notification (multipart/report; report-type=delivery-status) with a failed recipient
//   → a bounce of the message it reports (src/mail/bounces.ts), matched by the original Message-ID, else by
//   the failed address;
// - an automatic reply (Auto-Submitted other than "no", X-Autoreply, X-Autorespond, Precedence auto_reply,
//   or a subject such as "Out of office" / "Absence" / "Réponse automatique") → only noted in the history;
// - a reply → matched to a customer by its In-Reply-To / References chain to a message we sent, else by the
//   sender's address among the customers' contacts → "customer replied" in the history, and the collector
//   is told (a direct message job per platform: first lines and the attachments' names);
// - from nobody we know → kept for the admins (`ccbot mail inbox`), nothing in any customer's history.
// Nothing is deleted or moved in the mailbox; the messages are marked \Seen.
import { ImapFlow } from "imapflow";
import { simpleParser, type ParsedMail } from "mailparser";
import type { Database } from "../db/database.js";
import { appendHistory } from "../db/history.js";
import { enqueue } from "../jobs/queue.js";
import type { Logger } from "../log.js";
import { recordBounce } from "./bounces.js";
import type { ImapConfig } from "./config.js";

const TX_OPTIONS = { maxWait: 60_000, timeout: 60_000 };
/** The job kind that tells a collector in chat (the chat adapters add handlers: "<platform>.notify-reply"). */
export const NOTIFY_REPLY = (platform: "SLACK" | "TEAMS") => `${platform.toLowerCase()}.notify-reply`;

export type InboundKind = "REPLY" | "AUTO_REPLY" | "BOUNCE" | "UNKNOWN_SENDER";

const AUTO_SUBJECT = /^(out of (the )?office|automatic reply|auto(matic)?[- ]?reply|absence|absent|réponse automatique|r[ée]ponse en votre absence|autoreply|on vacation|en congés?)\b/i;

export function isAutoReply(headers: Map<string, unknown>, subject: string): boolean {
  const auto = String(headers.get("auto-submitted") ?? "").toLowerCase();
  if (auto && auto !== "no") return true;
  if (headers.has("x-autoreply") || headers.has("x-autorespond")) return true;
  const precedence = String(headers.get("precedence") ?? "").toLowerCase();
  if (precedence === "auto_reply") return true;
  return AUTO_SUBJECT.test(subject.replace(/^(re|tr|fw|fwd)\s*:\s*/i, "").trim());
}

export interface DeliveryFailure {
  recipient: string;
  status: string;
  diagnostic: string;
  originalMessageId: string | null;
}

/** The failed recipient of a DSN (RFC 3464), or null when the message is not a failure report. */
export function deliveryFailure(parsed: ParsedMail, raw: Buffer): DeliveryFailure | null {
  const type = parsed.headers.get("content-type") as { value?: string; params?: Record<string, string> } | undefined;
  if (type?.value?.toLowerCase() !== "multipart/report" || (type.params?.["report-type"] ?? "").toLowerCase() !== "delivery-status") return null;
  const statusPart = parsed.attachments.find((a) => a.contentType.toLowerCase() === "message/delivery-status");
  const report = statusPart ? statusPart.content.toString("utf8") : raw.toString("utf8");
  const action = /^Action:\s*(\S+)/im.exec(report)?.[1]?.toLowerCase();
  if (action !== "failed") return null;
  const recipient = /^Final-Recipient:\s*[^;]*;\s*<?([^\s>]+)>?/im.exec(report)?.[1]?.toLowerCase() ?? "";
  const status = /^Status:\s*(\S+)/im.exec(report)?.[1] ?? "";
  const diagnostic = /^Diagnostic-Code:\s*(.+(?:\r?\n[ \t].+)*)/im.exec(report)?.[1]?.replace(/\s+/g, " ").trim() ?? `status ${status}`;
  // The original message (message/rfc822 or text/rfc822-headers) follows the status part.
  const text = raw.toString("utf8");
  const at = text.search(/Content-Type:\s*(message\/rfc822|text\/rfc822-headers)/i);
  const originalMessageId = at >= 0 ? (/^Message-ID:\s*(<[^>\s]+>)/im.exec(text.slice(at))?.[1] ?? null) : null;
  return recipient ? { recipient, status, diagnostic, originalMessageId } : null;
}

function ids(value: string | string[] | undefined): string[] {
  if (!value) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.match(/<[^>\s]+>/g) ?? []);
}

/** The first lines of a reply, without the quoted message. */
export function firstLines(text: string, max = 5): string {
  const lines: string[] = [];
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    if (/^>/.test(line) || /^(On .+ wrote:|Le .+ a écrit\s?:|-----Original Message-----|De\s?: )/.test(line.trim())) break;
    if (line.trim() === "" && lines.length === 0) continue;
    lines.push(line.trimEnd());
    if (lines.length >= max) break;
  }
  return lines.join("\n").trim().slice(0, 600);
}

interface Stored {
  kind: InboundKind;
  customerId: number | null;
}

async function recordInbound(db: Database, mailbox: string, uidValidity: bigint, uid: bigint, raw: Buffer, now: Date, logger: Logger): Promise<Stored | null> {
  const parsed = await simpleParser(raw, { keepDeliveryStatus: true } as Parameters<typeof simpleParser>[1]);
  const subject = (parsed.subject ?? "").slice(0, 300);
  const from = (parsed.from?.value[0]?.address ?? "").toLowerCase();
  const attachments = parsed.attachments.filter((a) => a.contentDisposition === "attachment" || a.filename).map((a) => a.filename ?? a.contentType);
  const receivedAt = parsed.date ?? now;
  const base = { mailbox, uidValidity, uid, messageId: parsed.messageId ?? null, fromAddress: from, subject, attachmentNames: attachments, receivedAt };
  const already = await db.prisma.emailInbound.findUnique({ where: { mailbox_uidValidity_uid: { mailbox, uidValidity, uid } } });
  if (already) return null;

  const failure = deliveryFailure(parsed, raw);
  if (failure) {
    const sent =
      (failure.originalMessageId ? await db.prisma.emailMessage.findUnique({ where: { messageId: failure.originalMessageId } }) : null) ??
      (await db.prisma.emailMessage.findFirst({ where: { toAddress: failure.recipient, status: "SENT" }, orderBy: { id: "desc" } }));
    await db.prisma.emailInbound.create({ data: { ...base, kind: "BOUNCE", customerId: sent?.customerId ?? null, emailMessageId: sent?.id ?? null } });
    if (sent) {
      await recordBounce(db, { emailMessageId: sent.id, address: failure.recipient, response: `${failure.status} ${failure.diagnostic}`.trim(), source: "dsn", now });
      return { kind: "BOUNCE", customerId: sent.customerId };
    }
    logger.warn({ uid: uid.toString() }, "delivery failure for a message we did not send: kept for the admins");
    return { kind: "BOUNCE", customerId: null };
  }

  // Threading first: In-Reply-To, then References (newest last).
  const chain = [...ids(parsed.inReplyTo), ...ids(parsed.references).reverse()];
  let original = null;
  for (const id of chain) {
    original = await db.prisma.emailMessage.findUnique({ where: { messageId: id } });
    if (original) break;
  }
  let customerId = original?.customerId ?? null;
  if (customerId === null && from) {
    const contacts = await db.prisma.contact.findMany({ where: { email: { equals: from, mode: "insensitive" } }, select: { customerId: true } });
    const distinct = [...new Set(contacts.map((c) => c.customerId))];
    if (distinct.length === 1) customerId = distinct[0] as number;
  }
  const auto = isAutoReply(parsed.headers, subject);
  if (customerId === null) {
    await db.prisma.emailInbound.create({ data: { ...base, kind: "UNKNOWN_SENDER" } });
    return { kind: "UNKNOWN_SENDER", customerId: null };
  }
  const kind: InboundKind = auto ? "AUTO_REPLY" : "REPLY";
  const lines = auto ? "" : firstLines(parsed.text ?? "");
  await db.prisma.$transaction(async (tx) => {
    const inbound = await tx.emailInbound.create({ data: { ...base, kind, customerId, emailMessageId: original?.id ?? null } });
    const how = original ? `in reply to the ${original.levelId} e-mail (${original.messageId})` : `from ${from}, a contact of the customer`;
    const entryId = await appendHistory(tx, {
      occurredAt: receivedAt,
      customerId,
      actorLabel: from || "unknown sender",
      origin: "JOB",
      channel: "EMAIL",
      kind: auto ? "email.auto-reply" : "email.customer-replied",
      text: auto
        ? `Automatic reply (out of office) ${how}: "${subject}". Noted only.`
        : `Customer replied ${how}: "${subject}"${attachments.length ? `; attachments: ${attachments.join(", ")}` : ""}.\n${lines}`,
      data: { inboundId: inbound.id, messageId: parsed.messageId ?? null, inReplyTo: original?.messageId ?? null, from, attachments, auto },
    });
    await tx.emailInbound.update({ where: { id: inbound.id }, data: { historyEntryId: entryId } });
    if (!auto) {
      // The collector is told in chat, on each platform where they have an identity (run by the chat adapters' workers).
      const customer = await tx.customer.findUnique({ where: { id: customerId as number }, select: { collector: { select: { identities: { select: { platform: true } } } } } });
      const platforms = [...new Set((customer?.collector?.identities ?? []).map((i) => i.platform))];
      await enqueue(tx, platforms.map((p) => ({ kind: NOTIFY_REPLY(p), key: `${NOTIFY_REPLY(p)}:${inbound.id}`, payload: { inboundId: inbound.id, historyEntryId: entryId.toString() } })));
    }
  }, TX_OPTIONS);
  return { kind, customerId };
}

export interface PollReport {
  read: number;
  byKind: Record<InboundKind, number>;
}

export async function pollInbox(db: Database, config: ImapConfig, logger: Logger, now: () => Date = () => new Date()): Promise<PollReport> {
  const report: PollReport = { read: 0, byKind: { REPLY: 0, AUTO_REPLY: 0, BOUNCE: 0, UNKNOWN_SENDER: 0 } };
  const client = new ImapFlow({
    host: config.host,
    port: config.port,
    secure: config.tls === "implicit",
    auth: { user: config.user ?? "", pass: config.password ?? "" },
    tls: { minVersion: "TLSv1.2", ...(config.ca ? { ca: [config.ca] } : {}) },
    // imapflow logs every command with addresses and subjects: never.
    logger: false,
    disableAutoIdle: true,
  });
  await client.connect();
  if (config.tls === "starttls" && !client.secureConnection) {
    await client.logout().catch(() => undefined);
    throw new Error("the IMAP server did not offer STARTTLS: set IMAP_TLS=implicit (port 993) or fix the server");
  }
  const lock = await client.getMailboxLock(config.mailbox);
  try {
    const box = client.mailbox;
    if (!box) throw new Error(`mailbox ${config.mailbox} could not be opened`);
    const uidValidity = BigInt(box.uidValidity);
    const state = await db.prisma.mailInboxState.findUnique({ where: { mailbox: config.mailbox } });
    const after = state && state.uidValidity === uidValidity ? state.lastUid : 0n;
    let last = after;
    for await (const message of client.fetch(`${(after + 1n).toString()}:*`, { uid: true, source: true }, { uid: true })) {
      const uid = BigInt(message.uid);
      if (uid <= after || !message.source) continue;
      const stored = await recordInbound(db, config.mailbox, uidValidity, uid, message.source, now(), logger);
      if (stored) {
        report.read += 1;
        report.byKind[stored.kind] += 1;
      }
      if (uid > last) last = uid;
    }
    if (last > after || !state || state.uidValidity !== uidValidity) {
      await db.prisma.mailInboxState.upsert({
        where: { mailbox: config.mailbox },
        create: { mailbox: config.mailbox, uidValidity, lastUid: last },
        update: { uidValidity, lastUid: last },
      });
      if (last > after) await client.messageFlagsAdd(`${(after + 1n).toString()}:${last.toString()}`, ["\\Seen"], { uid: true });
    }
  } finally {
    lock.release();
    await client.logout().catch(() => undefined);
  }
  logger.info({ read: report.read, ...report.byKind }, "reply-to mailbox read");
  return report;
}
