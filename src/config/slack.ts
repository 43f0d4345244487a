// Slack configuration, read once from the environment, with errors that name the variable to set.
import { z } from "zod";
import { AppError } from "../errors.js";
import { cronExpression } from "./cron.js";

const schema = z
  .object({
    SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, "must be the bot token, starting with xoxb-"),
    SLACK_MODE: z.enum(["socket", "http"]).default("socket"),
    SLACK_APP_TOKEN: z
      .string()
      .regex(/^xapp-/, "must be the app-level token, starting with xapp-")
      .optional(),
    SLACK_SIGNING_SECRET: z.string().min(10, "is too short: copy the Signing Secret from Basic Information").optional(),
    SLACK_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    /** The channel of the weekly committee digest (channel id, e.g. C0123ABCD); unset: no digest is posted. */
    SLACK_DIGEST_CHANNEL: z
      .string()
      .regex(/^[CG][A-Z0-9]{6,}$/, "must be a channel id such as C0123ABCD (channel details > About)")
      .optional(),
    /** When the digest is posted, as a cron expression in the company's time zone (default Monday 08:00). */
    DIGEST_CRON: cronExpression("0 8 * * 1", "0 8 * * 1 for Monday 08:00"),
    /** When collectors get their day by direct message (cron, company time zone; working days only). */
    TASKS_CRON: cronExpression("30 8 * * 1-5", "30 8 * * 1-5 for working days at 08:30"),
    /** Where the Web API lives; only for tests and proxies. */
    SLACK_API_URL: z.string().url().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_MODE === "socket" && !env.SLACK_APP_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["SLACK_APP_TOKEN"],
        message: "is required in socket mode (App-Level Token with connections:write)",
      });
    }
    if (env.SLACK_MODE === "http" && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["SLACK_SIGNING_SECRET"],
        message: "is required in HTTP mode (Basic Information > Signing Secret)",
      });
    }
  });

export type SlackConfig = z.infer<typeof schema>;

/** Null when Slack is not configured at all (no SLACK_BOT_TOKEN); an error naming what is wrong otherwise. */
export function readSlackConfig(env: NodeJS.ProcessEnv = process.env): SlackConfig | null {
  if (!env.SLACK_BOT_TOKEN) return null;
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new AppError(
      "config.invalid",
      `Slack is not configured correctly:\n  ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n  ")}`,
    );
  }
  return parsed.data;
}
