// The one root logger (pino, JSON to stderr). Log ids and counts, never secrets or personal data: no tokens,
// no customer names, no e-mail addresses, no message bodies.
// - `redact` removes credentials wherever a library object carries them (headers, configs, tokens);
// - errors are reduced to their type, code, HTTP status and a short message with tokens masked (an HTTP
//   client's error holds the request: its Authorization header and the whole card or message);
// - string values are cut at 1,000 characters and a line at 16 KB, so no payload ends up in the log.
import { appendFileSync } from "node:fs";
import { pino, type DestinationStream, type Logger } from "pino";

const REDACT = [
  "*.token",
  "*.accessToken",
  "*.password",
  "*.secret",
  "*.clientSecret",
  "*.signingSecret",
  "*.authorization",
  "*.Authorization",
  "*.headers",
  "*.config",
  "*.request",
  "*.response",
  "*.body",
  "*.text",
  "*.blocks",
  "*.attachments",
  "*.email",
  "*.name",
  "req.headers",
  "headers",
  "config",
  "request",
  "response",
  "body",
];

const MAX_STRING = 1_000;
const MAX_LINE = 16_384;

/** Masks what looks like a credential or an e-mail address in free text (error messages from libraries). */
export function maskSecrets(text: string): string {
  return text
    .replace(/Bearer\s+[\w.~+/=-]+/gi, "Bearer [redacted]")
    .replace(/\bxox[abeprs]-[\w-]+/g, "[redacted-token]")
    .replace(/\bxapp-[\w-]+/g, "[redacted-token]")
    .replace(/\beyJ[\w-]+\.[\w-]+(\.[\w-]*)?/g, "[redacted-jwt]")
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, "[e-mail]");
}

/** An error as it may be logged: type, code, status and a short masked message; never its request or body. */
export function safeError(error: unknown): Record<string, unknown> {
  if (error === null || typeof error !== "object") return { message: maskSecrets(String(error)).slice(0, 300) };
  const e = error as {
    name?: unknown;
    code?: unknown;
    status?: unknown;
    statusCode?: unknown;
    response?: { status?: unknown };
    message?: unknown;
    data?: { error?: unknown };
  };
  const out: Record<string, unknown> = { type: typeof e.name === "string" ? e.name : "Error" };
  if (typeof e.code === "string" || typeof e.code === "number") out.code = e.code;
  const status = e.status ?? e.statusCode ?? e.response?.status;
  if (typeof status === "number" || typeof status === "string") out.status = status;
  if (typeof e.data?.error === "string") out.platformError = e.data.error;
  const message = maskSecrets(typeof e.message === "string" ? e.message : String(error));
  out.message = message.length > 300 ? `${message.slice(0, 300)}…` : message;
  return out;
}

function capStrings(value: unknown, depth = 0): unknown {
  if (typeof value === "string") {
    const masked = maskSecrets(value);
    return masked.length > MAX_STRING ? `${masked.slice(0, MAX_STRING)}…[${masked.length} chars]` : masked;
  }
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => capStrings(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = capStrings(v, depth + 1);
  return out;
}

/** Where tests capture every log line (CCBOT_LOG_CAPTURE=file): each file's lines are checked for secrets. */
function destination(): DestinationStream {
  const capture = process.env.CCBOT_LOG_CAPTURE;
  if (capture) return { write: (line: string) => appendFileSync(capture, line) };
  return pino.destination(2);
}

export function createLogger(level: string = process.env.LOG_LEVEL ?? "info"): Logger {
  const capturing = Boolean(process.env.CCBOT_LOG_CAPTURE);
  return pino(
    {
      // Under capture, tests log everything, so that the check sees what production could write.
      level: capturing ? "debug" : level,
      base: { app: "ccbot" },
      redact: { paths: REDACT, censor: "[redacted]" },
      serializers: { err: safeError, error: safeError },
      formatters: { log: (object) => capStrings(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === "string" ? maskSecrets(a).slice(0, MAX_STRING) : a)) as typeof args;
          method.apply(this, masked);
        },
        streamWrite(line) {
          if (line.length <= MAX_LINE) return line;
          return `${JSON.stringify({ level: 40, time: Date.now(), app: "ccbot", msg: "log line too long: dropped", bytes: line.length })}\n`;
        },
      },
    },
    destination(),
  );
}

export type { Logger };
