import { writeFileSync } from "node:fs";
import { historySealKey } from "../../config/sealKey.js";
import { writeEmlFiles } from "../../mail/evidence.js";
import { AppError } from "../../errors.js";
import { loadLocale } from "../../db/settings.js";
import { calendarDateAt } from "../../domain/calendarDate.js";
import { formatDate, phrase, t } from "../../i18n/index.js";
import { visibleCell } from "../../domain/text.js";
import { print, printJson, shown, type CommandContext } from "../io.js";
import type { Database } from "../../db/database.js";
import { verifyHistory, type HistoryProblem } from "../../db/history.js";
import { anchorText, createAnchor, readAnchorArgument } from "../../db/historyAnchor.js";
import { customersNamed } from "../../usecases/accounts.js";
import { csvDocument } from "../../documents/csv.js";
import { evidenceFile, evidenceFileName } from "../../documents/evidence.js";

export const HISTORY_HELP = phrase("cli.history.help");

export async function historyCommand(
  context: CommandContext,
  args: string[],
  options: { format?: string; output?: string; anchor?: string; eml?: string },
): Promise<number> {
  const [action, customerRef, ...extra] = args;
  if (action === "verify" && extra.length === 0) return verify(context, customerRef, options.anchor);
  if (action === "anchor" && customerRef === undefined) return anchor(context, options.output);
  if (options.anchor !== undefined) throw new AppError("input.usage", phrase("cli.history.anchorWithVerify"));
  if (action !== "export" || !customerRef || extra.length > 0) throw new AppError("input.usage", HISTORY_HELP);
  const format = options.format ?? "json";
  if (format !== "json" && format !== "csv" && format !== "pdf")
    throw new AppError("input.usage", phrase("cli.history.badFormat", { format }));
  const db = await context.database();
  const locale = await db.withConnection(loadLocale);
  const customer = await findCustomer(db, customerRef);
  if (options.eml !== undefined) {
    // The exact e-mails sent (docs/email.md), each checked against the SHA-256 kept in the history.
    const files = await writeEmlFiles(db, customer.id, options.eml);
    const broken = files.filter((f) => !f.intact).length;
    print(
      context.io.stderr,
      t(locale, "cli.history.wroteEml", {
        count: files.length,
        customer: shown(customer.name),
        dir: options.eml,
        check: broken ? t(locale, "cli.history.emlBroken", { broken }) : t(locale, "cli.history.emlIntact"),
      }),
    );
  }
  if (format === "pdf") {
    const file = options.output ?? evidenceFileName(customer.externalId, new Date().toISOString().slice(0, 10));
    const { pdf, entries, intact } = await evidenceFile(db, customer.id, new Date());
    writeFileSync(file, pdf);
    print(
      context.io.stderr,
      t(locale, "cli.history.wroteEvidence", {
        customer: shown(customer.name),
        count: entries,
        seals: t(locale, intact ? "cli.history.sealsIntact" : "cli.history.sealsBroken"),
        file,
      }),
    );
    return 0;
  }
  const entries = await db.prisma.historyEntry.findMany({
    where: { customerId: customer.id },
    orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    include: { actor: true, invoices: { include: { invoice: true } } },
  });
  const rows = entries.map((e) => ({
    id: e.id.toString(),
    occurredAt: e.occurredAt.toISOString(),
    recordedAt: e.recordedAt.toISOString(),
    actor: e.actor?.name ?? e.actorLabel ?? null,
    origin: e.origin,
    channel: e.channel,
    kind: e.kind,
    text: e.text,
    invoices: e.invoices.map((i) => i.invoice.number),
    actionId: e.actionId,
    data: e.data,
    prevHash: e.prevHash,
    hash: e.hash,
  }));
  const text =
    format === "json"
      ? JSON.stringify({ customer: { externalId: customer.externalId, name: customer.name }, entries: rows }, null, 2)
      : toCsv(rows);
  if (options.output) {
    writeFileSync(options.output, text + (format === "csv" ? "\r\n" : "\n"));
    print(context.io.stderr, t(locale, "cli.history.wroteEntries", { count: rows.length, customer: shown(customer.name), file: options.output }));
  } else print(context.io.stdout, text);
  return 0;
}

async function anchor(context: CommandContext, output: string | undefined): Promise<number> {
  const db = await context.database();
  const created = await createAnchor(db, new Date(), { sealKey: historySealKey(context.io.env) });
  const locale = await db.withConnection(loadLocale);
  const text = JSON.stringify({ ...created, createdAt: created.createdAt.toISOString() }, null, 2);
  if (output) writeFileSync(output, text + "\n");
  else print(context.io.stdout, text);
  print(context.io.stderr, anchorText(created));
  print(
    context.io.stderr,
    t(locale, "cli.history.keepDigest", { file: output ? t(locale, "cli.history.andFile", { file: output }) : "", digest: created.digest }),
  );
  return 0;
}

async function verify(context: CommandContext, customerRef: string | undefined, anchorArgument: string | undefined): Promise<number> {
  const external = anchorArgument === undefined ? undefined : readAnchorArgument(anchorArgument);
  const db = await context.database();
  const customer = customerRef ? await findCustomer(db, customerRef) : undefined;
  const report = await verifyHistory(db.prisma, customer?.id, { external, sealKey: historySealKey(context.io.env) });
  const locale = await db.withConnection(loadLocale);
  if (context.json || !context.io.interactive) printJson(context.io, report);
  const anchors = t(locale, "cli.history.anchorsChecked", { count: report.anchorsChecked });
  const counts = { entries: report.entries, customers: report.customers, anchors };
  if (report.problems.length === 0) print(context.io.stderr, t(locale, "cli.history.intact", counts));
  else {
    print(context.io.stderr, t(locale, "cli.history.altered", { problems: report.problems.length, ...counts }));
    for (const p of report.problems) print(context.io.stderr, `  ${describeProblem(p, locale)}`);
  }
  const list = (lines: string[]) => lines.map((line) => `  - ${line}`).join("\n");
  if (report.proved.length) print(context.io.stderr, t(locale, "cli.history.proved", { lines: list(report.proved) }));
  if (report.notProved.length) print(context.io.stderr, t(locale, "cli.history.notProved", { lines: list(report.notProved) }));
  return report.problems.length === 0 ? 0 : 1;
}

function describeProblem(p: HistoryProblem, locale: string): string {
  const who =
    p.customerId === null && p.customerName === null
      ? null
      : `${shown(p.customerName ?? t(locale, "cli.history.aCustomer"))} (#${p.customerId ?? "-"})`;
  const detail = visibleCell(p.detail);
  if (p.occurredAt && p.entryId !== null)
    return t(locale, "cli.history.problemEntry", {
      entryId: p.entryId.toString(),
      who: who ?? t(locale, "cli.history.noCustomer"),
      date: formatDate(calendarDateAt(p.occurredAt, "UTC"), locale),
      kind: p.kind ?? "",
      problem: p.problem,
      detail,
    });
  return who ? t(locale, "cli.history.problemOf", { who, problem: p.problem, detail }) : t(locale, "cli.history.problemAlone", { problem: p.problem, detail });
}

async function findCustomer(db: Database, ref: string) {
  const byId = await db.prisma.customer.findUnique({ where: { externalId: ref } });
  if (byId) return byId;
  const byName = await customersNamed(db, ref);
  if (byName.length === 1 && byName[0]) return db.prisma.customer.findUniqueOrThrow({ where: { id: byName[0].id } });
  if (byName.length > 1) {
    throw new AppError("input.invalid", phrase("cli.customers.several", { name: ref, ids: byName.map((c) => c.externalId).join(", ") }));
  }
  throw new AppError("not_found", phrase("cli.noCustomer", { customer: ref }));
}

function toCsv(rows: Array<Record<string, unknown>>): string {
  const headers = ["occurredAt", "actor", "origin", "channel", "kind", "text", "invoices"];
  const text = (value: unknown) => (Array.isArray(value) ? value.join(" ") : value === null || value === undefined ? null : String(value));
  return csvDocument(
    headers,
    rows.map((r) => headers.map((h) => text(r[h]))),
    { separator: ";" },
  );
}
