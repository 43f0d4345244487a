// One error type for everything a user or operator can be told about. `code` is stable and
// machine-readable; `message` is written for a credit manager or the person installing the bot.

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
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AppError";
  }
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
