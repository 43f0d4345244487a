// Microsoft Teams configuration, read once from the environment, with errors that name the variable to set.
import { z } from "zod";
import { AppError } from "../errors.js";
import { cronExpression } from "./cron.js";

const schema = z.object({
  /** The bot's Microsoft App ID (Azure Bot resource > Configuration), a GUID. */
  TEAMS_APP_ID: z.string().uuid("must be the bot's Microsoft App ID, a GUID (Azure Bot > Configuration)"),
  /** A client secret of that app registration (Certificates & secrets). */
  TEAMS_APP_PASSWORD: z.string().min(10, "is too short: copy a client secret's Value (not its ID) from the app registration"),
  /** The tenant of a single-tenant bot (Azure's default since multi-tenant bots were deprecated). */
  TEAMS_TENANT_ID: z.string().uuid("must be your Microsoft Entra tenant id, a GUID").optional(),
  /** Port of the messaging endpoint (/api/messages), behind your HTTPS reverse proxy. */
  TEAMS_PORT: z.coerce.number().int().min(1).max(65535).default(3978),
  /**
   * The conversation of the weekly digest: a channel's conversation id ("19:...@thread.tacv2"). Unset: the
   * channel where the app was last installed in a team.
   */
  TEAMS_DIGEST_CONVERSATION: z
    .string()
    .regex(/^19:.+@thread\.(tacv2|skype)$/, "must be a channel conversation id such as 19:abc...@thread.tacv2")
    .optional(),
  /** Bot Connector base URL; the SDK's global default suits the public cloud. Tests point it at a stand-in. */
  TEAMS_SERVICE_URL: z.string().url().optional(),
  DIGEST_CRON: cronExpression("0 8 * * 1", "0 8 * * 1 for Monday 08:00"),
  TASKS_CRON: cronExpression("30 8 * * 1-5", "30 8 * * 1-5 for working days at 08:30"),
});

export type TeamsConfig = z.infer<typeof schema>;

/** Null when Teams is not configured at all (no TEAMS_APP_ID); an error naming what is wrong otherwise. */
export function readTeamsConfig(env: NodeJS.ProcessEnv = process.env): TeamsConfig | null {
  if (!env.TEAMS_APP_ID) return null;
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new AppError(
      "config.invalid",
      `Microsoft Teams is not configured correctly:\n  ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n  ")}`,
    );
  }
  return parsed.data;
}
