import { describe, expect, it } from "vitest";
import { allowedTenants, readTeamsConfig } from "../../src/config/teams.js";

const APP_ID = "00000000-0000-4000-8000-00000000b0b0";
const TENANT = "11111111-1111-4111-8111-111111111111";

describe("Teams configuration", () => {
  it("is off without TEAMS_APP_ID, and names what is wrong otherwise", () => {
    expect(readTeamsConfig({})).toBeNull();
    expect(() => readTeamsConfig({ TEAMS_APP_ID: APP_ID })).toThrow("TEAMS_APP_PASSWORD");
    expect(() => readTeamsConfig({ TEAMS_APP_ID: "my-bot", TEAMS_APP_PASSWORD: "0123456789abc" })).toThrow(
      "TEAMS_APP_ID: must be the bot's Microsoft App ID, a GUID",
    );
    expect(() =>
      readTeamsConfig({ TEAMS_APP_ID: APP_ID, TEAMS_APP_PASSWORD: "0123456789abc", TEAMS_DIGEST_CONVERSATION: "General" }),
    ).toThrow("TEAMS_DIGEST_CONVERSATION: must be a channel conversation id");
    expect(readTeamsConfig({ TEAMS_APP_ID: APP_ID, TEAMS_APP_PASSWORD: "0123456789abc", TEAMS_TENANT_ID: TENANT })).toMatchObject({
      TEAMS_PORT: 3978,
      DIGEST_CRON: "0 8 * * 1",
    });
  });

  it("refuses to start without the tenant(s) it serves, and reads the allow-list", () => {
    const base = { TEAMS_APP_ID: APP_ID, TEAMS_APP_PASSWORD: "0123456789abc" };
    expect(() => readTeamsConfig(base)).toThrow("TEAMS_TENANT_ID: set it to your Microsoft Entra tenant id");
    expect(() => readTeamsConfig({ ...base, TEAMS_ALLOWED_TENANTS: "contoso" })).toThrow(
      "TEAMS_ALLOWED_TENANTS: must be tenant ids (GUIDs) separated by commas",
    );
    const other = "22222222-2222-4222-8222-222222222222";
    const config = readTeamsConfig({ ...base, TEAMS_TENANT_ID: TENANT.toUpperCase(), TEAMS_ALLOWED_TENANTS: ` ${other}, ${TENANT}` });
    expect(config && allowedTenants(config)).toEqual([TENANT, other]);
    expect(allowedTenants(readTeamsConfig({ ...base, TEAMS_ALLOWED_TENANTS: other }) ?? {})).toEqual([other]);
  });
});
