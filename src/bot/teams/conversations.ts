// Where and to whom the bot speaks on Teams, read from what it stored: a person's personal chat with the bot,
// and the Teams ids of the committee members whose copy of a digest card refreshes itself.
import type { Database } from "../../db/database.js";
import { REFRESH_USERS_MAX } from "./cards.js";

/**
 * The person's personal chat with the bot (by AAD object id), unless they never installed it or removed it;
 * only in one of `tenants` (the bot's own), whatever was stored.
 */
export function personalConversation(db: Database, aadObjectId: string, tenants: readonly string[]) {
  return db.prisma.conversationRef.findFirst({
    where: { platform: "TEAMS", scope: "personal", userAadId: aadObjectId, removedAt: null, tenantId: { in: tenantVariants(tenants) } },
    orderBy: { updatedAt: "desc" },
  });
}

/**
 * The Teams user ids (29:...) of committee members who used the bot (anyone with a role beyond collecting),
 * for a card's automatic refresh; Teams takes at most 60.
 */
export async function refreshUserIds(db: Database): Promise<string[]> {
  const identities = await db.prisma.chatIdentity.findMany({
    where: { platform: "TEAMS", botUserId: { not: null }, person: { active: true } },
    include: { person: true },
    orderBy: { id: "asc" },
  });
  return identities
    .filter((i) => i.person.roles.some((r) => r !== "COLLECTOR"))
    .map((i) => i.botUserId as string)
    .slice(0, REFRESH_USERS_MAX);
}

/** Tenant ids as stored (Teams sends them in lower case; an operator may have typed upper case). */
export function tenantVariants(tenants: readonly string[]): string[] {
  return [...new Set(tenants.flatMap((t) => [t.toLowerCase(), t.toUpperCase()]))];
}
