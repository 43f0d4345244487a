// The weekly digest in Teams: the payment plans in the follow-through part of the summary card (agreed this
// week, instalments due this week, instalments missed and escalated), posted by the real weekly job through
// the Bot Connector stand-in; the card stays valid Adaptive Card 1.5.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "@microsoft/teams.apps";
import type { TeamsMessenger } from "../../src/bot/teams/app.js";
import { teamsDigestPublisher } from "../../src/bot/teams/publisher.js";
import type { Database } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { runWeeklyDigest } from "../../src/jobs/weeklyDigest.js";
import { createLogger } from "../../src/log.js";
import { adaptiveCardProblems } from "../helpers/adaptiveCards.js";
import { BotConnectorStandIn } from "../helpers/botConnector.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { seedPlans } from "../helpers/planFixtures.js";
import { CHANNEL, startTeamsBot } from "../helpers/teamsRequests.js";
import { setCompanyLocale } from "../helpers/locale.js";

afterAll(dropTestSchemas);

const ASOF = d("2026-11-20");
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

type Card = { version: string; body: Array<{ type: string; text?: string }> };

describe.each(targets)("payment plans in the Teams digest on $name", (target) => {
  let db: Database;
  let connector: BotConnectorStandIn;
  let app: App;
  let messenger: TeamsMessenger;
  let plans: Awaited<ReturnType<typeof seedPlans>>["plans"];

  beforeAll(async () => {
    db = await freshDatabase(target);
    await migrate(db);
    // Asserted in English (locale en-GB); test/i18n/chatLanguage.test.ts checks French, the default.
    await setCompanyLocale(db, "en-GB");
    ({ plans } = await seedPlans(db, `teams-${target.name}`));
    connector = await new BotConnectorStandIn().start();
    ({ app, messenger } = await startTeamsBot(db, connector.url, { now: () => new Date("2026-11-20T09:00:00Z") }));
  });
  afterAll(async () => {
    await app?.stop();
    await connector?.stop();
    await db?.close();
  });

  it("the summary card's follow-through shows the week's plans, missed and escalated first; the plan on track counted", async () => {
    const run = await runWeeklyDigest(
      { db, policy: defaultPolicy, publisher: teamsDigestPublisher(messenger, db, CHANNEL), logger: createLogger("silent") },
      ASOF,
      new Date("2026-11-20T07:00:00Z"),
    );
    expect(run.status).toBe("posted");
    const summary = connector.accepted(0).find((c) => c.method === "POST" && c.conversationId === CHANNEL);
    const card = ((summary?.body.attachments ?? []) as Array<{ contentType: string; content: Card }>).find(
      (a) => a.contentType === "application/vnd.microsoft.card.adaptive",
    )?.content as Card;
    expect(adaptiveCardProblems(card)).toEqual({ problems: [], version: "1.5" });
    const texts = card.body.map((b) => plain(b.text ?? ""));
    const title = texts.indexOf("**Payment plans (4)**");
    expect(title).toBeGreaterThan(texts.findIndex((t) => t.startsWith("**Last week's decisions")));
    expect(texts.slice(title + 1, title + 6)).toEqual([
      "1 agreed this week · 1 instalment due this week · 1 missed",
      expect.stringMatching(
        new RegExp(
          `^• \\*\\*Transports Lefebvre\\*\\* — plan #${plans.p1} agreed 05/10/2026: instalment 2 of €1,000.00 due 12/11/2026 missed, recovery indemnity €40.00; escalation: next step (due|brought forward): \\S+ \\(\\w+\\) for Sophie Leroy · 1 of 3 instalments paid, €2,000.00 left$`,
        ),
      ),
      `• **Garage Martin** — plan #${plans.p2} agreed 18/11/2026: agreed this week: 2 instalments totalling €1,000.00, 25/11/2026 to 28/12/2026 · instalment 1 of €500.00 due 25/11/2026 · 0 of 2 instalments paid, €1,000.00 left`,
      `• **Café du Port** — plan #${plans.p4} agreed 10/09/2026: completed this week: €600.00 paid`,
      "1 other plan on track",
    ]);
    expect(texts[title + 6]).toMatch(/^Cash collected this week: .* · 0 promises to pay falling due this week/);
  });
});
