// The e-mail and letter buttons of a collector's task in Slack, through the real app (signed requests) and a real
// SMTP peer: Send queues the proposed reminder and the worker delivers it; Edit then send opens the form
// prefilled from the preview, refuses an empty subject on its field and sends the edit; a formal notice issued by
// the committee is a task "send it by registered letter" whose tracking number is checked and recorded once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebClient } from "@slack/web-api";
import type { App } from "@slack/bolt";
import { slackTaskPublisher, taskListMessages } from "../../src/bot/slack/publisher.js";
import { collectorTasks, decisionFacts } from "../../src/services/committeeViews.js";
import type { Database } from "../../src/db/database.js";
import { appendHistory } from "../../src/db/history.js";
import { calendarDate } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { runDailyTasks } from "../../src/jobs/dailyTasks.js";
import { EMAIL_SEND, mailSendHandler } from "../../src/jobs/mailSend.js";
import { JobWorker } from "../../src/jobs/queue.js";
import { createLogger } from "../../src/log.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { SlackStandIn } from "../helpers/slackStandIn.js";
import { buttonClick, buttonsOf, exchangeWithBot, postToBot, startSlackBot, viewSubmission } from "../helpers/slackRequests.js";
import { peerMailConfig, seedMailCompany } from "../mail/fixtures.js";
import { startSmtpPeer, type SmtpPeer } from "../mail/smtpPeer.js";
import { setCompanyLocale } from "../helpers/locale.js";

// Tuesday 24 November 2026, 10:00 in Paris: inside the sending window.
const NOW = new Date("2026-11-24T09:00:00Z");
const logger = createLogger("silent");

let peer: SmtpPeer;
beforeAll(async () => {
  peer = await startSmtpPeer({ user: "bot", password: "s3cret-smtp-password" });
});
afterAll(async () => {
  await peer.close();
  await dropTestSchemas();
});


describe.each(targets)("e-mail and letter buttons on Slack tasks ($name)", (target) => {
  let db: Database;
  let slack: SlackStandIn;
  let app: App;
  let port: number;
  let fx: Awaited<ReturnType<typeof seedMailCompany>>;

  beforeAll(async () => {
    db = await freshDatabase(target);
    // The company speaks French (the default, set explicitly); test/i18n/chatLanguage.test.ts checks English too.
    await setCompanyLocale(db, "fr-FR");
    slack = await new SlackStandIn().start();
    fx = await seedMailCompany(db, [
      { key: "send", name: "Test Send SAS", email: "ap@send-customer.test", due: "2026-11-01", amount: 77_700n },
      { key: "edit", name: "Test Edit SAS", email: "ap@edit-customer.test", due: "2026-11-01", amount: 88_800n },
    ]);
    await db.prisma.chatIdentity.create({ data: { personId: fx.collectorId, platform: "SLACK", externalId: "UCOLETTE" } });
    ({ app, port } = await startSlackBot(db, slack.url, { now: () => NOW, mailReady: true }));
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.stop();
    await db?.close();
  });

  async function deliver() {
    const send = mailSendHandler({
      policy: defaultPolicy,
      config: peerMailConfig(peer, { user: "bot", password: "s3cret-smtp-password" }),
      retryFloorMs: 0,
    });
    const w = new JobWorker({ db, logger, handlers: { [EMAIL_SEND]: send.handler }, concurrency: 1, baseBackoffMs: 1, random: () => 0, now: () => NOW });
    await w.runDue();
    send.close();
  }

  // The collector's day as the daily job sends it (first run), then as the publisher renders it (later runs:
  // the daily job claims its day once).
  let ran = false;
  async function dayTasks(mailReady: boolean) {
    if (!ran) {
      ran = true;
      const before = slack.calls.length;
      const publisher = slackTaskPublisher(new WebClient("xoxb-test", { slackApiUrl: `${slack.url}/api/` }), "EUR", "fr-FR", { mailReady });
      await runDailyTasks({ db, policy: defaultPolicy, publisher, logger }, calendarDate("2026-11-24"));
      return buttonsOf((await slack.waitFor("/api/chat.postMessage", before)).body.blocks);
    }
    const list = await collectorTasks(db, defaultPolicy, calendarDate("2026-11-24"), fx.collectorId);
    return taskListMessages(list, "EUR", "fr-FR", { mailReady }).flatMap((m) => buttonsOf(m.blocks));
  }

  it("Send and Edit then send appear on a proposed e-mail step only when SMTP is configured; Send delivers it once", async () => {
    const without = await dayTasks(false);
    expect(without.flatMap((b) => b.buttons.map((x) => x.action_id))).not.toContain("task_email_send");
    const rows = await dayTasks(true);
    const send = fx.customers.send as { id: number; email: string };
    const row = rows.find((r) => r.block === `task-${send.id}:second-reminder`);
    const sendButton = row?.buttons.find((b) => b.action_id === "task_email_send");
    expect(sendButton?.text.text).toBe("Envoyer l’e-mail");
    expect(row?.buttons.find((b) => b.action_id === "task_email_edit")?.text.text).toBe("Modifier puis envoyer");

    const before = slack.calls.length;
    for (const ts of ["1.1", "1.2"]) {
      const click = buttonClick({
        user: "UCOLETTE",
        channel: "DCOLETTE",
        message: { ts: "100.1" },
        responseUrl: `${slack.url}/response/${ts}`,
        action: { action_id: "task_email_send", value: sendButton?.value, action_ts: ts },
      });
      expect(await postToBot(port, click)).toBe(200);
      await slack.waitFor("/response/", before + (ts === "1.2" ? 1 : 0));
    }
    const answers = slack.calls.slice(before).filter((c) => c.path.startsWith("/response/")).map((c) => String(c.body.text));
    expect(answers.sort()).toEqual([
      "L’e-mail « second-reminder » à Test Send SAS est déjà envoyé ou en route aujourd’hui : rien de plus n’est envoyé.",
      "L’e-mail « second-reminder » à Test Send SAS est en route ; il est gardé dans l’historique dès que le serveur l’accepte.",
    ]);
    const received = peer.received.length;
    await deliver();
    const mine = peer.received.slice(received);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.recipients).toContain(send.email);
  });

  it("Edit then send: the form is prefilled from the preview, an empty subject comes back on its field, the edit is sent", async () => {
    const edit = fx.customers.edit as { id: number; email: string };
    const value = JSON.stringify({ c: edit.id, l: "second-reminder" });
    let before = slack.calls.length;
    const click = JSON.parse(
      buttonClick({ user: "UCOLETTE", channel: "DCOLETTE", message: { ts: "100.2" }, responseUrl: `${slack.url}/response/2.1`, action: { action_id: "task_email_edit", value, action_ts: "2.1" } })
        .payload as string,
    ) as Record<string, unknown>;
    expect(await postToBot(port, { payload: JSON.stringify({ ...click, trigger_id: "5.6.7" }) })).toBe(200);
    const opened = await slack.waitFor("/api/views.open", before);
    const view = (typeof opened.body.view === "string" ? JSON.parse(opened.body.view) : opened.body.view) as {
      callback_id: string;
      private_metadata: string;
      blocks: Array<{ block_id?: string; element?: { initial_value?: string } }>;
    };
    expect(view.callback_id).toBe("email_edit_modal");
    expect(view.blocks.find((b) => b.block_id === "subject")?.element?.initial_value).toBe("Deuxième relance — factures échues — Test Edit SAS");
    expect(view.blocks.find((b) => b.block_id === "message")?.element?.initial_value).toMatch(/^Malgré notre précédente relance/);

    const submit = (subject: string, message: string) =>
      exchangeWithBot(
        port,
        viewSubmission({
          user: "UCOLETTE",
          callbackId: "email_edit_modal",
          privateMetadata: view.private_metadata,
          values: { subject: { value: { type: "plain_text_input", value: subject } }, message: { value: { type: "plain_text_input", value: message } } },
        }),
      );
    expect(JSON.parse((await submit("  ", "Bonjour")).body)).toEqual({ response_action: "errors", errors: { subject: "L’objet ne peut pas être vide." } });
    expect(await db.prisma.job.count({ where: { kind: EMAIL_SEND, key: { contains: `:${edit.id}:` } } })).toBe(0);

    before = slack.calls.length;
    expect((await submit("Nos factures d'octobre", "Suite à notre appel de ce matin, voici le détail promis.")).status).toBe(200);
    const told = await slack.waitFor("/api/chat.postMessage", before);
    expect(String(told.body.text)).toContain("Test Edit SAS est en route");
    const received = peer.received.length;
    await deliver();
    const mine = peer.received.slice(received);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.bytes.toString()).toContain("Suite =C3=A0 notre appel");
  });

  it("an issued formal notice is a task 'send it by registered letter'; a mistyped tracking number is refused on the field; a good one is recorded once", async () => {
    const customer = fx.customers.send as { id: number };
    const action = await db.prisma.proposedAction.create({
      data: { customerId: customer.id, kind: "FORMAL_NOTICE", status: "APPLIED", reason: "test", period: "2026-W48", decidedAt: NOW, appliedAt: NOW },
    });
    await db.prisma.$transaction((tx) =>
      appendHistory(tx, {
        occurredAt: NOW,
        customerId: customer.id,
        origin: "JOB",
        channel: "LETTER",
        kind: "document.formal_notice",
        text: "Formal notice issued",
        actionId: action.id,
        data: { pdfFile: "x.pdf", textFile: "x.txt", sha256: "0".repeat(64), total: "77700", deadline: "2026-12-02" },
      }),
    );
    const rows = await dayTasks(true);
    const row = rows.find((r) => r.block === `task-${customer.id}:notice-letter`);
    const letter = row?.buttons.find((b) => b.action_id === "task_letter_sent");
    expect(letter?.text.text).toBe("Envoyée en recommandé");
    // Recorded with its tracking number, not with a bare "Sent".
    expect(row?.buttons.map((b) => b.action_id)).not.toContain("task_outcome:sent");

    let before = slack.calls.length;
    const click = JSON.parse(
      buttonClick({ user: "UCOLETTE", channel: "DCOLETTE", message: { ts: "100.3" }, responseUrl: `${slack.url}/response/3.1`, action: { action_id: "task_letter_sent", value: letter?.value, action_ts: "3.1" } })
        .payload as string,
    ) as Record<string, unknown>;
    expect(await postToBot(port, { payload: JSON.stringify({ ...click, trigger_id: "8.9.1" }) })).toBe(200);
    const opened = await slack.waitFor("/api/views.open", before);
    const view = (typeof opened.body.view === "string" ? JSON.parse(opened.body.view) : opened.body.view) as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe("letter_sent_modal");
    const submit = (tracking: string) =>
      exchangeWithBot(port, viewSubmission({ user: "UCOLETTE", callbackId: "letter_sent_modal", privateMetadata: view.private_metadata, values: { tracking: { value: { type: "plain_text_input", value: tracking } } } }));
    expect(JSON.parse((await submit("RA 123 456 784 FR")).body)).toEqual({
      response_action: "errors",
      errors: { tracking: "la clé de contrôle de RA123456784FR ne correspond pas (une faute de frappe ?) : recopiez-le depuis le récépissé" },
    });
    expect(JSON.parse((await submit("12-34")).body).errors.tracking).toBe("le numéro de suivi a de 10 à 20 lettres et chiffres (il en a 4)");
    expect(await db.prisma.historyEntry.count({ where: { kind: "letter.sent" } })).toBe(0);

    before = slack.calls.length;
    expect((await submit("RA 123 456 785 FR")).status).toBe(200);
    expect(String((await slack.waitFor("/api/chat.postMessage", before)).body.text)).toContain("n° RA123456785FR");
    before = slack.calls.length;
    expect((await submit("1A 123 456 7890 1")).status).toBe(200);
    expect(String((await slack.waitFor("/api/chat.postMessage", before)).body.text)).toContain("déjà enregistré (n° RA123456785FR)");
    const sent = await db.prisma.historyEntry.findMany({ where: { kind: "letter.sent" } });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ actionId: action.id, customerId: customer.id, channel: "LETTER", data: { registeredMail: "RA123456785FR" } });
    // The committee's follow-through reads it.
    const facts = await decisionFacts(db, calendarDate("2026-11-24"), "Europe/Paris");
    expect(facts.find((f) => f.actionId === action.id)?.letterSent).toEqual({ on: "2026-11-24", registeredMail: "RA123456785FR" });
    // The task is gone once recorded.
    expect((await dayTasks(true)).map((r) => r.block)).not.toContain(`task-${customer.id}:notice-letter`);
  });
});
