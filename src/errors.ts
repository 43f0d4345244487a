// One error type for everything a user or operator can be told about. `code` is stable and
// machine-readable; `message` is written for a credit manager or the person installing the bot. An error
// made from a catalogue Phrase is told in the company's language where it reaches a person (errorText);
// its `message` is the English text (logs, and callers that do not know the locale).
import { say, type Phrase } from "./i18n/index.js";

export type ErrorCode =
  | "config.database_url"
  | "config.invalid"
  | "db.open"
  | "db.locked"
  | "db.migration_modified"
  | "db.migration_failed"
  | "input.usage"
  | "input.invalid"
  | "input.file"
  | "import.rejected"
  | "not_found"
  | "conflict"
  | "forbidden"
  | "config.policy";

export class AppError extends Error {
  /** The catalogue message, when the error was made from one. */
  readonly phrase: Phrase | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string | Phrase,
    options?: { cause?: unknown },
  ) {
    super(typeof message === "string" ? message : say("en-GB", message), options);
    this.name = "AppError";
    this.phrase = typeof message === "string" ? undefined : message;
  }

  /** The error as a person is told it in `locale` (errorText). */
  textIn(locale: string): string {
    return this.phrase ? say(locale, this.phrase) : this.message;
  }
}

/** What a person is told of `error`, in the language of `locale` when the error comes from the catalogue. */
export function errorText(error: AppError, locale: string): string {
  return error.textIn(locale);
}

/** Process exit codes of the `ccbot` CLI (documented in the README). */
export const EXIT = { ok: 0, rejected: 1, usage: 2, failure: 3 } as const;

export function exitCodeFor(error: unknown): number {
  if (!(error instanceof AppError)) return EXIT.failure;
  if (error.code === "input.usage") return EXIT.usage;
  if (["import.rejected", "input.invalid", "input.file", "not_found", "conflict", "forbidden"].includes(error.code)) {
    return EXIT.rejected;
  }
  return EXIT.failure;
}
