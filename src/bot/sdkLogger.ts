// What the chat SDKs (Bolt, the Slack Web API client, the Teams SDK) may put in our log. They log request and
// response bodies at debug level (messages with customer names, cards, people) and whole HTTP client errors
// (with the Authorization header) at error level: their debug output is dropped, and everything else is cut
// to its first line, 160 characters, with credentials and e-mail addresses masked; errors keep only their
// type, code, status and a short message.
import { maskSecrets, safeError, type Logger } from "../log.js";

export type SdkLevel = "debug" | "info" | "warn" | "error";

/** One SDK log call as we keep it, or null when it is dropped. */
export function sdkLine(level: SdkLevel, parts: unknown[]): { errors: Array<Record<string, unknown>>; msg: string } | null {
  if (level === "debug") return null;
  const errors = parts.filter((p): p is Error => p instanceof Error).map((e) => safeError(e));
  const text = parts
    .filter((p) => typeof p === "string" || typeof p === "number")
    .map(String)
    .join(" ")
    .split("\n")[0] ?? "";
  const masked = maskSecrets(text);
  return { errors, msg: masked.length > 160 ? `${masked.slice(0, 160)}…` : masked };
}

/** A `(level, ...parts) => void` writer for SDK loggers, writing through our pino logger. */
export function sdkWriter(logger: Logger, source: string): (level: SdkLevel, ...parts: unknown[]) => void {
  return (level, ...parts) => {
    const line = sdkLine(level, parts);
    if (!line) return;
    logger[level]({ source, ...(line.errors.length > 0 ? { errors: line.errors } : {}) }, line.msg);
  };
}
