// What the committee says in the digest's thread is part of the record: each message becomes a history
// entry ("committee.discussion"), tied to an account when it names one of the digest's actions (#123), to
// the week otherwise. A message delivered twice (a platform retry) is recorded once.
import type { Database } from "../db/database.js";
import { appendHistory } from "../db/history.js";
import { AppError } from "../errors.js";
import { phrase } from "../i18n/index.js";
import type { Actor } from "./actor.js";

export interface DiscussionMessage {
  /** The platform's id of the message (Slack ts, Teams activity id): recorded once per id. */
  messageId: string;
  /** The digest's period, e.g. "2026-W47". */
  period: string;
  text: string;
  /** The actions shown in that digest: "#123" in the text ties the message to that action's account. */
  actionIds: number[];
}

export async function recordDiscussion(
  db: Database,
  actor: Actor,
  message: DiscussionMessage,
  now = new Date(),
): Promise<{ recorded: boolean; customerIds: number[] }> {
  const text = message.text.trim();
  if (!text) throw new AppError("input.invalid", phrase("usecase.discussion.empty"));
  const named = [...text.matchAll(/#(\d+)\b/g)].map((m) => Number(m[1])).filter((id) => message.actionIds.includes(id));
  const actions = await db.prisma.proposedAction.findMany({ where: { id: { in: [...new Set(named)] } }, orderBy: { id: "asc" } });
  return db.prisma.$transaction(async (tx) => {
    // The same message delivered twice at once: the second waits here, then sees the first.
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext($1))`, `ccbot-discussion:${message.messageId}`);
    const seen = await tx.historyEntry.findFirst({
      where: { kind: "committee.discussion", data: { path: ["messageId"], equals: message.messageId } },
      select: { id: true },
    });
    if (seen) return { recorded: false, customerIds: [] };
    const targets =
      actions.length > 0 ? actions.map((a) => ({ customerId: a.customerId, actionId: a.id })) : [{ customerId: null, actionId: null }];
    for (const target of targets) {
      await appendHistory(tx, {
        occurredAt: now,
        customerId: target.customerId,
        actorId: actor.personId,
        actorLabel: actor.label ?? null,
        origin: actor.origin,
        channel: "CHAT",
        kind: "committee.discussion",
        text,
        actionId: target.actionId,
        data: { messageId: message.messageId, period: message.period },
      });
    }
    return { recorded: true, customerIds: actions.map((a) => a.customerId) };
  });
}
