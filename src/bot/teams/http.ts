// The messaging endpoint's HTTP server: the SDK's Express adapter, with production behaviour whatever NODE_ENV
// says. Express's default error page in development shows the stack and node_modules paths: malformed JSON
// sent to /api/messages (with a token or without) got it. Here every error ends in a short JSON answer.
import { ExpressAdapter, type HttpMethod, type HttpRouteHandler } from "@microsoft/teams.apps";
import type { Logger } from "../../log.js";
import { failureForLog, sdkLogger } from "./logging.js";

interface ErrorLike {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
}

interface Res {
  headersSent: boolean;
  status(code: number): Res;
  json(body: unknown): void;
  end(): void;
}

/** What a client is told when a request fails: the status and one sentence, nothing from inside. */
export function errorAnswer(error: unknown): { status: number; error: string } {
  const e = (error ?? {}) as ErrorLike;
  if (e.type === "entity.parse.failed") return { status: 400, error: "The request body is not valid JSON." };
  if (e.type === "entity.too.large") return { status: 413, error: "The request body is too large." };
  const status = typeof e.status === "number" ? e.status : typeof e.statusCode === "number" ? e.statusCode : 500;
  if (status >= 400 && status < 500) return { status, error: "The request was refused." };
  return { status: 500, error: "Internal error; it has been logged." };
}

export class SafeExpressAdapter extends ExpressAdapter {
  constructor(private readonly log: Logger) {
    super(undefined, { logger: sdkLogger(log), onError: (err) => log.error({ failure: failureForLog(err) }, "Teams HTTP server error") });
    this.express.set("env", "production");
    this.express.disable("x-powered-by");
  }

  override registerRoute(method: HttpMethod, path: string, handler: HttpRouteHandler): void {
    super.registerRoute(method, path, handler);
    // After the route: Express hands it every error raised by the route's body parser or handler. Express tells
    // an error handler by its four parameters, hence the unused `_next`.
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    this.express.use((error: unknown, _req: unknown, res: Res, _next: unknown) => {
      const answer = errorAnswer(error);
      if (answer.status >= 500) this.log.error({ failure: failureForLog(error) }, "Teams request failed");
      else this.log.warn({ status: answer.status }, "Teams request refused");
      if (res.headersSent) return res.end();
      res.status(answer.status).json({ error: answer.error });
    });
  }
}
