// What the Teams side writes to the log: ids, statuses and short messages. A failed Bot Connector call is an
// HTTP client error carrying the request (Authorization: Bearer <the bot's token>) and its body (a whole card,
// with customer and people names); logging it as is put the token and personal data in the log. Every Teams
// call site logs `failureForLog(error)` instead, and the SDK's own lines go through `sdkLogger`.
import type { ILogger } from "@microsoft/teams.common";
import type { Logger } from "../../log.js";
import { AppError } from "../../errors.js";

/** The longest message kept from an error or an SDK line, in characters. */
const MESSAGE_MAX = 200;

/** Tokens that must never reach a log line, whatever printed them. */
function scrub(text: string): string {
  return text
    .replace(/\b(Bearer|Basic)\s+[\w.~+/=-]+/gi, "$1 [redacted]")
    .replace(/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, "[redacted-jwt]")
    .slice(0, MESSAGE_MAX);
}

export interface LoggedFailure {
  /** The HTTP status of a failed call to Teams, when it was one. */
  status?: number;
  /** Teams' error code ("ConversationBlockedByUser"), an AppError's code, or a Node error code. */
  code?: string;
  name?: string;
  message: string;
  /** Where it happened (stack frames only: no message, no data). */
  at?: string[];
}

/** An error reduced to what a log may carry: status, code, a short message and, for our bugs, stack frames. */
export function failureForLog(error: unknown): LoggedFailure {
  if (!(error instanceof Error)) return { message: scrub(typeof error === "string" ? error : "non-error thrown") };
  const response = (error as { response?: { status?: unknown; data?: unknown } }).response;
  if (response && typeof response.status === "number") {
    const body = response.data as { error?: { code?: unknown } } | undefined;
    const own = (error as { code?: unknown }).code;
    const stated = typeof body?.error?.code === "string" ? body.error.code : typeof own === "string" ? own : undefined;
    const code = stated ? scrub(stated).slice(0, 60) : undefined;
    return { status: response.status, ...(code ? { code } : {}), message: scrub(error.message) };
  }
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    ...(typeof code === "string" ? { code: code.slice(0, 60) } : {}),
    message: scrub(error.message),
    ...(error instanceof AppError
      ? {}
      : {
          at: (error.stack ?? "")
            .split("\n")
            .filter((l) => l.trimStart().startsWith("at "))
            .slice(0, 6)
            .map((l) => l.trim()),
        }),
  };
}

/** The Teams SDK's logger on our pino logger: strings scrubbed and clipped, objects and errors reduced. */
export function sdkLogger(logger: Logger): ILogger {
  const describe = (m: unknown) =>
    m instanceof Error
      ? JSON.stringify(failureForLog(m))
      : typeof m === "string"
        ? scrub(m)
        : typeof m === "number" || typeof m === "boolean"
          ? String(m)
          : "[object]";
  const write =
    (level: "debug" | "info" | "warn" | "error") =>
    (...msg: unknown[]) =>
      logger[level]({ source: "teams-sdk" }, msg.map(describe).join(" ").slice(0, MESSAGE_MAX * 2));
  // The SDK's debug output carries activities and cards (names, amounts): dropped, whatever LOG_LEVEL says.
  const drop = () => undefined;
  const self: ILogger = {
    debug: drop,
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    trace: drop,
    log: (level, ...msg) => (level === "error" || level === "warn" || level === "info" ? write(level)(...msg) : undefined),
    child: () => self,
  };
  return self;
}
