import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "@slack/bolt";
import { parseDisputeCommand } from "../../src/usecases/disputes.js";
import { readSlackConfig } from "../../src/config/slack.js";
import type { Database } from "../../src/db/database.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";
import { SlackStandIn } from "../helpers/slackStandIn.js";
import { buttonClick, exchangeWithBot, postToBot, startSlackBot, viewSubmission } from "../helpers/slackRequests.js";
import { setCompanyLocale } from "../helpers/locale.js";

afterAll(dropTestSchemas);

describe("Slack configuration", () => {
  it("names the missing variable", () => {
    expect(readSlackConfig({})).toBeNull();
    expect(() => readSlackConfig({ SLACK_BOT_TOKEN: "xoxb-1" })).toThrow("SLACK_APP_TOKEN: is required in socket mode");
    expect(() => readSlackConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_MODE: "http" })).toThrow(
      "SLACK_SIGNING_SECRET: is required in HTTP mode",
    );
    expect(() => readSlackConfig({ SLACK_BOT_TOKEN: "xoxp-1", SLACK_APP_TOKEN: "xapp-1" })).toThrow(
      "SLACK_BOT_TOKEN: must be the bot token, starting with xoxb-",
    );
  });

  it("reads a dispute command: invoice, optional category, reason", () => {
    expect(parseDisputeCommand("F2025-0113 qualité deux palettes abîmées")).toEqual({
      invoiceNumber: "F2025-0113",
      category: "QUALITY",
      reason: "deux palettes abîmées",
    });
    expect(parseDisputeCommand("F2025-0113 wrong unit price")).toEqual({
      invoiceNumber: "F2025-0113",
      category: "OTHER",
      reason: "wrong unit price",
    });
    expect(parseDisputeCommand("F2025-0113")).toBeNull();
  });
});

describe.each(targets)("Slack slash commands through the real Bolt app on $name", (target) => {
  let db: Database;
  let slack: SlackStandIn;
  let app: App;
  let port: number;

  const post = (fields: Record<string, string>, options: { secret?: string; age?: number } = {}) =>
    postToBot(
      port,
      {
        token: "x",
        team_id: "T1",
        channel_id: "C1",
        response_url: `${slack.url}/response/${Math.random()}`,
        trigger_id: "1.2.3",
        ...fields,
      },
      options,
    );

  beforeAll(async () => {
    db = await freshDatabase(target);
    // The company speaks French (the default, set explicitly); test/i18n/chatLanguage.test.ts checks English too.
    await setCompanyLocale(db, "fr-FR");
    slack = await new SlackStandIn().start();
    await db.prisma.person.create({
      data: {
        name: "Marc Petit",
        email: "marc@acme.example",
        roles: ["SALES"],
        identities: { create: [{ platform: "SLACK", externalId: "UMARC", workspace: "T1" }] },
      },
    });
    await db.prisma.person.create({
      data: {
        name: "Sophie Leroy",
        email: "sophie@acme.example",
        roles: ["COLLECTOR"],
        identities: { create: [{ platform: "SLACK", externalId: "USOPHIE" }] },
      },
    });
    await runImport(
      db,
      IMPORTERS.customers,
      writeTemp(
        `slack-customers-${target.name}.csv`,
        csv("external_id;name;credit_limit;collector", "K1;Café du Port;1000;sophie@acme.example"),
      ),
    );
    await runImport(
      db,
      IMPORTERS.invoices,
      writeTemp(
        `slack-invoices-${target.name}.csv`,
        csv("customer_id;number;issue_date;due_date;amount", "K1;F-1;2026-09-01;2026-10-01;1500,00"),
      ),
    );
    ({ app, port } = await startSlackBot(db, slack.url, { now: () => new Date("2026-11-20T09:00:00Z") }));
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.stop();
    await db?.close();
  });

  it("/credit answers with the customer file: blocked or not, exposure against the limit, aging", async () => {
    const before = slack.calls.length;
    expect(await post({ command: "/credit", text: "café", user_id: "UMARC" })).toBe(200);
    const reply = await slack.waitFor("/response/", before);
    expect(reply.body.response_type).toBe("ephemeral");
    const text = JSON.stringify(reply.body.blocks);
    expect(text).toContain("Café du Port (K1)");
    expect(text).toContain("Livraisons ouvertes");
    expect(text).toMatch(/Exposition 1.500,00.€, limite 1.000,00.€ — \*500,00.€ au-delà\*/);
    // The policy's 30% gross margin: 1 500 / 0.30 = 5 000 of sales to make up the overdue if it is lost.
    expect(text).toMatch(/\*Coût en cas de perte :\* il faudrait 5.000,00.€ de ventes à 30 % de marge brute pour compenser 1.500,00.€ s’ils ne sont jamais payés/);
  });

  it("/credit: the company's margin-rate setting replaces the policy's gross margin in the cost of an unpaid invoice", async () => {
    await db.prisma.companySettings.upsert({ where: { id: 1 }, update: { marginRatePercent: 25 }, create: { id: 1, marginRatePercent: 25 } });
    try {
      const before = slack.calls.length;
      expect(await post({ command: "/credit", text: "café", user_id: "UMARC" })).toBe(200);
      const reply = await slack.waitFor("/response/", before);
      // 1 500 / 0.25 = 6 000
      expect(JSON.stringify(reply.body.blocks)).toMatch(/il faudrait 6.000,00.€ de ventes à 25 % de marge brute pour compenser 1.500,00.€/);
    } finally {
      await db.prisma.companySettings.update({ where: { id: 1 }, data: { marginRatePercent: null } });
    }
  });

  it("/dispute records the dispute, pauses dunning on the invoice and tells the collector", async () => {
    const before = slack.calls.length;
    expect(await post({ command: "/dispute", text: "F-1 quality two pallets arrived damaged", user_id: "UMARC" })).toBe(200);
    const reply = await slack.waitFor("/response/", before);
    expect(JSON.stringify(reply.body)).toContain("Litige enregistré sur F-1 (Café du Port, qualité) : les relances sur cette facture sont suspendues.");
    const dm = await slack.waitFor("/api/chat.postMessage", before);
    expect(dm.body.channel).toBe("USOPHIE");
    const dispute = await db.prisma.dispute.findFirstOrThrow({ include: { openedBy: true } });
    expect(dispute).toMatchObject({ category: "QUALITY", reason: "two pallets arrived damaged", status: "OPEN" });
    expect(dispute.openedBy?.name).toBe("Marc Petit");
    expect(await db.prisma.historyEntry.count({ where: { kind: "dispute.opened", origin: "SLACK" } })).toBe(1);
  });

  it("an unknown invoice, an invoice already disputed, or a stranger get a clear ephemeral error and change nothing", async () => {
    for (const [text, user, expected] of [
      ["NOPE-9 price too high", "UMARC", "La facture NOPE-9 est inconnue."],
      ["F-1 price too high", "UMARC", "La facture F-1 est déjà en litige (qualité, depuis le"],
      // The bot's own refusal and the use case's sentences above: French, the default.
      ["F-1 price too high", "USTRANGER", "Vous n’êtes pas enregistré auprès du bot du comité de crédit."],
    ] as const) {
      const before = slack.calls.length;
      expect(await post({ command: "/dispute", text, user_id: user })).toBe(200);
      const reply = await slack.waitFor("/response/", before);
      expect(reply.body.response_type).toBe("ephemeral");
      expect(JSON.stringify(reply.body)).toContain(expected);
    }
    expect(await db.prisma.dispute.count()).toBe(1);
  });

  it("/dispute resolve is for finance or the back office, and resumes dunning", async () => {
    let before = slack.calls.length;
    expect(await post({ command: "/dispute", text: "resolve F-1 credit note issued", user_id: "UMARC" })).toBe(200);
    expect(JSON.stringify((await slack.waitFor("/response/", before)).body)).toContain(
      "Seuls la finance ou le back-office peuvent régler un litige ; Marc Petit n’en fait pas partie.",
    );
    expect((await db.prisma.dispute.findFirstOrThrow()).status).toBe("OPEN");
    await db.prisma.person.create({
      data: { name: "Nathalie Roche", roles: ["FINANCE"], identities: { create: [{ platform: "SLACK", externalId: "UFIN" }] } },
    });
    before = slack.calls.length;
    expect(await post({ command: "/dispute", text: "resolve F-1 credit note AV-7 issued", user_id: "UFIN" })).toBe(200);
    expect(JSON.stringify((await slack.waitFor("/response/", before)).body)).toContain(
      "Litige sur F-1 réglé : credit note AV-7 issued. Les relances reprennent.",
    );
    expect(await db.prisma.dispute.findFirstOrThrow()).toMatchObject({ status: "RESOLVED", resolution: "credit note AV-7 issued" });
  });

  it("a forged signature or a request older than 5 minutes gets 401 and changes nothing", async () => {
    const before = slack.calls.length;
    expect(await post({ command: "/dispute", text: "F-1 other forged", user_id: "UMARC" }, { secret: "not-the-secret-at-all" })).toBe(401);
    expect(await post({ command: "/dispute", text: "F-1 other replayed", user_id: "UMARC" }, { age: 6 * 60 })).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.calls.slice(before).filter((c) => c.path.startsWith("/response/"))).toEqual([]);
    expect(await db.prisma.dispute.count()).toBe(1);
  });
  it("/dispute with parts missing opens the form; its problems show on the fields; a valid form records the dispute", async () => {
    let before = slack.calls.length;
    expect(await post({ command: "/dispute", text: "F-2", user_id: "UMARC" })).toBe(200);
    const opened = await slack.waitFor("/api/views.open", before);
    const view = (typeof opened.body.view === "string" ? JSON.parse(opened.body.view) : opened.body.view) as {
      callback_id: string;
      private_metadata: string;
      blocks: Array<{ block_id: string; element: { initial_value?: string } }>;
    };
    expect(view.callback_id).toBe("dispute_modal");
    expect(view.blocks.find((b) => b.block_id === "invoice")?.element.initial_value).toBe("F-2");
    const submit = (invoice: string, category: string | null, reason: string, amount = "") =>
      exchangeWithBot(
        port,
        viewSubmission({
          user: "UMARC",
          callbackId: "dispute_modal",
          privateMetadata: view.private_metadata,
          values: {
            invoice: { value: { type: "plain_text_input", value: invoice } },
            category: { value: { type: "static_select", selected_option: category ? { value: category } : null } },
            reason: { value: { type: "plain_text_input", value: reason } },
            amount: { value: { type: "plain_text_input", value: amount } },
          },
        }),
      );
    const errorsOf = async (res: Promise<{ status: number; body: string }>) =>
      (JSON.parse((await res).body) as { errors: Record<string, string> }).errors;
    expect(await errorsOf(submit("F-2", null, "x", "abc"))).toEqual({
      category: "Choisissez un motif : prix, quantité, qualité, livraison, erreur de facturation, autre.",
      reason: "Dites ce que conteste le client.",
      amount: expect.stringContaining("abc"),
    });
    expect(await errorsOf(submit("NOPE-9", "PRICE", "price too high"))).toEqual({
      invoice: "La facture NOPE-9 est inconnue. Vérifiez le numéro (par ex. F2025-0113).",
    });
    await db.prisma.invoice.create({
      data: {
        customerId: (await db.prisma.customer.findFirstOrThrow()).id,
        number: "F-2",
        issueDate: new Date("2026-10-01T00:00:00Z"),
        dueDate: new Date("2026-10-31T00:00:00Z"),
        amount: 40000n,
        openAmount: 40000n,
        currency: "EUR",
        source: "CSV",
      },
    });
    before = slack.calls.length;
    const ok = await submit("F-2", "DELIVERY", "never delivered", "100,00");
    expect(ok).toEqual({ status: 200, body: "" });
    const dispute = await db.prisma.dispute.findFirstOrThrow({ where: { invoice: { number: "F-2" } } });
    expect(dispute).toMatchObject({ category: "DELIVERY", reason: "never delivered", amountDisputed: 10000n });
    // the collector is told, and the person who flagged it gets the confirmation by direct message
    const deadline = Date.now() + 5000;
    const toMarc = () => slack.calls.slice(before).find((c) => c.path.startsWith("/api/chat.postMessage") && c.body.channel === "UMARC");
    while (!toMarc() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const confirmation = toMarc();
    expect(JSON.stringify(confirmation?.body)).toContain("Litige enregistré sur F-2 (Café du Port, livraison)");
  });

  it("/dispute whose form cannot open in time says how to do without it", async () => {
    const before = slack.calls.length;
    expect(await post({ command: "/dispute", text: "", user_id: "UMARC", trigger_id: "expired" })).toBe(200);
    const reply = await slack.waitFor("/response/", before);
    expect(JSON.stringify(reply.body)).toContain("Le formulaire a mis trop de temps à s’ouvrir. Usage : /dispute FACTURE");
  });

  it("an answer whose response_url is spent (5 uses) or expired (30 minutes) goes through chat.postEphemeral", async () => {
    const used = `${slack.url}/response/used-${target.name}`;
    for (let i = 0; i < 6; i++) expect(await post({ command: "/credit", text: "café", user_id: "UMARC", response_url: used })).toBe(200);
    const before = slack.calls.length;
    expect(
      await post({ command: "/credit", text: "café", user_id: "UMARC", response_url: `${slack.url}/response/expired-${target.name}` }),
    ).toBe(200);
    const fallback = await slack.waitFor("/api/chat.postEphemeral", before);
    expect(fallback.body).toMatchObject({ channel: "C1", user: "UMARC" });
    expect(JSON.stringify(fallback.body.blocks)).toContain("Café du Port (K1)");
    // the sixth use of the first URL fell back too
    const ephemerals = () => slack.calls.filter((c) => c.path.startsWith("/api/chat.postEphemeral"));
    const deadline = Date.now() + 5000;
    while (ephemerals().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(ephemerals()).toHaveLength(2);
  });

  it("Slack's 429 is honoured: the bot waits Retry-After, then sends", async () => {
    slack.rateLimitNext("chat.postEphemeral", 1);
    const before = slack.calls.length;
    expect(
      await post({ command: "/credit", text: "café", user_id: "UMARC", response_url: `${slack.url}/response/expired-429-${target.name}` }),
    ).toBe(200);
    const deadline = Date.now() + 8000;
    const tries = () => slack.calls.slice(before).filter((c) => c.path.startsWith("/api/chat.postEphemeral"));
    while (tries().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const [limited, retried] = tries();
    expect(retried).toBeDefined();
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  }, 15_000);

  it("the customer file's Evidence button sends the evidence PDF by direct message to who asked", async () => {
    let before = slack.calls.length;
    expect(await post({ command: "/credit", text: "café", user_id: "UMARC" })).toBe(200);
    const reply = await slack.waitFor("/response/", before);
    const button = (reply.body.blocks as Array<{ block_id?: string; elements?: Array<{ action_id: string; value: string }> }>).find(
      (b) => b.block_id === "customer-file",
    )?.elements?.[0];
    expect(button?.action_id).toBe("evidence_file");
    before = slack.calls.length;
    const click = buttonClick({
      user: "UMARC",
      channel: "C1",
      message: { ts: "1.1" },
      responseUrl: `${slack.url}/response/ev-${target.name}`,
      action: { action_id: "evidence_file", value: button?.value ?? "", action_ts: "9.1" },
    });
    expect(await postToBot(port, click)).toBe(200);
    const done = await slack.waitFor("/api/files.completeUploadExternal", before);
    expect(done.body.channel_id).toBe("DUMARC");
    expect(String(done.body.initial_comment)).toContain("Dossier de preuve de Café du Port");
    const pdf = [...slack.uploads.values()].find((u) => u.filename === "evidence-K1.pdf");
    expect(pdf?.data?.subarray(0, 5).toString()).toBe("%PDF-");
  });
});
