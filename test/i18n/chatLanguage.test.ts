// The chat platforms in the company's language: a French company (the default) gets its collectors' task
// messages and the committee's digest in French on Slack and Teams, an en-GB company in English, through the
// running apps (the stand-ins check Block Kit and Adaptive Cards, and the sizes the platforms accept).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebClient } from "@slack/web-api";
import type { App as SlackApp } from "@slack/bolt";
import type { App as TeamsApp } from "@microsoft/teams.apps";
import { slackDigestPublisher, slackTaskPublisher } from "../../src/bot/slack/publisher.js";
import { teamsDigestPublisher, teamsTaskPublisher } from "../../src/bot/teams/publisher.js";
import type { TeamsMessenger } from "../../src/bot/teams/messenger.js";
import type { Database } from "../../src/db/database.js";
import { loadSettings } from "../../src/db/settings.js";
import { calendarDate as d, type CalendarDate } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { runDailyTasks } from "../../src/jobs/dailyTasks.js";
import { runWeeklyDigest } from "../../src/jobs/weeklyDigest.js";
import { createLogger } from "../../src/log.js";
import { adaptiveCardProblems } from "../helpers/adaptiveCards.js";
import { BotConnectorStandIn } from "../helpers/botConnector.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";
import { setCompanyLocale } from "../helpers/locale.js";
import { SlackStandIn } from "../helpers/slackStandIn.js";
import { startSlackBot } from "../helpers/slackRequests.js";
import { CHANNEL, installActivity, messageActivity, personalChat, sendActivity, startTeamsBot, type Member } from "../helpers/teamsRequests.js";

afterAll(dropTestSchemas);

const logger = createLogger("silent");
const SOPHIE: Member = { id: "29:sophie", aadObjectId: "aad-sophie", name: "Sophie Leroy" };
const FIN: Member = { id: "29:fin", aadObjectId: "aad-fin", name: "Nathalie Roche" };
/** Narrow no-break and no-break spaces (French grouping, "1 234,56 €") read as spaces. */
const flat = (value: unknown) => JSON.stringify(value).replace(/[\u00a0\u202f]/g, " ");

/** Words that are English only: none may show in a French message, and the French ones none in an English one. */
const ENGLISH = /Your tasks|Call checklist|No answer|Reached|Payment plan|Approve|Reject|Comment"|Credit committee|Priority accounts|Agenda|Last week|Cash collected|disputed|credits|balance|Delivery block|awaiting decision|Overdue/;
const FRENCH = /Vos tâches|Trame de l’appel|Pas de réponse|Joint|Échéancier|Approuver|Rejeter|Commenter|Comité de crédit|Comptes prioritaires|Ordre du jour|Encaissé|en litige|avoirs|solde|Blocage des livraisons|en attente de décision|Échu/;

const cases = targets.flatMap((target) => (["fr-FR", "en-GB"] as const).map((locale) => ({ target, name: target.name, locale })));

describe.each(cases)("Slack and Teams speak the company's language ($locale) on $name", ({ target, locale }) => {
  let db: Database;
  let slack: SlackStandIn;
  let slackApp: SlackApp;
  let connector: BotConnectorStandIn;
  let teamsApp: TeamsApp;
  let teamsPort: number;
  let messenger: TeamsMessenger;

  beforeAll(async () => {
    db = await freshDatabase(target);
    // fr-FR is the default: the French company leaves it unset, as `ccbot settings` leaves a new company.
    if (locale !== "fr-FR") await setCompanyLocale(db, locale);
    const owner = await db.prisma.person.create({ data: { name: "Claire Dumont", email: "claire@acme.example", roles: ["SALES"] } });
    await db.prisma.person.create({
      data: {
        name: "Sophie Leroy",
        email: "sophie@acme.example",
        roles: ["COLLECTOR"],
        identities: {
          create: [
            { platform: "SLACK", externalId: "USOPHIE" },
            { platform: "TEAMS", externalId: SOPHIE.aadObjectId },
          ],
        },
      },
    });
    await db.prisma.person.create({
      data: { name: FIN.name, email: "fin@acme.example", roles: ["FINANCE"], identities: { create: [{ platform: "TEAMS", externalId: FIN.aadObjectId }] } },
    });
    await runImport(
      db,
      IMPORTERS.customers,
      writeTemp(
        `chat-language-customers-${target.name}.csv`,
        csv("external_id;name;collector;contact_name;contact_phone", "K1;Café du Port;sophie@acme.example;Mme Colin;+33 1 23 45 67 89"),
      ),
    );
    await runImport(
      db,
      IMPORTERS.invoices,
      writeTemp(
        `chat-language-invoices-${target.name}.csv`,
        csv("customer_id;number;issue_date;due_date;amount", "K1;F-1;2026-09-01;2026-10-01;1234,56"),
      ),
    );
    // Two delivery blocks awaiting the committee: the agenda, the batch button, the stakes.
    for (const externalId of ["K2", "K3"]) {
      const customer = await db.prisma.customer.create({ data: { externalId, name: `Garage ${externalId}`, currency: "EUR", salesOwnerId: owner.id } });
      await db.prisma.proposedAction.create({
        data: { customerId: customer.id, kind: "BLOCK_DELIVERIES", reason: "exposure over the credit limit", period: "2026-W47", amountAtRisk: 123_456n, stakes: 45_600n },
      });
    }
    slack = await new SlackStandIn().start();
    ({ app: slackApp } = await startSlackBot(db, slack.url, { now: () => new Date("2026-11-20T09:00:00Z") }));
    connector = await new BotConnectorStandIn().start();
    ({ app: teamsApp, port: teamsPort, messenger } = await startTeamsBot(db, connector.url, { now: () => new Date("2026-11-20T09:00:00Z") }));
    expect((await sendActivity(teamsPort, installActivity(connector.url, SOPHIE, personalChat(SOPHIE)))).status).toBe(200);
  });
  afterAll(async () => {
    await slackApp?.stop();
    await teamsApp?.stop();
    await slack?.stop();
    await connector?.stop();
    await db?.close();
  });

  /** The day's tasks and the week's digest on both platforms, with publishers made as start.ts makes them. */
  async function publishAll(day: CalendarDate) {
    const settings = await db.withConnection(loadSettings);
    const client = new WebClient("xoxb-test", { slackApiUrl: `${slack.url}/api/` });
    const slackBefore = slack.calls.length;
    const teamsBefore = connector.calls.length;
    for (const publisher of [
      slackTaskPublisher(client, settings.currency, settings.locale),
      teamsTaskPublisher(messenger, db, settings.currency, settings.locale),
    ])
      expect(await runDailyTasks({ db, policy: defaultPolicy, publisher, logger }, day)).toMatchObject({ status: "sent", sent: 1 });
    for (const publisher of [slackDigestPublisher(client, "CCOMMITTEE"), teamsDigestPublisher(messenger, db, CHANNEL)])
      expect(await runWeeklyDigest({ db, policy: defaultPolicy, publisher, logger }, day, new Date(`${day}T07:00:00Z`))).toMatchObject({
        status: "posted",
      });
    const slackPosts = slack.calls.slice(slackBefore).filter((c) => c.path.startsWith("/api/chat.postMessage"));
    const teamsPosts = connector.accepted(teamsBefore).filter((c) => c.method === "POST");
    for (const post of teamsPosts)
      for (const attachment of (post.body.attachments as Array<{ contentType: string; content: unknown }> | undefined) ?? [])
        if (attachment.contentType === "application/vnd.microsoft.card.adaptive")
          expect(adaptiveCardProblems(attachment.content).problems).toEqual([]);
    return {
      slackTasks: flat(slackPosts.filter((p) => p.body.channel === "USOPHIE").map((p) => p.body)),
      slackDigest: flat(slackPosts.filter((p) => p.body.channel === "CCOMMITTEE").map((p) => p.body)),
      teamsTasks: flat(teamsPosts.filter((p) => p.conversationId === personalChat(SOPHIE).id).map((p) => p.body)),
      teamsDigest: flat(teamsPosts.filter((p) => p.conversationId.startsWith(CHANNEL)).map((p) => p.body)),
    };
  }

  it.runIf(locale === "fr-FR")("a French company (the default) gets French task messages and digest, amounts and dates as a French credit manager reads them", async () => {
    const { slackTasks, slackDigest, teamsTasks, teamsDigest } = await publishAll(d("2026-11-20"));
    for (const tasks of [slackTasks, teamsTasks]) {
      expect(tasks).toContain("Vos tâches du 20/11/2026 (1)");
      expect(tasks).toContain("Trame de l’appel : 1. Présentez-vous");
      expect(tasks).toContain("Échu 1 234,56 €");
      expect(tasks).toContain("Joint : promesse de paiement");
      expect(tasks).toContain("Envoyé"); // a letter step: sent, not "no answer"
      expect(tasks).toContain("Mauvais interlocuteur");
      expect(tasks).toContain("Échéancier");
      expect(tasks).not.toMatch(ENGLISH);
    }
    for (const digest of [slackDigest, teamsDigest]) {
      expect(digest).toContain("Comité de crédit 2026-W47 (vendredi 20 novembre 2026)");
      expect(digest).toContain("Ordre du jour : 2 propositions par enjeu");
      expect(digest).toContain("Blocage des livraisons · 1 234,56 € à risque · enjeu 456,00 €");
      expect(digest).toContain("Approuver les 2 blocages des livraisons ci-dessus");
      expect(digest).toContain("Propositions en attente de décision (1/1)");
      expect(digest).toContain("Décisions de la semaine dernière (0)");
      expect(digest).toContain("Encaissé cette semaine : 0,00 €");
      expect(digest).toContain("non échu");
      expect(digest).toMatch(/solde|Solde/);
      // What each block still needs, from the approval rules (src/domain/approvals.ts).
      expect(digest).toContain("encore nécessaire : la finance, le commercial du compte (Claire Dumont)");
      expect(digest).not.toMatch(ENGLISH);
    }
  });

  it.runIf(locale === "en-GB")("an en-GB company gets English task messages and digest, with British amounts and dates", async () => {
    {
      const { slackTasks, slackDigest, teamsTasks, teamsDigest } = await publishAll(d("2026-11-20"));
      for (const tasks of [slackTasks, teamsTasks]) {
        expect(tasks).toContain("Your tasks for 20/11/2026 (1)");
        expect(tasks).toContain("Call checklist: 1. Introduce yourself");
        expect(tasks).toContain("Overdue €1,234.56");
        expect(tasks).toContain("Reached: promise to pay");
        expect(tasks).toContain("Sent");
        expect(tasks).toContain("Wrong contact");
        expect(tasks).toContain("Payment plan");
        expect(tasks).not.toMatch(FRENCH);
      }
      for (const digest of [slackDigest, teamsDigest]) {
        expect(digest).toContain("Credit committee 2026-W47 (Friday, 20 November 2026)");
        expect(digest).toContain("Agenda: 2 proposals by stakes");
        expect(digest).toContain("Delivery block · €1,234.56 at risk · stakes €456.00");
        expect(digest).toContain("Approve the 2 delivery blocks above");
        expect(digest).toContain("Actions awaiting decision (1/1)");
        expect(digest).toContain("Cash collected this week: €0.00");
        expect(digest).toContain("not due");
        expect(digest).toContain("still needed: finance, the sales owner (Claire Dumont)");
        expect(digest).not.toMatch(FRENCH);
      }
    }
  });
  /** What the bot answers `member` in their personal chat with it (Teams), as text. */
  async function say(member: Member, text: string): Promise<string> {
    const before = connector.calls.length;
    expect((await sendActivity(teamsPort, messageActivity(connector.url, member, personalChat(member), text))).status).toBe(200);
    return flat((await connector.waitFor((c) => c.conversationId === personalChat(member).id, before)).body);
  }

  it("a dispute's answers, refusals and history texts are in the company's language (issue #13: the use cases' own sentences)", async () => {
    const french = locale === "fr-FR";
    expect((await sendActivity(teamsPort, installActivity(connector.url, FIN, personalChat(FIN)))).status).toBe(200);
    const before = connector.calls.length;
    expect(await say(FIN, "dispute F-1 quality two pallets arrived damaged")).toContain(
      french
        ? "Litige enregistré sur F-1 (Café du Port, qualité) : les relances sur cette facture sont suspendues."
        : "Dispute recorded on F-1 (Café du Port, quality): dunning on this invoice is paused.",
    );
    // The account's collector is told, in the same language.
    const notice = await connector.waitFor((c) => c.conversationId === personalChat(SOPHIE).id, before);
    expect(flat(notice.body)).toContain(
      french
        ? "Nathalie Roche a signalé un litige sur F-1 (Café du Port) : two pallets arrived damaged. Les relances sur cette facture sont suspendues."
        : "Nathalie Roche flagged a dispute on F-1 (Café du Port): two pallets arrived damaged. Dunning on this invoice is paused.",
    );
    expect(await say(FIN, "dispute F-1 price too high")).toContain(
      french ? "La facture F-1 est déjà en litige (qualité, depuis le 20/11/2026)." : "Invoice F-1 is already disputed (quality, since 20/11/2026).",
    );
    expect(await say(FIN, "dispute F-404 price too high")).toContain(
      french ? "La facture F-404 est inconnue." : "Invoice F-404 is unknown.",
    );
    expect(await say(FIN, "dispute resolve F-1 credit note AV-7 issued")).toContain(
      french ? "Litige sur F-1 réglé : credit note AV-7 issued. Les relances reprennent." : "Dispute on F-1 settled: credit note AV-7 issued. Dunning on it resumes.",
    );
    const history = await db.prisma.historyEntry.findMany({ where: { kind: { in: ["dispute.opened", "dispute.resolved"] } }, orderBy: { id: "asc" } });
    expect(history.map((h) => h.text)).toEqual(
      french
        ? ["Litige sur F-1 (qualité) : two pallets arrived damaged", "Litige sur F-1 réglé : credit note AV-7 issued"]
        : ["Dispute on F-1 (quality): two pallets arrived damaged", "Dispute on F-1 resolved: credit note AV-7 issued"],
    );
  });
});
