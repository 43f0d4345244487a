// App Home: (re)published each time a person opens it. Unregistered people see the refusal only.
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { ListenerDeps } from "../../deps.js";
import { publishHome } from "../../effects.js";
import type { SlackPerson } from "../../trust.js";

export function appHomeOpened(deps: ListenerDeps) {
  const { logger } = deps;
  return async ({ event, client, context }: SlackEventMiddlewareArgs<"app_home_opened"> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab && event.tab !== "home") return;
    try {
      await publishHome(deps, client, event.user, (context.person as SlackPerson | null) ?? null);
    } catch (error) {
      logger.error({ err: error }, "App Home not published");
    }
  };
}
