// Teams counts a bot message's size in UTF-16: a collector's task card once reached 39,957 bytes in UTF-8 but
// 79,572 in UTF-16, and the digest's action cards 50-53 KB. Every message is held to 40 KB counted that way:
// the Bot Connector stand-in refuses anything larger (413), so each message below was accepted by it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "@microsoft/teams.apps";
import type { TeamsMessenger } from "../../src/bot/teams/app.js";
import { VERBS } from "../../src/bot/teams/cards.js";
import { teamsDigestPublisher, teamsTaskPublisher } from "../../src/bot/teams/publisher.js";
import type { Database } from "../../src/db/database.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { runDailyTasks } from "../../src/jobs/dailyTasks.js";
import { runWeeklyDigest, showMoreActions } from "../../src/jobs/weeklyDigest.js";
import { createLogger } from "../../src/log.js";
import { adaptiveCardProblems } from "../helpers/adaptiveCards.js";
import { BotConnectorStandIn, type ConnectorCall } from "../helpers/botConnector.js";
import { seedBlockProposals } from "../helpers/committeeFixtures.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { heavyCustomerName, importHeavyCustomers } from "../helpers/heavyTasks.js";
import { executeActivity, installActivity, personalChat, sendActivity, startTeamsBot, type Member } from "../helpers/teamsRequests.js";

afterAll(dropTestSchemas);

const logger = createLogger("silent");
const TEAMS_LIMIT = 40 * 1024;
const SOPHIE: Member = { id: "29:sophie", aadObjectId: "aad-sophie", name: "Sophie Leroy" };
const CHANNEL = "19:committee@thread.tacv2";
const COUNT = 80;

/** The size Teams counts: the activity's JSON in UTF-16. */
const utf16 = (call: ConnectorCall) => Buffer.byteLength(JSON.stringify(call.body), "utf16le");
const cardsOf = (call: ConnectorCall) =>
  ((call.body.attachments as Array<{ contentType: string; content: unknown }> | undefined) ?? [])
    .filter((a) => a.contentType === "application/vnd.microsoft.card.adaptive")
    .map((a) => a.content);

describe.each(targets)("Teams messages under 40 KB counted in UTF-16 on $name", (target) => {
  let db: Database;
  let connector: BotConnectorStandIn;
  let app: App;
  let port: number;
  let messenger: TeamsMessenger;

  beforeAll(async () => {
    db = await freshDatabase(target);
    connector = await new BotConnectorStandIn().start();
    const sophie = await db.prisma.person.create({
      data: {
        name: SOPHIE.name,
        email: "sophie@acme.example",
        roles: ["COLLECTOR", "SALES"],
        identities: { create: [{ platform: "TEAMS", externalId: SOPHIE.aadObjectId }] },
      },
    });
    await importHeavyCustomers(db, "sophie@acme.example", COUNT, `teams-${target.name}`);
    ({ app, port, messenger } = await startTeamsBot(db, connector.url, { now: () => new Date("2026-11-20T09:00:00Z") }));
    expect((await sendActivity(port, installActivity(connector.url, SOPHIE, personalChat(SOPHIE)))).status).toBe(200);
    await seedBlockProposals(db, 300, sophie.id, {
      name: (i) => `Société Générale d'Électricité 🏗️⚡️ Œuvres & Rénovations Île-de-France ${i} 🇫🇷`,
      reason:
        `Encours dépassé ✋ : échéances impayées depuis 75 jours — relances écrites et téléphoniques restées sans réponse 📞📨. `.repeat(2),
    });
  });
  afterAll(async () => {
    await app?.stop();
    await connector?.stop();
    await db?.close();
  });

  it("a collector's accented, emoji-heavy day comes as several cards, each accepted, every task in exactly one", async () => {
    const before = connector.calls.length;
    const run = await runDailyTasks(
      { db, policy: defaultPolicy, publisher: teamsTaskPublisher(messenger, db, "EUR", "fr-FR"), logger },
      d("2026-11-20"),
    );
    expect(run).toEqual({ status: "sent", sent: 1, unreachable: [] });
    expect(
      connector.calls
        .slice(before)
        .map((c) => c.status)
        .filter((s) => s !== 200 && s !== 201),
    ).toEqual([]);
    const posts = connector.accepted(before).filter((c) => c.conversationId === personalChat(SOPHIE).id);
    expect(posts.length).toBeGreaterThan(1);
    // Together they weigh far more than one message may; each is under the limit and a valid card.
    expect(posts.reduce((sum, p) => sum + utf16(p), 0)).toBeGreaterThan(2 * TEAMS_LIMIT);
    for (const [i, post] of posts.entries()) {
      expect(utf16(post)).toBeLessThanOrEqual(TEAMS_LIMIT);
      expect(String(post.body.summary)).toContain(`(${i + 1}/${posts.length})`);
      for (const card of cardsOf(post)) expect(adaptiveCardProblems(card)).toEqual({ problems: [], version: "1.5" });
    }
    for (let i = 1; i <= COUNT; i++) {
      const holding = posts.filter((p) => JSON.stringify(p.body).includes(`(H${i})`));
      expect(holding).toHaveLength(1);
      expect(JSON.stringify(holding[0]?.body)).toContain("Électricité Générale 🏗️");
    }
    expect(heavyCustomerName(1)).toMatch(/🏗️/);
  });

  it("an outcome on a task of the second card refreshes that card only: its other tasks, the notice, under 40 KB", async () => {
    const posts = connector.accepted().filter((c) => c.conversationId === personalChat(SOPHIE).id && cardsOf(c).length > 0);
    const second = posts[1];
    const text = JSON.stringify(second?.body);
    const held = [...text.matchAll(/\(H(\d+)\)/g)].map((m) => m[0]);
    expect(held.length).toBeGreaterThan(1);
    // "Mauvais interlocuteur" (wrong contact) is an outcome of every task (a letter's are "Envoyé", not "Pas de réponse"):
    // the company speaks French (the default), the longer texts.
    const noAnswer = [...text.matchAll(/"title":"Mauvais interlocuteur","verb":"task\.outcome","data":(\{[^}]*\})/g)][0]?.[1];
    expect(noAnswer).toBeDefined();
    const answer = await sendActivity(
      port,
      executeActivity(
        connector.url,
        SOPHIE,
        personalChat(SOPHIE),
        String(second?.body.id ?? "1"),
        VERBS.outcome,
        JSON.parse(noAnswer ?? "{}"),
      ),
    );
    expect(answer.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    const refreshed = JSON.stringify(answer.body?.value);
    expect(Buffer.byteLength(JSON.stringify(answer.body), "utf16le")).toBeLessThanOrEqual(TEAMS_LIMIT);
    expect(adaptiveCardProblems(answer.body?.value).problems).toEqual([]);
    expect(refreshed).toContain("Mauvais interlocuteur — enregistré.");
    // The same tasks as the clicked card (the one just recorded may have left today's list), none of another card's.
    const shown = [...refreshed.matchAll(/\(H(\d+)\)/g)].map((m) => m[0]);
    expect(shown.length).toBeGreaterThanOrEqual(held.length - 1);
    expect(shown.filter((h) => !held.includes(h))).toEqual([]);
  });

  it("the digest's 300 actions with accented, emoji-heavy names and reasons go out in cards each under 40 KB in UTF-16", async () => {
    const before = connector.calls.length;
    const run = await runWeeklyDigest(
      { db, policy: defaultPolicy, publisher: teamsDigestPublisher(messenger, db, CHANNEL), logger },
      d("2026-11-20"),
      new Date("2026-11-20T07:00:00Z"),
    );
    expect(run.status).toBe("posted");
    // The agenda holds the policy's 15; "show" posts the others as the next cards (each under the limit too).
    const publisher = teamsDigestPublisher(messenger, db, CHANNEL);
    expect(await showMoreActions({ db, policy: defaultPolicy, publisher }, run.period)).toMatchObject({ status: "posted" });
    expect(
      connector.calls
        .slice(before)
        .map((c) => c.status)
        .filter((s) => s !== 200 && s !== 201),
    ).toEqual([]);
    const posts = connector.accepted(before).filter((c) => c.conversationId.startsWith(CHANNEL));
    let approve = 0;
    let heaviest = 0;
    for (const post of posts) {
      expect(utf16(post)).toBeLessThanOrEqual(TEAMS_LIMIT);
      heaviest = Math.max(heaviest, utf16(post));
      for (const card of cardsOf(post)) {
        expect(adaptiveCardProblems(card)).toEqual({ problems: [], version: "1.5" });
        approve += JSON.stringify(card).match(/"type":"Action\.Execute","title":"Approuver"/g)?.length ?? 0;
      }
    }
    // The 300 seeded proposals, and those the committee's preparation added for the collector's customers.
    const listed = (await db.prisma.postedMessage.findMany({ where: { platform: "TEAMS", job: "weekly-digest" } })).flatMap(
      (m) => m.actionIds,
    );
    expect(listed.length).toBeGreaterThanOrEqual(300);
    expect(new Set(listed).size).toBe(listed.length);
    expect(approve).toBe(listed.length);
    // The charts are inline images: one Teams would refuse is said in words in the thread, not sent to fail.
    const images = posts.filter(
      (p) => (p.body.attachments as Array<{ contentType: string }> | undefined)?.[0]?.contentType === "image/png",
    );
    const notes = posts.filter((p) => /trop lourd pour que Teams l’affiche dans le fil \(\d+ Ko, 40 Ko au plus\)/.test(String(p.body.text)));
    expect(images.length + notes.length).toBe(2);
    // The cards are filled close to the limit, not split one action a card.
    expect(heaviest).toBeGreaterThan(TEAMS_LIMIT / 2);
    expect(JSON.stringify(posts.map((p) => p.body))).toContain("Société Générale d'Électricité 🏗️⚡️");
  });
});
