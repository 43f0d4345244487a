// Replies and bounces read back from the reply-to mailbox of a real IMAP server (Dovecot, started for the
// test): a reply threaded by In-Reply-To reaches the right customer even from an address we do not know, and
// the collector is told in chat; an out-of-office is only noted; a delivery status notification arriving
// later is a bounce (wrong contact, no more e-mail to that address); a message from nobody we know is kept
// for the admins; reading the mailbox again reads nothing twice.
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { calendarDate } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { EMAIL_SEND, mailSendHandler } from "../../src/jobs/mailSend.js";
import { JobWorker } from "../../src/jobs/queue.js";
import { createLogger } from "../../src/log.js";
import type { ImapConfig, MailConfig } from "../../src/mail/config.js";
import { NOTIFY_REPLY, pollInbox } from "../../src/mail/inbox.js";
import { scheduleReminderEmails } from "../../src/usecases/emailReminders.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { DOVECOT_MISSING, startDovecot, type Dovecot } from "./dovecot.js";
import { seedMailCompany, SELLER } from "./fixtures.js";
import { startSmtpPeer, type SmtpPeer } from "./smtpPeer.js";

const logger = createLogger("debug");
const NOW = new Date("2026-11-24T09:00:00Z");
const AS_OF = calendarDate("2026-11-24");

if (DOVECOT_MISSING) process.stderr.write(`IMAP tests skipped: ${DOVECOT_MISSING}\n`);

describe.skipIf(DOVECOT_MISSING !== null).each(targets)("the reply-to mailbox over IMAP ($name)", (target) => {
  let db: Database;
  let peer: SmtpPeer;
  let imap: Dovecot;
  let imapConfig: ImapConfig;
  beforeAll(async () => {
    peer = await startSmtpPeer();
    imap = await startDovecot();
    imapConfig = { host: "127.0.0.1", port: imap.port, tls: "none", user: imap.user, password: imap.password, ca: null, mailbox: "INBOX", pollSeconds: 60 };
    db = await freshDatabase(target);
  });
  afterAll(async () => {
    await db.close();
    await imap.stop();
    await peer.close();
    await dropTestSchemas();
  });

  async function deliver(raw: string): Promise<void> {
    const client = new ImapFlow({ host: "127.0.0.1", port: imap.port, secure: false, auth: { user: imap.user, pass: imap.password }, logger: false });
    await client.connect();
    await client.append("INBOX", raw.replace(/\r?\n/g, "\r\n"));
    await client.logout();
  }

  it("sorts replies, an out-of-office, a later DSN and an unknown sender; the collector is told of the reply", async () => {
    const fx = await seedMailCompany(db, [
      { key: "reply", name: "Test Replies SA", email: "ap@replies-customer.test", due: "2026-11-19", amount: 40_000n },
      { key: "away", name: "Test Away SARL", email: "compta@away-customer.test", due: "2026-11-19", amount: 30_000n },
      { key: "dsn", name: "Test Dsn SAS", email: "old-box@dsn-customer.test", due: "2026-11-19", amount: 20_000n },
    ]);
    await db.prisma.chatIdentity.create({ data: { personId: fx.collectorId, platform: "SLACK", externalId: "U0COLLECT" } });
    await scheduleReminderEmails(db, defaultPolicy, AS_OF, NOW);
    const config: MailConfig = { smtp: { host: "127.0.0.1", port: peer.port, tls: "starttls", user: null, password: null, ca: peer.ca }, imap: imapConfig, cron: "0 9 * * 1-5" };
    const send = mailSendHandler({ policy: defaultPolicy, config, retryFloorMs: 0 });
    await new JobWorker({ db, logger, handlers: { [EMAIL_SEND]: send.handler }, now: () => NOW }).runDue();
    send.close();
    const sent = async (key: string) => db.prisma.emailMessage.findFirstOrThrow({ where: { customerId: fx.customers[key]?.id } });
    const toReply = await sent("reply");
    const toDsn = await sent("dsn");
    expect([toReply.status, toDsn.status]).toEqual(["SENT", "SENT"]);

    // A reply from someone else at the customer, threaded by In-Reply-To, with the remittance advice attached.
    await deliver(`From: Head of accounts <head@replies-customer.test>
To: ${SELLER.replyTo}
Subject: Re: Relance — factures échues — Test Replies SA
Message-ID: <reply-1@replies-customer.test>
In-Reply-To: ${toReply.messageId}
References: ${toReply.messageId}
Date: Tue, 24 Nov 2026 14:00:00 +0100
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Bonjour,
Le virement de 400 € est parti ce matin.
Cordialement

Le 24/11/2026 à 10:00, credit a écrit :
> Sauf erreur de notre part...
--b1
Content-Type: application/pdf; name="avis-de-virement.pdf"
Content-Disposition: attachment; filename="avis-de-virement.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcTl8uXrCg==
--b1--
`);
    // An out-of-office from the billing contact.
    await deliver(`From: compta@away-customer.test
To: ${SELLER.replyTo}
Subject: Réponse automatique : absent jusqu'au 2 décembre
Auto-Submitted: auto-replied
Message-ID: <ooo-1@away-customer.test>
Date: Tue, 24 Nov 2026 11:00:00 +0100

Je suis absente jusqu'au 2 décembre.
`);
    // A delivery status notification, hours later, for the message to the old mailbox.
    await deliver(`From: Mail Delivery System <MAILER-DAEMON@mx.dsn-customer.test>
To: ${SELLER.replyTo}
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-1@mx.dsn-customer.test>
Date: Tue, 24 Nov 2026 16:00:00 +0100
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="r1"

--r1
Content-Type: text/plain

This is the mail system. Your message could not be delivered.
--r1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.dsn-customer.test

Final-Recipient: rfc822; old-box@dsn-customer.test
Original-Recipient: rfc822;old-box@dsn-customer.test
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <old-box@dsn-customer.test>: Recipient address rejected: mailbox disabled
--r1
Content-Type: text/rfc822-headers

From: ${SELLER.from}
To: old-box@dsn-customer.test
Message-ID: ${toDsn.messageId}
Subject: Relance

--r1--
`);
    // Someone we have never written to.
    await deliver(`From: stranger@elsewhere.test
To: ${SELLER.replyTo}
Subject: Partnership offer
Message-ID: <x-1@elsewhere.test>
Date: Tue, 24 Nov 2026 12:00:00 +0100

Hello
`);

    const report = await pollInbox(db, imapConfig, logger, () => NOW);
    expect(report).toEqual({ read: 4, byKind: { REPLY: 1, AUTO_REPLY: 1, BOUNCE: 1, UNKNOWN_SENDER: 1 } });

    const replied = await db.prisma.historyEntry.findFirstOrThrow({ where: { customerId: fx.customers.reply?.id, kind: "email.customer-replied" } });
    expect(replied.text).toContain(`in reply to the first-reminder e-mail (${toReply.messageId})`);
    expect(replied.text).toContain("avis-de-virement.pdf");
    expect(replied.text).toContain("Le virement de 400 € est parti ce matin.");
    expect(replied.text).not.toContain("Sauf erreur");
    const notify = await db.prisma.job.findMany({ where: { kind: NOTIFY_REPLY("SLACK") } });
    expect(notify).toHaveLength(1);

    const away = await db.prisma.historyEntry.findMany({ where: { customerId: fx.customers.away?.id, kind: { startsWith: "email." } } });
    expect(away.map((e) => e.kind)).toEqual(["email.auto-reply"]);
    expect(away[0]?.text).toContain("Noted only");

    const bounced = await db.prisma.emailMessage.findUniqueOrThrow({ where: { id: toDsn.id } });
    expect(bounced.status).toBe("BOUNCED");
    expect(bounced.smtpResponse).toContain("mailbox disabled");
    expect(await db.prisma.emailSuppression.findUnique({ where: { address: "old-box@dsn-customer.test" } })).not.toBeNull();
    const dsnEntry = await db.prisma.historyEntry.findFirstOrThrow({ where: { customerId: fx.customers.dsn?.id, kind: "email.bounced" } });
    expect(dsnEntry.text).toContain("delivery status notification");

    const unknown = await db.prisma.emailInbound.findFirstOrThrow({ where: { kind: "UNKNOWN_SENDER" } });
    expect(unknown.customerId).toBeNull();
    expect(unknown.subject).toBe("Partnership offer");

    // Read again: nothing is read twice.
    expect((await pollInbox(db, imapConfig, logger, () => NOW)).read).toBe(0);
  });
});
