// A formal notice approved in the committee: the letter is produced once, recorded in the history with its
// SHA-256, and put where the committee decided — uploaded into the Slack thread, shown in the Teams thread.
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App as SlackApp } from "@slack/bolt";
import type { App as TeamsApp } from "@microsoft/teams.apps";
import type { TeamsMessenger } from "../../src/bot/teams/app.js";
import { VERBS } from "../../src/bot/teams/cards.js";
import type { Database } from "../../src/db/database.js";
import { adaptiveCardProblems } from "../helpers/adaptiveCards.js";
import { BotConnectorStandIn } from "../helpers/botConnector.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { slackJobWorker } from "../helpers/slackJobs.js";
import { SlackStandIn } from "../helpers/slackStandIn.js";
import { buttonClick, postToBot, startSlackBot } from "../helpers/slackRequests.js";
import { CHANNEL, channel, executeActivity, sendActivity, startTeamsBot, teamsWorker, type Member } from "../helpers/teamsRequests.js";

afterAll(dropTestSchemas);

const NOW = () => new Date("2025-07-31T08:00:00Z");
const FIN: Member = { id: "29:fin", aadObjectId: "aad-fin", name: "Nathalie Roche" };
const OWNER: Member = { id: "29:claire", aadObjectId: "aad-claire", name: "Claire Dumont" };

/** A customer owing two invoices, and a formal notice awaiting the committee's decision. */
async function fixture(db: Database): Promise<number> {
  await db.prisma.companySettings.upsert({
    where: { id: 1 },
    create: { companyName: "Démo Industries SAS", companyAddress: "12 rue de la Paix\n75002 Paris" },
    update: { companyName: "Démo Industries SAS", companyAddress: "12 rue de la Paix\n75002 Paris" },
  });
  const person = (name: string, roles: Array<"FINANCE" | "SALES">, slack: string, aad: string) =>
    db.prisma.person.create({
      data: {
        name,
        roles,
        identities: {
          create: [
            { platform: "SLACK", externalId: slack },
            { platform: "TEAMS", externalId: aad },
          ],
        },
      },
    });
  await person(FIN.name, ["FINANCE"], "UFIN", FIN.aadObjectId);
  const owner = await person(OWNER.name, ["SALES"], "UCLAIRE", OWNER.aadObjectId);
  const customer = await db.prisma.customer.create({
    data: { externalId: "C010", name: "Café du Port", currency: "EUR", address: "3 quai Est\n13002 Marseille", salesOwnerId: owner.id },
  });
  const invoice = await db.prisma.invoice.create({
    data: {
      customerId: customer.id,
      number: "F2025-0101",
      issueDate: new Date("2025-01-05T00:00:00Z"),
      dueDate: new Date("2025-02-04T00:00:00Z"),
      amount: 250_000n,
      openAmount: 250_000n,
      currency: "EUR",
      source: "CSV",
    },
  });
  const action = await db.prisma.proposedAction.create({
    data: {
      customerId: customer.id,
      kind: "FORMAL_NOTICE",
      reason: "last reminder done, no answer",
      period: "2025-W31",
      params: { deadlineDays: "8" },
      invoices: { create: [{ invoiceId: invoice.id }] },
    },
  });
  return action.id;
}

const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");

describe.each(targets)("approved letters in the chat on $name", (target) => {
  describe("Slack", () => {
    let db: Database;
    let slack: SlackStandIn;
    let app: SlackApp;
    let port: number;
    let actionId: number;

    let documentsDir: string;

    beforeAll(async () => {
      db = await freshDatabase(target);
      actionId = await fixture(db);
      slack = await new SlackStandIn().start();
      documentsDir = mkdtempSync(path.join(tmpdir(), "letters-"));
      ({ app, port } = await startSlackBot(db, slack.url, { now: NOW, documentsDir }));
      // the digest that shows the action, as the weekly job records it: its summary opens the thread
      await db.prisma.postedMessage.createMany({
        data: [
          {
            platform: "SLACK",
            job: "weekly-digest",
            slot: "2025-W31",
            part: "summary",
            channel: "CCOMMITTEE",
            ts: "1700000000.000100",
            actionIds: [],
          },
          {
            platform: "SLACK",
            job: "weekly-digest",
            slot: "2025-W31",
            part: "actions-1",
            channel: "CCOMMITTEE",
            ts: "1700000000.000200",
            actionIds: [actionId],
          },
        ],
      });
    });
    afterAll(async () => {
      await app?.stop();
      await slack?.stop();
      await db?.close();
    });

    it("the approval that applies a formal notice uploads the PDF into the thread, fingerprint in the history", async () => {
      const click = (user: string, ts: string) =>
        postToBot(
          port,
          buttonClick({
            user,
            channel: "CCOMMITTEE",
            message: { ts: "1700000000.000200", thread_ts: "1700000000.000100" },
            responseUrl: `${slack.url}/response/${ts}`,
            action: { action_id: "vote_approve", value: String(actionId), action_ts: ts },
          }),
        );
      const worker = slackJobWorker(db, slack.url, { now: NOW, documentsDir });
      expect(await click("UFIN", "1.1")).toBe(200);
      await slack.waitFor("/response/1.1");
      await worker.runDue();
      expect(slack.uploads.size).toBe(0); // one approval is not the quorum: no letter yet
      const before = slack.calls.length;
      expect(await click("UCLAIRE", "2.1")).toBe(200);
      await slack.waitFor("/response/2.1", before);
      await worker.runDue(); // the letter, then its upload into the thread, are jobs
      const completed = await slack.waitFor("/api/files.completeUploadExternal", before);
      expect(completed.body).toMatchObject({ channel_id: "CCOMMITTEE", thread_ts: "1700000000.000100" });
      expect(String(completed.body.initial_comment)).toContain("Mise en demeure à Café du Port");
      const upload = [...slack.uploads.values()][0];
      expect(upload?.filename).toBe("formal-notice-C010-2025-07-31.pdf");
      const entry = await db.prisma.historyEntry.findFirstOrThrow({ where: { kind: "document.formal_notice", actionId } });
      expect((entry.data as { sha256: string }).sha256).toBe(sha(upload?.data as Buffer));
      expect(String(completed.body.initial_comment)).toContain(sha(upload?.data as Buffer));
    });
  });

  describe("Teams", () => {
    let db: Database;
    let connector: BotConnectorStandIn;
    let app: TeamsApp;
    let port: number;
    let messenger: TeamsMessenger;
    let actionId: number;
    const documentsDir = mkdtempSync(path.join(tmpdir(), "letters-"));

    beforeAll(async () => {
      db = await freshDatabase(target);
      actionId = await fixture(db);
      connector = await new BotConnectorStandIn().start();
      ({ app, port, messenger } = await startTeamsBot(db, connector.url, { now: NOW, documentsDir }));
      // the digest reply that carries the action, as the weekly job records it
      await db.prisma.postedMessage.create({
        data: {
          platform: "TEAMS",
          job: "weekly-digest",
          slot: "2025-W31",
          part: "actions-1",
          channel: `${CHANNEL};messageid=100`,
          ts: "200",
          actionIds: [actionId],
        },
      });
    });
    afterAll(async () => {
      await app?.stop();
      await connector?.stop();
      await db?.close();
    });

    it("the approval that applies a formal notice posts the letter in the thread with its fingerprint", async () => {
      const click = (m: Member) =>
        sendActivity(port, executeActivity(connector.url, m, channel(`${CHANNEL};messageid=100`), "200", VERBS.approve, { actionId }));
      await click(FIN);
      const before = connector.calls.length;
      await click(OWNER);
      // The letter is issued, then posted, by the jobs the decision enqueued.
      await teamsWorker(db, messenger, { now: NOW, documentsDir }).runDue();
      const letter = await connector.waitFor((c) => c.method === "POST" && JSON.stringify(c.body).includes("Lire la lettre"), before); // the company's default language
      expect(letter.conversationId).toBe(`${CHANNEL};messageid=100`);
      const card = (letter.body.attachments as Array<{ content: unknown }>)[0]?.content;
      expect(adaptiveCardProblems(card).problems).toEqual([]);
      const entry = await db.prisma.historyEntry.findFirstOrThrow({ where: { kind: "document.formal_notice", actionId } });
      const text = JSON.stringify(card);
      expect(text).toContain((entry.data as { sha256: string }).sha256);
      expect(text).toContain("F2025-0101");
    });
  });
});
