// The Slack app: Bolt, the trust boundary, and the listeners by surface (listeners/index.ts). Listeners only
// translate (payload -> use case -> blocks); the rules live in src/domain and src/usecases, the effects on
// Slack in effects.ts. Every listener acknowledges first (Slack's 3-second rule).
import { App, LogLevel, type HTTPReceiver, type Logger as BoltLogger } from "@slack/bolt";
import type { Logger } from "../../log.js";
import { Limiter } from "../limiter.js";
import { sdkWriter } from "../sdkLogger.js";
import { AFTER_ACK, type ListenerDeps, type SlackDeps } from "./deps.js";
import { registerListeners } from "./listeners/index.js";
import { SlackHttpReceiver } from "./receiver.js";
import { identify, learnWorkspace, workspaceGuard, type Workspace } from "./trust.js";

export type { SlackDeps } from "./deps.js";

/** Bolt's and the Web API client's logger: their debug output (request bodies) dropped, the rest masked and cut. */
function boltLogger(logger: Logger): BoltLogger {
  const write = sdkWriter(logger, "slack-sdk");
  return {
    debug: (...m: unknown[]) => write("debug", ...m),
    info: (...m: unknown[]) => write("info", ...m),
    warn: (...m: unknown[]) => write("warn", ...m),
    error: (...m: unknown[]) => write("error", ...m),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}

export interface SlackApp {
  app: App;
  receiver: HTTPReceiver | null;
  /**
   * Asks Slack (auth.test) which workspace the bot token belongs to, once, and readies the app. Call it before
   * app.start(): a refused token fails here with an error naming SLACK_BOT_TOKEN.
   */
  init(): Promise<Workspace>;
}

export function createSlackApp(deps: SlackDeps): SlackApp {
  const { config, db, policy, logger } = deps;
  const receiver =
    config.SLACK_MODE === "http"
      ? new SlackHttpReceiver(
          {
            signingSecret: config.SLACK_SIGNING_SECRET as string,
            endpoints: "/slack/events",
            processBeforeResponse: false,
            logger: boltLogger(logger),
          },
          (reason) => logger.warn({ reason }, "Slack request refused"),
        )
      : null;
  const app = new App({
    token: config.SLACK_BOT_TOKEN,
    ...(receiver ? { receiver } : { socketMode: true, appToken: config.SLACK_APP_TOKEN }),
    logger: boltLogger(logger),
    clientOptions: config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {},
    // Bolt's own auth.test would run unawaited in the constructor (a revoked token then kills the process
    // later); init() runs it, awaited, with a clear error.
    deferInitialization: true,
    convoStore: false,
  });

  let known: Promise<Workspace> | null = null;
  const workspace = (): Promise<Workspace> => {
    known ??= learnWorkspace(app.client, config.SLACK_BOT_TOKEN).catch((error: unknown) => {
      known = null;
      throw error;
    });
    return known;
  };

  app.use(workspaceGuard(workspace, logger));
  app.use(identify(db, workspace));
  const listenerDeps: ListenerDeps = {
    db,
    policy,
    logger,
    now: deps.now ?? (() => new Date()),
    documentsDir: deps.documentsDir ?? "data/documents",
    mailReady: deps.mailReady ?? false,
    queue: new Limiter(deps.afterAck?.concurrency ?? AFTER_ACK.concurrency, deps.afterAck?.maxWaiting ?? AFTER_ACK.maxWaiting),
  };
  registerListeners(app, listenerDeps);

  return {
    app,
    receiver,
    async init() {
      const ours = await workspace();
      await app.init();
      return ours;
    },
  };
}
