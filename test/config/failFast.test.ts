// Fail at start, not later: a configuration that cannot work stops `npm start` with the variable's name.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { readSlackConfig } from "../../src/config/slack.js";
import { readTeamsConfig } from "../../src/config/teams.js";

const SLACK = { SLACK_BOT_TOKEN: "xoxb-test", SLACK_MODE: "http", SLACK_SIGNING_SECRET: "0123456789abcdef" };
const TEAMS = {
  TEAMS_APP_ID: "00000000-0000-4000-8000-00000000b0b0",
  TEAMS_APP_PASSWORD: "0123456789abc",
  TEAMS_TENANT_ID: "00000000-0000-4000-8000-0000000000aa",
};

/** `npm start` as a process, without any chat variable of the machine. Bounded: a bot that keeps running is a failure. */
function start(env: Record<string, string>) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|TEAMS|DATABASE)_|^(DIGEST|TASKS)_CRON$|^CCBOT_LOG_CAPTURE$/.test(k)));
  // node itself (not npx), so that a bot that keeps running is the process the timeout kills.
  return spawnSync(process.execPath, ["--import", "tsx", "src/start.ts"], {
    env: { ...base, SLACK_PORT: String(40000 + (process.pid % 20000)), ...env },
    encoding: "utf8",
    timeout: 120_000,
    killSignal: "SIGKILL",
  });
}

describe("cron expressions are checked with the configuration", () => {
  it.each([
    ["DIGEST_CRON", "every monday"],
    ["DIGEST_CRON", "0 25 * * 1"],
    ["TASKS_CRON", "30 8 * * 1-5 *  *"],
  ])("%s=%s is refused by name, in Slack and Teams", (name, value) => {
    expect(() => readSlackConfig({ ...SLACK, [name]: value })).toThrow(`${name}: is not a cron expression`);
    expect(() => readTeamsConfig({ ...TEAMS, [name]: value })).toThrow(`${name}: is not a cron expression`);
  });

  it("the defaults and day names are accepted", () => {
    expect(readSlackConfig(SLACK)).toMatchObject({ DIGEST_CRON: "0 8 * * 1", TASKS_CRON: "30 8 * * 1-5" });
    expect(readTeamsConfig({ ...TEAMS, DIGEST_CRON: "0 9 * * mon" })).toMatchObject({ DIGEST_CRON: "0 9 * * mon" });
  });
});

describe("npm start stops at once, naming the variable", { timeout: 180_000 }, () => {
  it("an invalid DIGEST_CRON stops the start before the bot runs (it used to run without digest)", () => {
    const run = start({ ...SLACK, SLACK_DIGEST_CHANNEL: "C0123ABCD", DIGEST_CRON: "0 8 * * 8", DATABASE_URL: "memory:" });
    expect(run.error).toBeUndefined(); // not killed by the timeout: it stopped by itself
    expect(run.status).toBe(3);
    expect(run.stderr).toContain("DIGEST_CRON: is not a cron expression");
    expect(run.stderr).not.toContain("Slack bot running");
  });

  it("an unreachable PostgreSQL stops the start with a message naming DATABASE_URL, without a stack", () => {
    const run = start({ ...SLACK, DATABASE_URL: "postgresql://ccbot:s3cret@127.0.0.1:1/credit" });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(3);
    expect(run.stderr).toContain("Cannot connect to the PostgreSQL server of DATABASE_URL (127.0.0.1:1/credit)");
    expect(run.stderr).not.toContain("s3cret");
    expect(run.stderr).not.toMatch(/\\n\s+at |"stack"/);
  });

  it("an unknown DATABASE_URL scheme stops the start", () => {
    const run = start({ ...SLACK, DATABASE_URL: "mysql://u@127.0.0.1/credit" });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('DATABASE_URL: DATABASE_URL starts with \\"mysql:\\"');
  });
});
