// Installation and presence: where the bot can speak again (conversation references, stored), each person's
// Teams user id learnt, and the greeting when the app is added. Runs after the tenant check only.
import { t as tr } from "../../../i18n/index.js";
import { inbound, localeOf, tenantOf, type Inbound, type TeamsContext } from "../context.js";
import { failureForLog } from "../logging.js";

/** A middleware that stores conversation references and learns Teams user ids, then passes the activity on. */
export function rememberConversations(t: TeamsContext) {
  const knownConversations = new Set<string>();
  const knownUsers = new Set<string>();

  async function remember(a: Inbound): Promise<void> {
    const conversationId = a.conversation.id.split(";")[0] ?? a.conversation.id;
    const removed = a.type === "installationUpdate" && a.action?.startsWith("remove");
    if (removed) {
      knownConversations.delete(conversationId);
      await t.db.prisma.conversationRef.updateMany({ where: { platform: "TEAMS", conversationId }, data: { removedAt: t.now() } });
      return;
    }
    const scope = a.conversation.conversationType ?? "personal";
    // Installs always write (a re-install clears removedAt); other activities only the first time seen.
    if ((a.type === "installationUpdate" || !knownConversations.has(conversationId)) && a.serviceUrl) {
      const fields = {
        scope,
        serviceUrl: a.serviceUrl,
        tenantId: tenantOf(a),
        userAadId: scope === "personal" ? (a.from.aadObjectId ?? null) : null,
        userId: scope === "personal" ? a.from.id : null,
        teamId: a.channelData?.team?.id ?? null,
        teamName: a.channelData?.team?.name ?? null,
      };
      await t.db.prisma.conversationRef.upsert({
        where: { platform_conversationId: { platform: "TEAMS", conversationId } },
        create: { platform: "TEAMS", conversationId, ...fields, installedAt: t.now(), updatedAt: t.now() },
        update: { ...fields, updatedAt: t.now(), removedAt: null },
      });
      knownConversations.add(conversationId);
    }
    if (a.from.aadObjectId && !knownUsers.has(a.from.aadObjectId)) {
      const { count } = await t.db.prisma.chatIdentity.updateMany({
        where: { platform: "TEAMS", externalId: a.from.aadObjectId },
        data: { botUserId: a.from.id },
      });
      // Someone not (yet) mapped to a person is looked at again next time: an admin may add them meanwhile.
      if (count > 0) knownUsers.add(a.from.aadObjectId);
    }
  }

  return async (ctx: { activity: unknown; next: () => unknown }) => {
    try {
      await remember(inbound(ctx));
    } catch (error) {
      t.logger.error({ failure: failureForLog(error) }, "could not store the Teams conversation reference");
    }
    return ctx.next() as never;
  };
}

/** The greeting when the app is added to a personal chat or a team. */
export function onInstall(t: TeamsContext) {
  return async (ctx: { activity: unknown; send: (text: string) => Promise<unknown> }) => {
    const locale = await localeOf(t);
    await ctx.send(tr(locale, inbound(ctx).conversation.conversationType === "personal" ? "teams.helloPersonal" : "teams.helloChannel"));
  };
}
