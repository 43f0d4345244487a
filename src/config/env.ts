// The environment, parsed once: every variable the program reads is here, with its default and a message
// that names it when it is wrong. Documented in the README's configuration table.
import { z } from "zod";
import { AppError } from "../errors.js";
import { parseDatabaseUrl } from "../db/database.js";
import { sealKeyProblem } from "./sealKey.js";

const schema = z.object({
  DATABASE_URL: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      try {
        parseDatabaseUrl(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  /** The dunning policy file (JSON); unset: ./policy.json if present, else the default policy. */
  POLICY_FILE: z.string().min(1).optional(),
  /** The key of the history's HMAC seals, kept outside the database (docs/evidence.md); unset: SHA-256 seals only. */
  HISTORY_SEAL_KEY: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      const problem = sealKeyProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  /** Where letters approved in the committee are written (PDF and text), besides being attached in the chat. */
  DOCUMENTS_DIR: z.string().min(1).default("data/documents"),
  /** A folder watched by the bot: files dropped there are imported by themselves (src/import/inbox.ts); unset: none. */
  IMPORT_INBOX: z.string().min(1).optional(),
  /** How often the bot looks into IMPORT_INBOX, in seconds; a file is read once two looks find it unchanged. */
  IMPORT_INBOX_POLL_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
});

export type Env = z.infer<typeof schema>;

export function readEnv(env: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new AppError("config.invalid", `Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}
