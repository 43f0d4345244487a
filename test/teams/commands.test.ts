import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "@microsoft/teams.apps";
import { VERBS } from "../../src/bot/teams/cards.js";
import { notRegistered } from "../../src/domain/access.js";
import type { Database } from "../../src/db/database.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { adaptiveCardProblems } from "../helpers/adaptiveCards.js";
import { BotConnectorStandIn } from "../helpers/botConnector.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";
import {
  channel,
  executeActivity,
  installActivity,
  invokeActivity,
  messageActivity,
  personalChat,
  sendActivity,
  startTeamsBot,
  type Member,
} from "../helpers/teamsRequests.js";
import { setCompanyLocale } from "../helpers/locale.js";

afterAll(dropTestSchemas);

const CLAIRE: Member = { id: "29:claire", aadObjectId: "aad-claire", name: "Claire Dumont" };
const SOPHIE: Member = { id: "29:sophie", aadObjectId: "aad-sophie", name: "Sophie Leroy" };
const NATHALIE: Member = { id: "29:nathalie", aadObjectId: "aad-nathalie", name: "Nathalie Roche" };
const STRANGER: Member = { id: "29:stranger", aadObjectId: "aad-stranger", name: "Someone" };

type Card = { body: Array<Record<string, unknown>> };
const cardOf = (body: Record<string, unknown> | undefined) => (body?.attachments as Array<{ content: Card }> | undefined)?.[0]?.content;

describe.each(targets)("Teams commands and the message extension on $name", (target) => {
  let db: Database;
  let connector: BotConnectorStandIn;
  let app: App;
  let port: number;

  beforeAll(async () => {
    db = await freshDatabase(target);
    // The company speaks French (the default, set explicitly); test/i18n/chatLanguage.test.ts checks English too.
    await setCompanyLocale(db, "fr-FR");
    connector = await new BotConnectorStandIn().start();
    const person = (m: Member, email: string, roles: Array<"SALES" | "COLLECTOR" | "FINANCE">) =>
      db.prisma.person.create({
        data: { name: m.name, email, roles, identities: { create: [{ platform: "TEAMS", externalId: m.aadObjectId }] } },
      });
    await person(CLAIRE, "claire@acme.example", ["SALES"]);
    await person(SOPHIE, "sophie@acme.example", ["COLLECTOR"]);
    await person(NATHALIE, "nathalie@acme.example", ["FINANCE"]);
    await runImport(
      db,
      IMPORTERS.customers,
      writeTemp(
        `teams-cmd-customers-${target.name}.csv`,
        csv("external_id;name;collector;sales_owner;credit_limit", "ACME;Acme Industrie;sophie@acme.example;claire@acme.example;5000,00"),
      ),
    );
    await runImport(
      db,
      IMPORTERS.invoices,
      writeTemp(
        `teams-cmd-invoices-${target.name}.csv`,
        csv(
          "customer_id;number;issue_date;due_date;amount;open_amount",
          "ACME;F2025-0113;2026-09-01;2026-10-01;1200,00;1200,00",
          "ACME;F2025-0114;2026-09-15;2026-10-15;800,00;800,00",
          "ACME;F2025-0115;2026-09-20;2026-10-20;300,00;0",
        ),
      ),
    );
    ({ app, port } = await startTeamsBot(db, connector.url, { now: () => new Date("2026-11-20T09:00:00Z") }));
    expect((await sendActivity(port, installActivity(connector.url, SOPHIE, personalChat(SOPHIE)))).status).toBe(200);
  });
  afterAll(async () => {
    await app?.stop();
    await connector?.stop();
    await db?.close();
  });

  const say = async (from: Member, text: string) => {
    const before = connector.calls.length;
    const res = await sendActivity(port, messageActivity(connector.url, from, personalChat(from), text));
    expect(res.status).toBe(200);
    return connector.waitFor((c) => c.conversationId === personalChat(from).id, before);
  };

  it("credit ACME answers with the customer file card", async () => {
    const reply = await say(CLAIRE, "credit acme");
    const card = cardOf(reply.body);
    expect(adaptiveCardProblems(card)).toEqual({ problems: [], version: "1.5" });
    const text = JSON.stringify(card);
    expect(text).toContain("Acme Industrie (ACME)");
    expect(text).toContain("Livraisons ouvertes");
    expect(text).toMatch(/Exposition 2\s000,00\s€, limite 5\s000,00\s€/);
    // 2 000 overdue at the policy's 30% gross margin: 2 000 / 0.30 = 6 666.666... -> 6 666.67 of sales (rounded up)
    expect(text).toMatch(/\*\*Coût en cas de perte :\*\* il faudrait 6\s666,67\s€ de ventes à 30 % de marge brute pour compenser 2\s000,00\s€ s’ils ne sont jamais payés/);
    const unknown = await say(CLAIRE, "credit nobody-like-this");
    expect(JSON.stringify(unknown.body)).toContain("⚠️");
  });

  it("dispute INVOICE reason pauses dunning, writes history and tells the collector; bad input gets a clear error", async () => {
    const before = connector.calls.length;
    const reply = await say(CLAIRE, "dispute F2025-0113 quality two pallets arrived damaged");
    expect(reply.body.text).toBe("Litige enregistré sur F2025-0113 (Acme Industrie, qualité) : les relances sur cette facture sont suspendues.");
    const dispute = await db.prisma.dispute.findFirstOrThrow({ include: { invoice: true } });
    expect(dispute).toMatchObject({ category: "QUALITY", reason: "two pallets arrived damaged", status: "OPEN" });
    expect(await db.prisma.historyEntry.count({ where: { kind: "dispute.opened", origin: "TEAMS" } })).toBe(1);
    const told = await connector.waitFor(
      (c) => c.conversationId === personalChat(SOPHIE).id && String(c.body.text).includes("a signalé un litige"),
      before,
    );
    expect(told.body.text).toContain("Claire Dumont a signalé un litige sur F2025-0113 (Acme Industrie) : two pallets arrived damaged");

    for (const [text, expected] of [
      ["dispute F2025-0113 price again", "La facture F2025-0113 est déjà en litige (qualité, depuis le 20/11/2026)."],
      ["dispute F2025-0115 price too high", "La facture F2025-0115 est entièrement payée : il n’y a plus rien à contester."],
      ["dispute F9999 price too high", "La facture F9999 est inconnue. Vérifiez le numéro (par ex. F2025-0113)."],
    ] as const) {
      expect(JSON.stringify((await say(CLAIRE, text)).body)).toContain(expected);
    }
    expect(JSON.stringify((await say(STRANGER, "dispute F2025-0114 price too high")).body)).toContain(
      notRegistered("fr-FR"),
    );
    expect(await db.prisma.dispute.count()).toBe(1);
  });

  it("dispute alone answers with a form; its Universal Action checks the fields and records the dispute", async () => {
    const reply = await say(CLAIRE, "dispute");
    const card = cardOf(reply.body);
    expect(adaptiveCardProblems(card).problems).toEqual([]);
    const execute = (data: Record<string, unknown>) =>
      sendActivity(port, executeActivity(connector.url, CLAIRE, personalChat(CLAIRE), String(reply.body.id ?? "1"), VERBS.dispute, data));
    const bad = await execute({ invoice: "F2025-0114", category: "PRICE", reason: "x", amount: "abc" });
    expect(JSON.stringify(bad.body?.value)).toContain("Dites ce que conteste le client.");
    expect(adaptiveCardProblems(bad.body?.value).problems).toEqual([]);
    const good = await execute({ invoice: "F2025-0114", category: "PRICE", reason: "price agreed was 700", amount: "100,00" });
    expect(JSON.stringify(good.body?.value)).toContain("Litige enregistré sur F2025-0114 (Acme Industrie, prix)");
    expect((await db.prisma.dispute.findFirstOrThrow({ where: { invoice: { number: "F2025-0114" } } })).amountDisputed).toBe(10000n);
  });

  it("the message extension's action opens a prefilled form and records the dispute from it", async () => {
    await db.prisma.dispute.updateMany({ data: { status: "RESOLVED" } }); // start over on F2025-0113
    const open = await sendActivity(
      port,
      invokeActivity(connector.url, CLAIRE, channel(), "composeExtension/fetchTask", {
        commandId: "flagDispute",
        commandContext: "message",
        messagePayload: { body: { contentType: "html", content: "<p>Client says F2025-0113 is wrong: price</p>" } },
      }),
    );
    expect(open.status).toBe(200);
    const form = (open.body as { task: { type: string; value: { card: { content: Card } } } }).task;
    expect(form.type).toBe("continue");
    expect(adaptiveCardProblems(form.value.card.content).problems).toEqual([]);
    expect(JSON.stringify(form.value.card.content)).toContain('"value":"F2025-0113"');

    const submit = (data: Record<string, string>) =>
      sendActivity(
        port,
        invokeActivity(connector.url, CLAIRE, channel(), "composeExtension/submitAction", { commandId: "flagDispute", data }),
      );
    const bad = await submit({ invoice: "", category: "PRICE", reason: "price agreed was lower" });
    expect(JSON.stringify(bad.body)).toContain("Indiquez le numéro de facture");
    const good = await submit({ invoice: "F2025-0113", category: "PRICE", reason: "price agreed was lower" });
    expect(good.body).toEqual({ task: { type: "message", value: expect.stringContaining("Litige enregistré sur F2025-0113") } });
    expect(await db.prisma.dispute.count({ where: { status: "OPEN" } })).toBe(1);
  });

  it("the search extension finds the account and returns its file as a card", async () => {
    const res = await sendActivity(
      port,
      invokeActivity(connector.url, CLAIRE, channel(), "composeExtension/query", {
        commandId: "findAccount",
        parameters: [{ name: "query", value: "F2025-0114" }],
      }),
    );
    const result = (
      res.body as { composeExtension: { type: string; attachments: Array<{ content: Card; preview: { content: { title: string } } }> } }
    ).composeExtension;
    expect(result.type).toBe("result");
    expect(adaptiveCardProblems(result.attachments[0]?.content).problems).toEqual([]);
    expect(result.attachments[0]?.preview.content.title).toContain("Acme Industrie");
  });

  it("the customer file's Evidence button sends the PDF after the person accepts it, in the personal chat only", async () => {
    const reply = await say(CLAIRE, "credit ACME");
    const action = (cardOf(reply.body) as unknown as { actions: Array<{ title: string; verb: string; data: Record<string, unknown> }> })
      .actions[0];
    expect(action?.title).toBe("Dossier de preuve (PDF)");
    const click = (conversation: { id: string; conversationType: string }) =>
      sendActivity(
        port,
        executeActivity(connector.url, CLAIRE, conversation, String(reply.body.id ?? "1"), action?.verb ?? "", action?.data ?? {}),
      );
    expect(String((await click(channel())).body?.value)).toContain("Le dossier de preuve contient des données personnelles");
    let before = connector.calls.length;
    expect(String((await click(personalChat(CLAIRE))).body?.value)).toContain("Acceptez le fichier ci-dessous");
    const consent = await connector.waitFor((c) => JSON.stringify(c.body).includes("file.consent"), before);
    const attachment = (consent.body.attachments as Array<{ name: string; content: { sizeInBytes: number; acceptContext: unknown } }>)[0];
    expect(attachment?.name).toBe("evidence-ACME.pdf");
    expect(attachment?.content.sizeInBytes).toBeGreaterThan(1000);

    before = connector.calls.length;
    const accepted = await sendActivity(
      port,
      invokeActivity(connector.url, CLAIRE, personalChat(CLAIRE), "fileConsent/invoke", {
        type: "fileUpload",
        action: "accept",
        context: attachment?.content.acceptContext,
        uploadInfo: {
          name: "evidence-ACME.pdf",
          uploadUrl: `${connector.url}/upload/evidence-ACME.pdf`,
          contentUrl: "https://contoso-my.sharepoint.com/personal/claire/Documents/evidence-ACME.pdf",
          uniqueId: "u-1",
          fileType: "pdf",
        },
      }),
    );
    expect(accepted.status).toBe(200);
    const info = await connector.waitFor((c) => JSON.stringify(c.body).includes("file.info"), before);
    expect(JSON.stringify(info.body)).toContain("u-1");
    const uploaded = connector.uploads.get("evidence-ACME.pdf");
    expect(uploaded?.data.subarray(0, 5).toString()).toBe("%PDF-");
    expect(uploaded?.range).toBe(`bytes 0-${(uploaded?.data.length ?? 0) - 1}/${uploaded?.data.length}`);
  });

  it("dispute resolve is for finance and back office", async () => {
    expect(JSON.stringify((await say(CLAIRE, "dispute resolve F2025-0113 credit note issued")).body)).toContain("finance");
    const done = await say(NATHALIE, "dispute resolve F2025-0113 credit note AV-0042 issued");
    expect(done.body.text).toBe("Litige sur F2025-0113 réglé : credit note AV-0042 issued. Les relances reprennent.");
  });
});

describe("the Teams endpoint with authentication on (the default outside tests)", () => {
  let db: Database;
  let connector: BotConnectorStandIn;
  let app: App;
  let port: number;

  beforeAll(async () => {
    db = await freshDatabase(targets[0] as (typeof targets)[number]);
    // The company speaks French (the default, set explicitly); test/i18n/chatLanguage.test.ts checks English too.
    await setCompanyLocale(db, "fr-FR");
    connector = await new BotConnectorStandIn().start();
    ({ app, port } = await startTeamsBot(db, connector.url, { authenticate: true }));
  });
  afterAll(async () => {
    await app?.stop();
    await connector?.stop();
    await db?.close();
  });

  it("refuses an activity without a Bot Framework token, or with a forged one, and changes nothing", async () => {
    const activity = installActivity(connector.url, CLAIRE, personalChat(CLAIRE));
    expect((await sendActivity(port, activity)).status).toBe(401);
    const forged = `${Buffer.from('{"alg":"RS256","kid":"x"}').toString("base64url")}.${Buffer.from('{"aud":"x"}').toString("base64url")}.c2ln`;
    expect((await sendActivity(port, activity, { authorization: `Bearer ${forged}` })).status).toBe(401);
    expect(await db.prisma.conversationRef.count()).toBe(0);
    expect(connector.calls).toHaveLength(0);
  });
});
