// The trust boundary, after the SDK has checked the Bot Framework token and before any handler runs: the
// activity must come from one of our tenants. A valid token only proves that Microsoft relayed the activity,
// not from whom: any tenant can install a copy of the app package. A foreign activity is answered 403 and
// stores nothing (no conversation reference, no identity), reads nothing.
import type { Logger } from "../../log.js";
import { inbound, tenantOf, type Inbound } from "./context.js";

/** Whether the activity's tenant (in both places Teams states it) is one of `tenants` (lower case). */
export function fromOurTenant(a: Inbound, tenants: readonly string[]): boolean {
  const stated = [a.conversation.tenantId, a.channelData?.tenant?.id].filter((t): t is string => typeof t === "string" && t !== "");
  return stated.length > 0 && stated.every((t) => tenants.includes(t.toLowerCase()));
}

/** The first middleware of the app: refuses activities of other tenants (403) without calling `next`. */
export function tenantCheck(tenants: readonly string[], logger: Logger) {
  return async (ctx: { activity: unknown; next: () => unknown }) => {
    const a = inbound(ctx);
    if (!fromOurTenant(a, tenants)) {
      // Ids only: the tenant is the operator's clue (a team of another company added the app).
      logger.warn(
        { tenantId: tenantOf(a).slice(0, 64) || null, type: a.type, name: a.name ?? null },
        "Teams activity from a tenant that is not ours refused (TEAMS_TENANT_ID, TEAMS_ALLOWED_TENANTS)",
      );
      return { status: 403 } as never;
    }
    return ctx.next() as never;
  };
}
