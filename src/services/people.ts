// Who is who in the chat: the platform identities of active people holding a role (e.g. the admins told of a
// failed job). Filtered in code, not in SQL: Prisma's `has` on an enum array is sent as a malformed literal
// through the driver adapters ("malformed array literal"), on PGlite and PostgreSQL alike.
import type { Database } from "../db/database.js";
import type { Role } from "../domain/parties.js";

export async function chatIdentitiesWithRole(
  db: Database,
  platform: "SLACK" | "TEAMS",
  role: Role,
): Promise<Array<{ personId: number; externalId: string }>> {
  const identities = await db.prisma.chatIdentity.findMany({
    where: { platform, person: { active: true } },
    include: { person: { select: { roles: true } } },
    orderBy: { id: "asc" },
  });
  return identities.filter((i) => i.person.roles.includes(role)).map((i) => ({ personId: i.personId, externalId: i.externalId }));
}
