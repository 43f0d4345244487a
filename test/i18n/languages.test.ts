// The company's language end to end: French by default, English with `locale=en-GB` (company settings), on a
// refusal in Slack and in Teams, a CLI report and the digest's chart legends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App as SlackApp } from "@slack/bolt";
import type { App as TeamsApp } from "@microsoft/teams.apps";
import type { Database } from "../../src/db/database.js";
import { refusalFor } from "../../src/domain/access.js";
import { calendarDate } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { digestCharts } from "../../src/documents/digestCharts.js";
import { buildDigest } from "../../src/services/committeeViews.js";
import { BotConnectorStandIn } from "../helpers/botConnector.js";
import { ccbot, cliTargets } from "../helpers/cli.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";
import { setCompanyLocale } from "../helpers/locale.js";
import { SlackStandIn } from "../helpers/slackStandIn.js";
import { exchangeWithBot, startSlackBot } from "../helpers/slackRequests.js";
import { capturedLogger, messageActivity, personalChat, sendActivity, startTeamsBot, type Member } from "../helpers/teamsRequests.js";

afterAll(dropTestSchemas);

const FRENCH_NOT_REGISTERED = "Vous n’êtes pas enregistré auprès du bot du comité de crédit.";
const ENGLISH_NOT_REGISTERED = "You are not registered with the credit committee bot.";

describe.each(targets)("the bot speaks the company's language on $name", (target) => {
  let db: Database;
  let slack: SlackStandIn;
  let slackApp: SlackApp;
  let slackPort: number;
  let connector: BotConnectorStandIn;
  let teamsApp: TeamsApp;
  let teamsPort: number;
  const log = capturedLogger();
  const STRANGER: Member = { id: "29:stranger", aadObjectId: "aad-stranger", name: "Someone" };

  beforeAll(async () => {
    db = await freshDatabase(target);
    await db.prisma.person.create({
      data: {
        name: "Victor Lemoine",
        email: "victor@acme.example",
        roles: ["VIEWER"],
        identities: { create: [{ platform: "SLACK", externalId: "UVIEW", workspace: "T1" }] },
      },
    });
    slack = await new SlackStandIn().start();
    ({ app: slackApp, port: slackPort } = await startSlackBot(db, slack.url));
    connector = await new BotConnectorStandIn().start();
    ({ app: teamsApp, port: teamsPort } = await startTeamsBot(db, connector.url, { logger: log.logger }));
  });
  afterAll(async () => {
    await slackApp?.stop();
    await teamsApp?.stop();
    await slack?.stop();
    await connector?.stop();
    await db?.close();
  });

  const slackCommand = async (user: string, text: string) => {
    const before = slack.calls.length;
    const fields = { token: "x", team_id: "T1", channel_id: "C1", response_url: `${slack.url}/response/${Math.random()}`, trigger_id: "1.2.3" };
    expect((await exchangeWithBot(slackPort, { ...fields, command: "/dispute", text, user_id: user })).status).toBe(200);
    return JSON.stringify((await slack.waitFor("/response/", before)).body);
  };
  const teamsSay = async (text: string) => {
    const before = connector.calls.length;
    expect((await sendActivity(teamsPort, messageActivity(connector.url, STRANGER, personalChat(STRANGER), text))).status).toBe(200);
    return JSON.stringify((await connector.waitFor((c) => c.conversationId === personalChat(STRANGER).id, before)).body);
  };

  it("Slack refusals are French by default and English with locale=en-GB", async () => {
    const french = await slackCommand("USTRANGER", "F-1 price too high");
    expect(french).toContain(FRENCH_NOT_REGISTERED);
    expect(french).toContain("Votre identifiant Slack : USTRANGER.");
    expect(french).not.toContain(ENGLISH_NOT_REGISTERED);
    expect(await slackCommand("UVIEW", "F-1 price too high")).toContain(refusalFor("flag-dispute", "fr-FR"));
    expect(refusalFor("flag-dispute", "fr-FR")).toBe(
      "Votre rôle ne permet pas cette action (il faut l’un de ces rôles : commercial, finance, back-office, chargé de recouvrement).",
    );

    await setCompanyLocale(db, "en-GB");
    try {
      const english = await slackCommand("USTRANGER", "F-1 price too high");
      expect(english).toContain(`${ENGLISH_NOT_REGISTERED} Ask your administrator to add you (ccbot people add). Your Slack user id: USTRANGER.`);
      expect(english).not.toContain(FRENCH_NOT_REGISTERED);
      expect(await slackCommand("UVIEW", "F-1 price too high")).toContain(
        "Your role does not allow this (it needs one of: sales, finance, back office, collector).",
      );
    } finally {
      await setCompanyLocale(db, "fr-FR");
    }
  });

  it("Teams refusals are French by default and English with locale=en-GB", async () => {
    const french = await teamsSay("credit ACME");
    expect(french).toContain(FRENCH_NOT_REGISTERED);
    expect(french).not.toContain(ENGLISH_NOT_REGISTERED);
    await setCompanyLocale(db, "en-GB");
    try {
      const english = await teamsSay("credit ACME");
      expect(english).toContain(ENGLISH_NOT_REGISTERED);
      expect(english).not.toContain(FRENCH_NOT_REGISTERED);
    } finally {
      await setCompanyLocale(db, "fr-FR");
    }
  });

  it("the digest's charts: title, buckets and legend in French by default, in English with locale=en-GB", async () => {
    const policy = defaultPolicy;
    const asOf = calendarDate("2026-11-30");
    const drawnIn = async () => {
      const drawn = { aging: [] as string[], dso: [] as string[] };
      await digestCharts(db, policy, await buildDigest(db, policy, asOf), drawn);
      return [...drawn.aging, ...drawn.dso];
    };
    const french = await drawnIn();
    expect(french.find((s) => s.startsWith("Balance âgée"))).toBeDefined();
    expect(french).toEqual(expect.arrayContaining(["non échu", "cette semaine", "DSO sur 12 mois (jours)", "méthode par épuisement"]));
    expect(french.filter((s) => /\b(this week|last week|not due|over \d+|countback|Aged balance)\b/.test(s))).toEqual([]);
    await setCompanyLocale(db, "en-GB");
    try {
      const english = await drawnIn();
      expect(english.find((s) => s.startsWith("Aged balance"))).toBeDefined();
      expect(english).toEqual(expect.arrayContaining(["not due", "over 90", "this week", "DSO over 12 months (days)", "countback"]));
      expect(english.filter((s) => /semaine|échu|épuisement|Balance âgée/.test(s))).toEqual([]);
    } finally {
      await setCompanyLocale(db, "fr-FR");
    }
  });
});

describe.each(cliTargets)("ccbot report in the company's language on $name", (target) => {
  it("report kpis says its figures in French by default and in English after settings set locale=en-GB", async () => {
    const url = await target.url();
    const invoices = csv("customer_id;number;issue_date;due_date;amount", "K1;F-1;2026-09-01;2026-10-01;1500,00");
    const customers = csv("external_id;name", "K1;Café du Port");
    expect((await ccbot(url, "import", "customers", writeTemp(`lang-customers-${target.name}.csv`, customers))).code).toBe(0);
    expect((await ccbot(url, "import", "invoices", writeTemp(`lang-invoices-${target.name}.csv`, invoices))).code).toBe(0);

    const french = (await ccbot(url, "report", "kpis", "--as-of", "2026-11-20")).stdout.replace(/[\u202f\u00a0]/g, " ");
    expect(french).toContain("Chiffres clés au 2026-11-20");
    expect(french).toContain("encours clients: 1 500,00 €");
    expect(french).toContain("Taux de recouvrement par mois d’échéance :");
    expect(french).not.toMatch(/Key figures|receivables|Recovery rates/);

    expect((await ccbot(url, "settings", "set", "locale=en-GB")).code).toBe(0);
    const english = (await ccbot(url, "report", "kpis", "--as-of", "2026-11-20")).stdout;
    expect(english).toContain("Key figures as of 2026-11-20");
    expect(english).toContain("receivables: €1,500.00");
    expect(english).toContain("Recovery rates by month of due date:");
    expect(english).not.toMatch(/Chiffres clés|encours|Taux de recouvrement/);
  });
});
