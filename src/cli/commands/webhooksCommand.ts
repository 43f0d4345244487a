// `ccbot webhooks`: the systems told of the committee's decisions (docs/webhooks.md).
import { EVENT_TYPES } from "../../domain/webhookEvents.js";
import { loadLocale } from "../../db/settings.js";
import { AppError } from "../../errors.js";
import { phrase, t } from "../../i18n/index.js";
import { deliver } from "../../jobs/webhookDelivery.js";
import { describeFailure } from "../../jobs/queue.js";
import { activeEndpoint, addEndpoint, listEndpoints, removeEndpoint, testEvent } from "../../usecases/webhooks.js";
import { print, printJson, shown, table, type CommandContext } from "../io.js";

export const WEBHOOKS_HELP = phrase("cli.webhooks.help", { types: EVENT_TYPES.join(", ") });

export async function webhooksCommand(context: CommandContext, args: string[], options: { events?: string }): Promise<number> {
  const [sub, ...rest] = args;
  const db = await context.database();
  const locale = await db.withConnection(loadLocale);
  const help = () => t(locale, "cli.webhooks.help", { types: EVENT_TYPES.join(", ") });
  const id = (): number => {
    if (rest.length !== 1 || !/^\d+$/.test(rest[0] ?? "")) throw new AppError("input.usage", phrase("cli.webhooks.oneNumber", { help: help() }));
    return Number(rest[0]);
  };
  if (options.events !== undefined && sub !== "add") throw new AppError("input.usage", phrase("cli.webhooks.eventsWithAdd"));
  const plain = !context.json && context.io.interactive;
  switch (sub) {
    case "add": {
      if (rest.length !== 1) throw new AppError("input.usage", phrase("cli.webhooks.giveUrl", { help: help() }));
      const endpoint = await addEndpoint(db, { url: rest[0] ?? "", events: options.events });
      if (!plain) printJson(context.io, endpoint);
      else
        print(
          context.io.stdout,
          t(locale, "cli.webhooks.added", {
            id: endpoint.id,
            url: shown(endpoint.url, 200),
            events: endpoint.events.join(", "),
            secret: endpoint.secret,
          }),
        );
      return 0;
    }
    case "list": {
      if (rest.length > 0) throw new AppError("input.usage", WEBHOOKS_HELP);
      const endpoints = await listEndpoints(db);
      if (!plain) printJson(context.io, { endpoints });
      else if (endpoints.length === 0) print(context.io.stdout, t(locale, "cli.webhooks.none"));
      else
        print(
          context.io.stdout,
          table(
            ["#", "url", t(locale, "cli.webhooks.col.events"), t(locale, "cli.webhooks.col.state"), t(locale, "cli.webhooks.col.since")],
            endpoints.map((e) => [
              String(e.id),
              e.url,
              e.events.join(", "),
              t(locale, e.active ? "cli.webhooks.active" : "cli.webhooks.removedState"),
              (e.removedAt ?? e.createdAt).toISOString().slice(0, 10),
            ]),
          ),
        );
      return 0;
    }
    case "remove": {
      const endpoint = await removeEndpoint(db, id());
      if (!plain) printJson(context.io, endpoint);
      else print(context.io.stdout, t(locale, "cli.webhooks.removed", { id: endpoint.id }));
      return 0;
    }
    case "test": {
      const endpoint = await activeEndpoint(db, id());
      const event = testEvent();
      try {
        const delivered = await deliver(endpoint, event);
        if (!plain) printJson(context.io, { endpointId: endpoint.id, eventId: event.id, delivered: true, ...delivered });
        else
          print(
            context.io.stdout,
            t(locale, "cli.webhooks.delivered", { id: endpoint.id, status: delivered.status, ms: delivered.elapsedMs, eventId: event.id }),
          );
        return 0;
      } catch (error) {
        const reason = describeFailure(error);
        if (!plain) printJson(context.io, { endpointId: endpoint.id, eventId: event.id, delivered: false, error: reason });
        else print(context.io.stderr, t(locale, "cli.webhooks.notDelivered", { reason }));
        return 1;
      }
    }
    default:
      throw new AppError("input.usage", WEBHOOKS_HELP);
  }
}
