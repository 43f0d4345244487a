// `ccbot webhooks`: the systems told of the committee's decisions (docs/webhooks.md).
import { EVENT_TYPES } from "../../domain/webhookEvents.js";
import { AppError } from "../../errors.js";
import { deliver } from "../../jobs/webhookDelivery.js";
import { describeFailure } from "../../jobs/queue.js";
import { activeEndpoint, addEndpoint, listEndpoints, removeEndpoint, testEvent } from "../../usecases/webhooks.js";
import { print, printJson, shown, table, type CommandContext } from "../io.js";

export const WEBHOOKS_HELP = `Usage: ccbot webhooks add URL [--events TYPE,TYPE...]
       ccbot webhooks list | remove ID | test ID

Tells another system (an ERP, the order system) of each decision it must enforce or know: a signed JSON POST
per event, sent by the bot's worker with retries (failures show in ccbot jobs list). See docs/webhooks.md.

  add URL      register a receiver (https://, or http:// on localhost); prints its signing secret ONCE
  --events     the types to send (default: all, present and future): ${EVENT_TYPES.join(", ")}
  list         the endpoints, their events, active or removed (secrets are never shown again)
  remove ID    stop sending to an endpoint (deliveries still queued for it are dropped)
  test ID      send a "webhook.test" event now and say what the receiver answered`;

export async function webhooksCommand(context: CommandContext, args: string[], options: { events?: string }): Promise<number> {
  const [sub, ...rest] = args;
  const id = (): number => {
    if (rest.length !== 1 || !/^\d+$/.test(rest[0] ?? ""))
      throw new AppError("input.usage", `Give one endpoint number (see ccbot webhooks list).\n\n${WEBHOOKS_HELP}`);
    return Number(rest[0]);
  };
  if (options.events !== undefined && sub !== "add") throw new AppError("input.usage", `--events goes with "webhooks add" only.`);
  const plain = !context.json && context.io.interactive;
  switch (sub) {
    case "add": {
      if (rest.length !== 1) throw new AppError("input.usage", `Give the receiver's URL.\n\n${WEBHOOKS_HELP}`);
      const db = await context.database();
      const endpoint = await addEndpoint(db, { url: rest[0] ?? "", events: options.events });
      if (!plain) printJson(context.io, endpoint);
      else
        print(
          context.io.stdout,
          [
            `Webhook endpoint #${endpoint.id} added: ${shown(endpoint.url, 200)}`,
            `Events: ${endpoint.events.join(", ")}`,
            `Signing secret (shown this once; keep it in the receiver's configuration):`,
            `  ${endpoint.secret}`,
            `Check it with: ccbot webhooks test ${endpoint.id}`,
          ].join("\n"),
        );
      return 0;
    }
    case "list": {
      if (rest.length > 0) throw new AppError("input.usage", WEBHOOKS_HELP);
      const endpoints = await listEndpoints(await context.database());
      if (!plain) printJson(context.io, { endpoints });
      else if (endpoints.length === 0) print(context.io.stdout, "No webhook endpoint yet: add one with ccbot webhooks add URL.");
      else
        print(
          context.io.stdout,
          table(
            ["#", "url", "events", "state", "since"],
            endpoints.map((e) => [
              String(e.id),
              e.url,
              e.events.join(", "),
              e.active ? "active" : "removed",
              (e.removedAt ?? e.createdAt).toISOString().slice(0, 10),
            ]),
          ),
        );
      return 0;
    }
    case "remove": {
      const endpoint = await removeEndpoint(await context.database(), id());
      if (!plain) printJson(context.io, endpoint);
      else print(context.io.stdout, `Webhook endpoint #${endpoint.id} removed: nothing more is sent to it.`);
      return 0;
    }
    case "test": {
      const endpoint = await activeEndpoint(await context.database(), id());
      const event = testEvent();
      try {
        const delivered = await deliver(endpoint, event);
        if (!plain) printJson(context.io, { endpointId: endpoint.id, eventId: event.id, delivered: true, ...delivered });
        else
          print(
            context.io.stdout,
            `Endpoint #${endpoint.id} answered ${delivered.status} in ${delivered.elapsedMs} ms: test event ${event.id} delivered.`,
          );
        return 0;
      } catch (error) {
        const reason = describeFailure(error);
        if (!plain) printJson(context.io, { endpointId: endpoint.id, eventId: event.id, delivered: false, error: reason });
        else print(context.io.stderr, `Test event not delivered: ${reason}`);
        return 1;
      }
    }
    default:
      throw new AppError("input.usage", WEBHOOKS_HELP);
  }
}
