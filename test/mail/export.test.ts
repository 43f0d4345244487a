// `ccbot history export CUSTOMER --eml DIR` writes the exact messages sent, each matching the SHA-256 kept in
// the history, and the evidence PDF lists every e-mail with its hash.
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrate.js";
import { calendarDate } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { evidenceFile } from "../../src/documents/evidence.js";
import { EMAIL_SEND, mailSendHandler } from "../../src/jobs/mailSend.js";
import { JobWorker } from "../../src/jobs/queue.js";
import { createLogger } from "../../src/log.js";
import { scheduleReminderEmails } from "../../src/usecases/emailReminders.js";
import { ccbot, heldCliTargets, heldDatabase } from "../helpers/cli.js";
import { dropTestSchemas } from "../helpers/databases.js";
import { peerMailConfig, seedMailCompany } from "./fixtures.js";
import { startSmtpPeer, type SmtpPeer } from "./smtpPeer.js";

const NOW = new Date("2026-11-24T09:00:00Z");
let peer: SmtpPeer;
beforeAll(async () => {
  peer = await startSmtpPeer();
});
afterAll(async () => {
  await peer.close();
  await dropTestSchemas();
});

describe.each(heldCliTargets)("e-mails in the exported evidence ($name)", (target) => {
  it("writes each .eml byte for byte, matching its SHA-256, and lists it in the evidence file", async () => {
    const url = await target.url();
    const db = await heldDatabase(url);
    await migrate(db);
    const fx = await seedMailCompany(db, [{ key: "ex", name: "Test Export SAS", email: "ap@export-customer.test", due: "2026-11-19", amount: 12_300n }]);
    await scheduleReminderEmails(db, defaultPolicy, calendarDate("2026-11-24"), NOW);
    const send = mailSendHandler({ policy: defaultPolicy, config: peerMailConfig(peer) });
    await new JobWorker({ db, logger: createLogger("debug"), handlers: { [EMAIL_SEND]: send.handler }, now: () => NOW }).runDue();
    send.close();
    const stored = await db.prisma.emailMessage.findFirstOrThrow({ where: { customerId: fx.customers.ex?.id } });
    const evidence = await evidenceFile(db, stored.customerId, NOW);
    expect(evidence.text).toContain(`SHA-256 ${stored.sha256}`);
    expect(evidence.text).toContain(`Message-ID ${stored.messageId}`);
    await db.close();

    const dir = mkdtempSync(path.join(tmpdir(), "ccbot-eml-"));
    const result = await ccbot(url, "history", "export", "C1", "--eml", dir, "--output", path.join(dir, "history.json"));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("1 e-mail de Test Export SAS écrit dans");
    expect(result.stderr).toContain("chacun conforme à son SHA-256");
    const files = readdirSync(dir).filter((f) => f.endsWith(".eml"));
    expect(files).toEqual([`${stored.id}-first-reminder-2026-11-24.eml`]);
    const bytes = readFileSync(path.join(dir, files[0] as string));
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(stored.sha256);
    expect(peer.received.some((m) => m.bytes.equals(bytes))).toBe(true);
  });
});
