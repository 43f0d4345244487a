// The Teams app: the Teams SDK's App, the trust boundary, then one handler per surface (handlers/). Handlers
// only translate (activity -> use case -> card); the rules live in src/domain and src/usecases, the cards in
// cards.ts. Universal Actions answer with the refreshed card read from the database, so the person who clicked
// sees the result at once; everyone else's copy, the thread and the letter are durable jobs (jobs.ts: the
// handlers and the admins' notice, which start.ts hands to the job worker).
//
// Order on every activity: the SDK checks the Bot Framework token (401), then `tenantCheck` refuses another
// tenant (403, nothing stored), then conversation references are stored, then the handler runs and checks the
// person's registration and role (src/domain/access.ts) before reading or changing anything.
import { App } from "@microsoft/teams.apps";
import { allowedTenants, type TeamsConfig } from "../../config/teams.js";
import type { Database } from "../../db/database.js";
import type { Policy } from "../../domain/policy.js";
import type { Logger } from "../../log.js";
import { UPLOAD_HOST_SUFFIXES, type TeamsContext } from "./context.js";
import { Delivery } from "./delivery.js";
import { onOpenDisputeDialog, onSubmitDisputeDialog } from "./handlers/dialogs.js";
import { onInstall, rememberConversations } from "./handlers/installation.js";
import { onCardAction, onFileConsentAccept, onFileConsentDecline } from "./handlers/invokes.js";
import { onAccountSearch } from "./handlers/messageExtensions.js";
import { onMessage } from "./handlers/messages.js";
import { SafeExpressAdapter } from "./http.js";
import { sdkLogger } from "./logging.js";
import { TeamsMessenger } from "./messenger.js";
import { tenantCheck } from "./trust.js";

export { TeamsMessenger } from "./messenger.js";
export { teamsHelp } from "./handlers/messages.js";

export interface TeamsDeps {
  config: TeamsConfig;
  db: Database;
  policy: Policy;
  logger: Logger;
  now?: () => Date;
  /** Where approved letters are written (default data/documents). */
  documentsDir?: string;
  /** SMTP is configured: e-mail tasks the policy proposes get Send / Edit then send. */
  mailReady?: boolean;
  /** Tests only: a token factory instead of Entra ID, and (never in production) no inbound token check. */
  testing?: { token: () => string; dangerouslyAllowUnauthenticatedRequests: boolean; delivery?: Delivery; uploadHosts?: string[] };
}

export function createTeamsApp(deps: TeamsDeps): { app: App; messenger: TeamsMessenger } {
  const { config, logger } = deps;
  const tenants = allowedTenants(config);
  const app = new App({
    clientId: config.TEAMS_APP_ID,
    ...(deps.testing
      ? { token: deps.testing.token, dangerouslyAllowUnauthenticatedRequests: deps.testing.dangerouslyAllowUnauthenticatedRequests }
      : { clientSecret: config.TEAMS_APP_PASSWORD, tenantId: config.TEAMS_TENANT_ID, dangerouslyAllowUnauthenticatedRequests: false }),
    ...(config.TEAMS_SERVICE_URL ? { serviceUrl: config.TEAMS_SERVICE_URL } : {}),
    logger: sdkLogger(logger),
    httpServerAdapter: new SafeExpressAdapter(logger),
    activity: { mentions: { stripText: true } },
  });
  const messenger = new TeamsMessenger(app, deps.testing?.delivery ?? new Delivery({ logger }), tenants);
  const t: TeamsContext = {
    config,
    db: deps.db,
    policy: deps.policy,
    logger,
    now: deps.now ?? (() => new Date()),
    documentsDir: deps.documentsDir ?? "data/documents",
    messenger,
    uploadHosts: [...UPLOAD_HOST_SUFFIXES, ...(deps.testing?.uploadHosts ?? [])],
    mailReady: deps.mailReady ?? false,
  };

  // The trust boundary first: nothing below runs, nothing is stored, for another tenant.
  app.use(tenantCheck(tenants, logger));
  app.use(rememberConversations(t));

  app.on("install.add", onInstall(t));
  app.on("message", onMessage(t));
  app.on("card.action", onCardAction(t));
  app.on("file.consent.accept", onFileConsentAccept(t));
  app.on("file.consent.decline", onFileConsentDecline());
  app.on("message.ext.open", onOpenDisputeDialog(t));
  app.on("message.ext.submit", onSubmitDisputeDialog(t));
  app.on("message.ext.query", onAccountSearch(t));

  return { app, messenger };
}
