// Microsoft Teams configuration, read once from the environment, with errors that name the variable to set.
import { z } from "zod";
import { AppError } from "../errors.js";
import { cronExpression } from "./cron.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const schema = z.object({
  /** The bot's Microsoft App ID (Azure Bot resource > Configuration), a GUID. */
  TEAMS_APP_ID: z.string().uuid("must be the bot's Microsoft App ID, a GUID (Azure Bot > Configuration)"),
  /** A client secret of that app registration (Certificates & secrets). */
  TEAMS_APP_PASSWORD: z.string().min(10, "is too short: copy a client secret's Value (not its ID) from the app registration"),
  /**
   * The tenant of a single-tenant bot (Azure's default since multi-tenant bots were deprecated). Every activity
   * must come from it (or from TEAMS_ALLOWED_TENANTS): anything else is refused before any handler runs.
   */
  TEAMS_TENANT_ID: z.string().uuid("must be your Microsoft Entra tenant id, a GUID").optional(),
  /**
   * Other tenants allowed to talk to the bot, comma-separated tenant ids (a group with several Entra tenants).
   * Unset: only TEAMS_TENANT_ID.
   */
  TEAMS_ALLOWED_TENANTS: z
    .string()
    .optional()
    .refine(
      (list) => (list ?? "").split(",").every((t) => !t.trim() || GUID.test(t.trim())),
      "must be tenant ids (GUIDs) separated by commas",
    ),
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

/** The tenants whose activities the bot accepts (lower case): TEAMS_TENANT_ID and TEAMS_ALLOWED_TENANTS. */
export function allowedTenants(config: Pick<TeamsConfig, "TEAMS_TENANT_ID" | "TEAMS_ALLOWED_TENANTS">): string[] {
  const listed = (config.TEAMS_ALLOWED_TENANTS ?? "").split(",").map((t) => t.trim());
  return [...new Set([config.TEAMS_TENANT_ID ?? "", ...listed].filter(Boolean).map((t) => t.toLowerCase()))];
}

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
  if (allowedTenants(parsed.data).length === 0) {
    throw new AppError(
      "config.invalid",
      "Microsoft Teams is not configured correctly:\n  TEAMS_TENANT_ID: set it to your Microsoft Entra tenant id (Azure Bot > Configuration > App Tenant ID), or list the allowed tenants in TEAMS_ALLOWED_TENANTS; the bot refuses every other tenant.",
    );
  }
  return parsed.data;
}
