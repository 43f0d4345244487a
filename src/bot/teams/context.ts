// What every Teams handler shares: the dependencies, the inbound activity's shape, who is asking (and whether
// their role allows what they ask), today's date in the company's time zone, and what a person is told when
// something goes wrong.
import type { TeamsConfig } from "../../config/teams.js";
import type { Database } from "../../db/database.js";
import { loadLocale, loadSettings } from "../../db/settings.js";
import { may, notRegistered, refusalFor, type Capability } from "../../domain/access.js";
import { calendarDateAt } from "../../domain/calendarDate.js";
import type { Policy } from "../../domain/policy.js";
import { AppError, errorText } from "../../errors.js";
import { DEFAULT_LOCALE, t as tr } from "../../i18n/index.js";
import type { Logger } from "../../log.js";
import { failureForLog } from "./logging.js";
import type { TeamsMessenger } from "./messenger.js";
import { inert } from "./text.js";

/** A minimal view of the inbound activity: what the handlers read. */
export interface Inbound {
  type: string;
  name?: string;
  id?: string;
  text?: string;
  replyToId?: string;
  serviceUrl?: string;
  value?: unknown;
  from: { id: string; aadObjectId?: string; name?: string };
  conversation: { id: string; conversationType?: string; tenantId?: string };
  channelData?: { tenant?: { id?: string }; team?: { id?: string; name?: string }; eventType?: string };
  action?: string;
  recipient?: { id: string };
  entities?: Array<{ type: string; mentioned?: { id: string } }>;
}

export const inbound = (ctx: { activity: unknown }) => ctx.activity as Inbound;

/** The tenant an activity says it comes from (Teams sets both; the trust boundary checks that they agree). */
export const tenantOf = (a: Inbound) => a.conversation.tenantId ?? a.channelData?.tenant?.id ?? "";

export interface TeamsContext {
  config: TeamsConfig;
  db: Database;
  policy: Policy;
  logger: Logger;
  now: () => Date;
  documentsDir: string;
  messenger: TeamsMessenger;
  /** Where Teams may ask us to upload a file (file consent): OneDrive/SharePoint hosts; tests add the stand-in. */
  uploadHosts: readonly string[];
  /** SMTP is configured (src/mail/config.ts): Send / Edit then send work; otherwise they say so. */
  mailReady?: boolean;
}

/** The hosts of OneDrive for Business / SharePoint in Microsoft's clouds: the only places a file consent points to. */
export const UPLOAD_HOST_SUFFIXES = [".sharepoint.com", ".sharepoint.us", ".sharepoint-mil.us", ".sharepoint.de", ".sharepoint.cn", ".sharepoint-df.com"];

/** True when `url` is an https URL on one of `hosts` (a suffix starting with "." or an exact host). */
export function isUploadUrl(url: string, hosts: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname.toLowerCase();
  const listed = hosts.some((h) => (h.startsWith(".") ? host.endsWith(h) : host === h));
  return listed && (parsed.protocol === "https:" || (parsed.protocol === "http:" && (host === "127.0.0.1" || host === "localhost")));
}

/** A committee member, as the handlers see them. */
export interface Member {
  id: number;
  name: string;
  roles: string[];
}

/** The committee member behind a Teams user (their AAD object id), if registered and active; else null. */
export async function personOf(t: TeamsContext, a: Inbound): Promise<Member | null> {
  if (!a.from.aadObjectId) return null;
  const identity = await t.db.prisma.chatIdentity.findFirst({
    where: { platform: "TEAMS", externalId: a.from.aadObjectId, workspace: { in: [tenantOf(a), ""] } },
    include: { person: true },
  });
  return identity?.person.active ? identity.person : null;
}

/**
 * The person asking, if registered, active and allowed `capability` by their roles; else a refusal that names
 * no customer and no amount (AppError "forbidden"), in the company's language.
 */
export async function authorize(t: TeamsContext, a: Inbound, capability: Capability): Promise<Member> {
  const person = await personOf(t, a);
  if (!person) throw new AppError("forbidden", notRegistered(await localeOf(t)));
  if (!may(person.roles, capability)) throw new AppError("forbidden", refusalFor(capability, await localeOf(t)));
  return person;
}

/** The company's locale: every answer is in its language. */
export async function localeOf(t: TeamsContext): Promise<string> {
  return t.db.withConnection(loadLocale);
}

export async function today(t: TeamsContext) {
  const settings = await t.db.withConnection(loadSettings);
  return { settings, asOf: calendarDateAt(t.now(), settings.timeZone) };
}

/**
 * What a person sees when something goes wrong: the use case's own words (made inert: they may quote what the
 * person typed, clipped; in the company's language when they come from the catalogue), or a short apology
 * with the failure logged without its data.
 */
export async function userMessage(t: TeamsContext, error: unknown): Promise<string> {
  const locale = await localeOf(t).catch(() => DEFAULT_LOCALE);
  if (error instanceof AppError) return inert(errorText(error, locale), 600);
  t.logger.error({ failure: failureForLog(error) }, "unexpected error in a Teams handler");
  return tr(locale, "bot.unexpected");
}
