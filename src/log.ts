// The one root logger (pino, JSON to stderr). Log ids and counts, never secrets or personal data: no
// tokens, no customer names, no e-mail addresses.
import { pino, type Logger } from "pino";

export function createLogger(level: string = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({ level, base: { app: "ccbot" }, redact: ["*.token", "*.password", "*.secret", "*.authorization"] }, pino.destination(2));
}

export type { Logger };
