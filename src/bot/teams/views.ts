// What the handlers read to answer: a customer file, the current card of a digest reply, a collector's list.
// Pure reads; the cards come from cards.ts.
import { bucketLabels } from "../../domain/aging.js";
import { AppError } from "../../errors.js";
import { phrase } from "../../i18n/index.js";
import { digestPartView } from "../../jobs/weeklyDigest.js";
import { accountView, collectorTasks } from "../../services/committeeViews.js";
import { findAccount } from "../../usecases/accounts.js";
import { actionsCard, customerFileCard, type AdaptiveCard, type CardMessage } from "./cards.js";
import { localeOf, today, type TeamsContext } from "./context.js";
import { refreshUserIds } from "./conversations.js";
import { taskListCardWith } from "./publisher.js";

/** The longest account search (`credit …`, the search extension), in characters. */
export const SEARCH_MAX = 200;

/** The customer file a search finds; a search longer than SEARCH_MAX is refused, naming the limit. */
export async function customerFile(t: TeamsContext, query: string): Promise<CardMessage> {
  const text = query.trim();
  if (text.length > SEARCH_MAX)
    throw new AppError("input.invalid", phrase("teams.searchTooLong", { length: text.length, max: SEARCH_MAX }));
  const customer = await findAccount(t.db, text);
  const { asOf } = await today(t);
  const { settings, account, file } = await accountView(t.db, t.policy, asOf, customer.id);
  return customerFileCard({
    account,
    file,
    bucketLabels: bucketLabels(t.policy.agingBuckets, settings.locale),
    currency: settings.currency,
    locale: settings.locale,
  });
}

/** The current card of a digest reply, found by the message it is on. */
export async function digestPart(
  t: TeamsContext,
  conversationId: string,
  activityId: string | undefined,
): Promise<{ channel: string; ts: string; card: CardMessage } | null> {
  if (!activityId) return null;
  const base = conversationId.split(";")[0] ?? conversationId;
  const message = (await t.db.prisma.postedMessage.findMany({ where: { platform: "TEAMS", ts: activityId } })).find(
    (m) => m.channel.split(";")[0] === base && m.actionIds.length > 0,
  );
  if (!message) return null;
  const { views, part, parts } = await digestPartView(t.db, t.policy, { ...message, platform: "TEAMS" });
  const card = actionsCard(views, part, parts, await refreshUserIds(t.db), await localeOf(t));
  return { channel: message.channel, ts: message.ts, card };
}

/** The collector's card holding the task just recorded, as the list stands now, with what was recorded at the top. */
export async function taskCard(
  t: TeamsContext,
  personId: number,
  doneKey: string,
  notice: string,
  held?: readonly number[],
): Promise<AdaptiveCard> {
  const { settings, asOf } = await today(t);
  const list = await collectorTasks(t.db, t.policy, asOf, personId);
  return taskListCardWith(list, settings.currency, settings.locale, doneKey, notice, held, { mailReady: t.mailReady ?? false }).card;
}

export async function customerName(t: TeamsContext, customerId: number): Promise<string> {
  return (await t.db.prisma.customer.findUnique({ where: { id: customerId }, select: { name: true } }))?.name ?? `#${customerId}`;
}
