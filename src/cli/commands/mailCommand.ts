// `ccbot mail`: the sender's settings, the e-mails sent, the reply-to mailbox (docs/email.md).
import { readMailConfig } from "../../mail/config.js";
import { pollInbox } from "../../mail/inbox.js";
import { loadMailSettings, updateMailSettings } from "../../mail/settings.js";
import { createLogger } from "../../log.js";
import { AppError } from "../../errors.js";
import { loadLocale } from "../../db/settings.js";
import { phrase, t } from "../../i18n/index.js";
import { customersNamed } from "../../usecases/accounts.js";
import { FormError } from "../../usecases/contacts.js";
import { correctContact } from "../../usecases/wrongContact.js";
import { print, printJson, shown, table, type CommandContext } from "../io.js";

type Column = "setting" | "value" | "customer" | "level" | "status" | "sent" | "server" | "kind" | "from" | "subject" | "received";

export const MAIL_HELP = phrase("cli.mail.help");

export async function mailCommand(context: CommandContext, args: string[], options: { state?: string }): Promise<number> {
  const [action, sub, ...rest] = args;
  const db = await context.database();
  const locale = await db.withConnection(loadLocale);
  const column = (key: Column) => t(locale, `cli.column.${key}`);
  if (action === "settings" && (sub === "show" || sub === undefined) && rest.length === 0) {
    const s = await loadMailSettings(db);
    if (context.json || !context.io.interactive) printJson(context.io, s);
    else print(context.io.stdout, table([column("setting"), column("value")], Object.entries(s).map(([k, v]) => [k, String(v)])));
    return 0;
  }
  if (action === "settings" && sub === "set" && rest.length > 0) {
    const changes = rest.map((pair): [string, string] => {
      const at = pair.indexOf("=");
      if (at <= 0) throw new AppError("input.usage", phrase("cli.expectedKeyValue", { pair, help: t(locale, "cli.mail.help") }));
      return [pair.slice(0, at), pair.slice(at + 1)];
    });
    const s = await updateMailSettings(db, changes);
    printJson(context.io, s);
    return 0;
  }
  if (action === "list" && sub === undefined) {
    const rows = await db.prisma.emailMessage.findMany({
      where: options.state ? { status: options.state.toUpperCase() } : {},
      orderBy: { id: "desc" },
      take: 200,
      select: { id: true, customerId: true, levelId: true, status: true, messageId: true, sha256: true, smtpResponse: true, renderedAt: true, sentAt: true },
    });
    if (context.json || !context.io.interactive) printJson(context.io, rows);
    else
      print(
        context.io.stdout,
        table(
          ["#", column("customer"), column("level"), column("status"), column("sent"), "SHA-256", column("server")],
          rows.map((r) => [String(r.id), String(r.customerId), r.levelId, r.status, r.sentAt?.toISOString() ?? "", r.sha256.slice(0, 16) + "…", r.smtpResponse ?? ""]),
        ),
      );
    return 0;
  }
  if (action === "inbox" && sub === undefined) {
    const rows = await db.prisma.emailInbound.findMany({
      where: { customerId: null },
      orderBy: { id: "desc" },
      take: 200,
      select: { id: true, kind: true, fromAddress: true, subject: true, receivedAt: true, attachmentNames: true },
    });
    if (context.json || !context.io.interactive) printJson(context.io, rows);
    else print(context.io.stdout, table(["#", column("kind"), column("from"), column("subject"), column("received")], rows.map((r) => [String(r.id), r.kind, r.fromAddress, r.subject, r.receivedAt.toISOString()])));
    return 0;
  }
  if (action === "poll" && sub === undefined) {
    const config = readMailConfig(context.io.env);
    if (!config?.imap) throw new AppError("config.invalid", phrase("cli.mail.noImap"));
    const report = await pollInbox(db, config.imap, createLogger());
    printJson(context.io, report);
    return 0;
  }
  if (action === "contact" && sub !== undefined && rest.length === 1) {
    // A name two customers share is refused: the contact of the wrong one would be changed.
    const named = await customersNamed(db, sub);
    if (named.length > 1 && !(await db.prisma.customer.findUnique({ where: { externalId: sub } })))
      throw new AppError("input.invalid", phrase("cli.customers.several", { name: sub, ids: named.map((c) => c.externalId).join(", ") }));
    const found = (await db.prisma.customer.findUnique({ where: { externalId: sub } })) ?? named[0];
    if (!found) throw new AppError("not_found", phrase("cli.noCustomer", { customer: sub }));
    let result;
    try {
      result = await correctContact(db, { personId: null, label: "cli", origin: "CLI" }, { customerId: found.id, email: rest[0] });
    } catch (error) {
      if (error instanceof FormError) throw new AppError("input.invalid", t(locale, "cli.mail.contactEmail", { problem: error.fieldsIn(locale).email ?? error.textIn(locale) }));
      throw error;
    }
    if (context.json || !context.io.interactive) printJson(context.io, result);
    else
      print(
        context.io.stdout,
        result.status === "corrected"
          ? t(locale, "contact.corrected", { customer: shown(result.customerName), email: result.email, replaced: result.replaced.join(", ") })
          : t(locale, "contact.alreadyCorrected", { customer: shown(result.customerName), email: result.email }),
      );
    return 0;
  }
  throw new AppError("input.usage", MAIL_HELP);
}
