// `npm run teams:package`: builds out/teams-app.zip, the Teams app package to upload. Needs TEAMS_APP_ID (the
// bot's Microsoft App ID); TEAMS_BOT_DOMAIN (the host of your messaging endpoint) is listed as a valid domain.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { buildTeamsPackage, MANIFEST_VERSION } from "../src/bot/teams/package.js";

const env = z
  .object({
    TEAMS_APP_ID: z.string({ message: "is required: the bot's Microsoft App ID (Azure Bot > Configuration)" }).uuid("must be a GUID"),
    TEAMS_BOT_DOMAIN: z
      .string()
      .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "must be a host name such as bot.example.com (no https://, no path)")
      .optional(),
    TEAMS_PACKAGE_OUT: z.string().default("out/teams-app.zip"),
    /** The publisher Teams shows on the app's page (your company), and its web page. */
    TEAMS_PUBLISHER_NAME: z.string().min(1).max(32, "must be at most 32 characters (Teams' limit)").optional(),
    TEAMS_PUBLISHER_URL: z.string().url("must be an https:// address").startsWith("https://", "must be an https:// address").optional(),
  })
  .safeParse(process.env);
if (!env.success) {
  process.stderr.write(
    `Cannot build the Teams package:\n  ${env.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n  ")}\n`,
  );
  process.exit(2);
}
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
const out = resolve(env.data.TEAMS_PACKAGE_OUT);
mkdirSync(resolve(out, ".."), { recursive: true });
const { TEAMS_PUBLISHER_NAME: publisher, TEAMS_PUBLISHER_URL: site } = env.data;
const developer = publisher && site ? { name: publisher, websiteUrl: site, privacyUrl: site, termsOfUseUrl: site } : undefined;
writeFileSync(out, await buildTeamsPackage({ appId: env.data.TEAMS_APP_ID, version, botDomain: env.data.TEAMS_BOT_DOMAIN, developer }));
process.stdout.write(`Teams app package (manifest ${MANIFEST_VERSION}, version ${version}) written to ${out}\n`);
if (!developer)
  process.stdout.write(
    "Teams will show the project as publisher; set TEAMS_PUBLISHER_NAME and TEAMS_PUBLISHER_URL to show your company instead.\n",
  );
