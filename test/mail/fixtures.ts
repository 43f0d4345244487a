// A small company for the e-mail tests: a collector, a sales owner, customers with a billing contact and
// overdue invoices. Names are made up for these tests; none of them may reach the logs (logCapture checks
// e-mail addresses; the names are checked by the tests themselves).
import type { Database } from "../../src/db/database.js";
import type { MailConfig } from "../../src/mail/config.js";
import { updateMailSettings } from "../../src/mail/settings.js";
import type { SmtpPeer } from "./smtpPeer.js";

export const SELLER = { from: "credit@seller.test", replyTo: "replies@seller.test" };

/** The bot's SMTP settings for the test's real peer (STARTTLS, its self-signed CA; a login when the peer asks one). */
export function peerMailConfig(peer: Pick<SmtpPeer, "port" | "ca">, login: { user: string; password: string } | null = null): MailConfig {
  return {
    smtp: { host: "127.0.0.1", port: peer.port, tls: "starttls", user: login?.user ?? null, password: login?.password ?? null, ca: peer.ca },
    imap: null,
    cron: "0 9 * * 1-5",
  };
}

export interface MailFixture {
  collectorId: number;
  salesId: number;
  customers: Record<string, { id: number; email: string }>;
}

export async function seedMailCompany(db: Database, customers: Array<{ key: string; name: string; email: string; locale?: string; due: string; amount: bigint; segment?: "SME" | "LARGE_ACCOUNT" }>): Promise<MailFixture> {
  await db.withConnection((sql) => sql.query(`INSERT INTO company_settings (id, "companyName", "updatedAt") VALUES (1, 'Seller Test SAS', now()) ON CONFLICT (id) DO UPDATE SET "companyName" = 'Seller Test SAS'`));
  await updateMailSettings(db, [
    ["from", SELLER.from],
    ["from-name", "Seller Test credit team"],
    ["reply-to", SELLER.replyTo],
    ["window", "08:00-19:00"],
    ["payment-instructions", "IBAN FR76 3000 6000 0112 3456 7890 189 | BIC AGRIFRPP"],
  ]);
  const collector = await db.prisma.person.upsert({ where: { email: "colette@seller.test" }, update: {}, create: { name: "Colette Collector", email: "colette@seller.test", roles: ["COLLECTOR"] } });
  const sales = await db.prisma.person.upsert({ where: { email: "samir@seller.test" }, update: {}, create: { name: "Samir Sales", email: "samir@seller.test", roles: ["SALES"] } });
  const out: MailFixture = { collectorId: collector.id, salesId: sales.id, customers: {} };
  let n = await db.prisma.customer.count();
  for (const c of customers) {
    n += 1;
    const customer = await db.prisma.customer.create({
      data: {
        externalId: `C${n}`,
        name: c.name,
        currency: "EUR",
        locale: c.locale ?? "fr-FR",
        segment: c.segment ?? "SME",
        collectorId: collector.id,
        salesOwnerId: sales.id,
        contacts: { create: [{ name: "Comptabilité fournisseurs", email: c.email, isPrimary: true }] },
      },
    });
    await db.prisma.invoice.create({
      data: {
        customerId: customer.id,
        number: `F-${n}01`,
        issueDate: new Date(`2026-10-01T00:00:00Z`),
        dueDate: new Date(`${c.due}T00:00:00Z`),
        amount: c.amount,
        openAmount: c.amount,
        currency: "EUR",
        source: "CLI",
      },
    });
    out.customers[c.key] = { id: customer.id, email: c.email };
  }
  return out;
}
