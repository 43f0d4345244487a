// The Slack trust boundary, checked before any listener runs:
// 1. the request comes from the workspace (and Enterprise Grid org) the bot token belongs to, learnt from
//    auth.test at start; anything else is acknowledged with nothing and handled no further;
// 2. the person behind it is looked up once (registered and active, or null) and put in the context;
// 3. each listener is registered with the capability it needs (src/domain/access.ts): an unregistered person
//    gets the short refusal that names no customer and no amount, a registered one whose roles do not allow it
//    gets refusalFor(capability), both in the company's language (context.locale, read with the person).
import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware, RespondFn } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { Database } from "../../db/database.js";
import { loadLocale } from "../../db/settings.js";
import { may, NOT_REGISTERED_PHRASE, refusalFor, type Capability } from "../../domain/access.js";
import { AppError } from "../../errors.js";
import { DEFAULT_LOCALE, t } from "../../i18n/index.js";
import type { Logger } from "../../log.js";
import { errorBlocks } from "./blocks.js";
import { answerPrivately } from "./effects.js";

/** The workspace the bot token belongs to (auth.test). */
export interface Workspace {
  teamId: string;
  /** Set when the workspace belongs to an Enterprise Grid organisation. */
  enterpriseId: string | null;
}

/** Asks Slack which workspace the token belongs to; an unusable token fails with the variable to fix. */
export async function learnWorkspace(client: WebClient, token: string): Promise<Workspace> {
  let result: { ok?: boolean; team_id?: string; enterprise_id?: string; error?: string };
  try {
    result = await client.auth.test({ token });
  } catch (error) {
    const code = (error as { data?: { error?: string }; code?: string }).data?.error ?? (error as { code?: string }).code ?? "no answer";
    throw new AppError(
      "config.invalid",
      `Slack refused SLACK_BOT_TOKEN (auth.test: ${code}). Copy the Bot User OAuth Token (xoxb-...) again from OAuth & Permissions, or reinstall the app if it was revoked.`,
    );
  }
  if (!result.team_id)
    throw new AppError("config.invalid", "Slack did not say which workspace SLACK_BOT_TOKEN belongs to (auth.test without team_id).");
  return { teamId: result.team_id, enterpriseId: result.enterprise_id || null };
}

/** Every workspace and organisation id a request carries (commands, interactions, events). */
export function requestOrigin(body: unknown): { teams: string[]; enterprises: string[] } {
  const b = body as {
    team_id?: string | null;
    enterprise_id?: string | null;
    team?: { id?: string | null; enterprise_id?: string | null } | null;
    enterprise?: { id?: string | null } | null;
    user?: { team_id?: string | null } | null;
    view?: { team_id?: string | null; app_installed_team_id?: string | null } | null;
    authorizations?: Array<{ team_id?: string | null; enterprise_id?: string | null }> | null;
    event?: { team?: string | null; user_team?: string | null } | null;
  };
  const present = (ids: Array<string | null | undefined>) => [
    ...new Set(ids.filter((id): id is string => typeof id === "string" && id !== "")),
  ];
  return {
    teams: present([
      b.team_id,
      b.team?.id,
      b.user?.team_id,
      b.view?.team_id,
      b.view?.app_installed_team_id,
      ...(b.authorizations ?? []).map((a) => a.team_id),
      b.event?.team,
      b.event?.user_team,
    ]),
    enterprises: present([
      b.enterprise_id,
      b.enterprise?.id,
      b.team?.enterprise_id,
      ...(b.authorizations ?? []).map((a) => a.enterprise_id),
    ]),
  };
}

/** True when every id the request carries is ours, and it carries at least one. */
export function fromWorkspace(body: unknown, workspace: Workspace): boolean {
  const { teams, enterprises } = requestOrigin(body);
  if (teams.length === 0 && enterprises.length === 0) return false;
  if (teams.some((t) => t !== workspace.teamId)) return false;
  if (enterprises.some((e) => e !== workspace.enterpriseId)) return false;
  return teams.length > 0 || workspace.enterpriseId !== null;
}

/** Global middleware: a request from another workspace is acknowledged with nothing and goes no further. */
export function workspaceGuard(workspace: () => Promise<Workspace>, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    let ours: Workspace;
    try {
      ours = await workspace();
    } catch (error) {
      logger.error(
        { code: error instanceof AppError ? error.code : "unexpected" },
        "Slack request refused: the bot's workspace is unknown",
      );
      await acknowledge(args);
      return;
    }
    if (!fromWorkspace(args.body, ours)) {
      // Workspace ids are not personal data: they say which installation knocked.
      logger.warn(
        { origin: requestOrigin(args.body), type: (args.body as { type?: string }).type },
        "Slack request from another workspace refused",
      );
      await acknowledge(args);
      return;
    }
    await args.next();
  };
}

async function acknowledge(args: AnyMiddlewareArgs): Promise<void> {
  const ack = (args as { ack?: () => Promise<void> }).ack;
  if (typeof ack === "function") await ack();
}

/** The committee member behind a Slack request, as the listeners see them. */
export interface SlackPerson {
  id: number;
  name: string;
  roles: string[];
}

/** The Slack user a request comes from. */
export function requestUser(body: unknown): string | null {
  const b = body as { user_id?: string; user?: { id?: string } | string; event?: { user?: string | { id?: string } } };
  if (typeof b.user_id === "string") return b.user_id;
  if (typeof b.user === "object" && typeof b.user?.id === "string") return b.user.id;
  const eventUser = b.event?.user;
  if (typeof eventUser === "string") return eventUser;
  if (typeof eventUser === "object" && typeof eventUser?.id === "string") return eventUser.id;
  return null;
}

/** The registered, active person behind a Slack user in this workspace, or null. */
export async function personOf(db: Database, userId: string, teamId: string | undefined): Promise<SlackPerson | null> {
  const identity = await db.prisma.chatIdentity.findFirst({
    where: { platform: "SLACK", externalId: userId, workspace: { in: [teamId ?? "", ""] } },
    include: { person: true },
  });
  return identity?.person.active ? { id: identity.person.id, name: identity.person.name, roles: identity.person.roles } : null;
}

/**
 * Global middleware: context.person is the registered person behind the request, or null; context.locale the
 * company's locale, in which every answer is written.
 */
export function identify(db: Database, workspace: () => Promise<Workspace>): Middleware<AnyMiddlewareArgs> {
  return async ({ body, context, next }) => {
    const user = requestUser(body);
    context.slackUserId = user;
    context.person = user ? await personOf(db, user, (await workspace()).teamId) : null;
    context.locale = await db.withConnection(loadLocale);
    await next();
  };
}

/** The company's locale the identify middleware read (fr-FR before it ran). */
export function localeIn(context: AllMiddlewareArgs["context"]): string {
  return typeof context.locale === "string" ? context.locale : DEFAULT_LOCALE;
}

/** The person the identify middleware found (the gates have already refused a missing one). */
export function personIn(context: AllMiddlewareArgs["context"]): SlackPerson {
  const person = context.person as SlackPerson | null | undefined;
  if (!person) throw new AppError("forbidden", NOT_REGISTERED_PHRASE);
  return person;
}

/** Why `person` may not use `capability` (in the language of `locale`), or null when they may. */
export function refusal(
  person: SlackPerson | null | undefined,
  capability: Capability,
  locale: string,
  slackUserId?: string | null,
): string | null {
  if (!person) return slackUserId ? t(locale, "access.notRegisteredSlack", { userId: slackUserId }) : t(locale, "access.notRegistered");
  return may(person.roles, capability) ? null : refusalFor(capability, locale);
}

type Gate = (args: AnyMiddlewareArgs & AllMiddlewareArgs) => Promise<void>;

/**
 * Listener middleware for a slash command or a button: refused people get an ephemeral answer (through
 * response_url, or chat.postEphemeral once it is spent) and the listener does not run.
 */
export function gate(capability: Capability): Gate {
  return async (args) => {
    const { context, next, body, client } = args;
    const refused = refusal(context.person as SlackPerson | null, capability, localeIn(context), context.slackUserId as string | null);
    if (!refused) return next();
    const { ack, respond } = args as unknown as { ack: () => Promise<void>; respond: RespondFn };
    await ack();
    await answerPrivately(respond, client, body, { replace_original: false, ...errorBlocks(refused) });
  };
}

/** Listener middleware for a modal submission: the refusal shown on one of its fields, nothing recorded. */
export function gateView(capability: Capability, field: string): Gate {
  return async (args) => {
    const { context, next } = args;
    const refused = refusal(context.person as SlackPerson | null, capability, localeIn(context), context.slackUserId as string | null);
    if (!refused) return next();
    const { ack } = args as unknown as { ack: (response: unknown) => Promise<void> };
    await ack({ response_action: "errors", errors: { [field]: refused } });
  };
}
