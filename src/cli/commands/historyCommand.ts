import { writeFileSync } from "node:fs";
import { AppError } from "../../errors.js";
import { visibleCell } from "../../domain/text.js";
import { print, shown, type CommandContext } from "../io.js";
import type { Database } from "../../db/database.js";
import { verifyHistory } from "../../db/history.js";
import { customersNamed } from "../../usecases/accounts.js";
import { csvDocument } from "../../documents/csv.js";
import { evidenceFile, evidenceFileName } from "../../documents/evidence.js";

export const HISTORY_HELP = `Usage: ccbot history export CUSTOMER [--format json|csv|pdf] [--output FILE]
       ccbot history verify [CUSTOMER]

export  a customer's reminder history (every reminder, call, promise, dispute and committee decision),
        oldest first, with each entry's seal (SHA-256 chained to the entry before it). The PDF is the
        evidence file: statement of account, verification result and the full history
        (default file: evidence-CUSTOMER-DATE.pdf).
verify  recomputes the seals: any entry edited, deleted or reordered since it was written is named.
        Exit code 1 when something is wrong.
CUSTOMER is the customer's id in your books (external id) or its exact name.`;

export async function historyCommand(
  context: CommandContext,
  args: string[],
  options: { format?: string; output?: string },
): Promise<number> {
  const [action, customerRef, ...extra] = args;
  if (action === "verify" && extra.length === 0) return verify(context, customerRef);
  if (action !== "export" || !customerRef || extra.length > 0) throw new AppError("input.usage", HISTORY_HELP);
  const format = options.format ?? "json";
  if (format !== "json" && format !== "csv" && format !== "pdf")
    throw new AppError("input.usage", `--format must be json, csv or pdf (got ${format})`);
  const db = await context.database();
  const customer = await findCustomer(db, customerRef);
  if (format === "pdf") {
    const file = options.output ?? evidenceFileName(customer.externalId, new Date().toISOString().slice(0, 10));
    const { pdf, entries, intact } = await evidenceFile(db, customer.id, new Date());
    writeFileSync(file, pdf);
    print(
      context.io.stderr,
      `Wrote the evidence file of ${shown(customer.name)} (${entries} history entries, ${intact ? "seals intact" : "SEALS BROKEN: see ccbot history verify"}) to ${file}.`,
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
    print(context.io.stderr, `Wrote ${rows.length} history entries of ${shown(customer.name)} to ${options.output}.`);
  } else print(context.io.stdout, text);
  return 0;
}

async function verify(context: CommandContext, customerRef: string | undefined): Promise<number> {
  const db = await context.database();
  const customer = customerRef ? await findCustomer(db, customerRef) : undefined;
  const report = await verifyHistory(db.prisma, customer?.id);
  if (context.json || !context.io.interactive) {
    print(
      context.io.stdout,
      JSON.stringify({ ...report, problems: report.problems.map((p) => ({ ...p, entryId: p.entryId.toString() })) }, null, 2),
    );
  }
  if (report.problems.length === 0) {
    print(context.io.stderr, `History intact: ${report.entries} entries of ${report.customers} customer(s) match their seals.`);
    return 0;
  }
  print(context.io.stderr, `History altered: ${report.problems.length} problem(s) in ${report.entries} entries.`);
  for (const p of report.problems) {
    print(
      context.io.stderr,
      `  entry #${p.entryId} (${shown(p.customerName ?? "no customer")}, ${p.occurredAt.toISOString().slice(0, 10)}, ${p.kind}): ${p.problem}: ${visibleCell(p.detail)}`,
    );
  }
  return 1;
}

async function findCustomer(db: Database, ref: string) {
  const byId = await db.prisma.customer.findUnique({ where: { externalId: ref } });
  if (byId) return byId;
  const byName = await customersNamed(db, ref);
  if (byName.length === 1 && byName[0]) return db.prisma.customer.findUniqueOrThrow({ where: { id: byName[0].id } });
  if (byName.length > 1) {
    throw new AppError(
      "input.invalid",
      `Several customers are named ${ref}: ${byName.map((c) => c.externalId).join(", ")}. Give the customer id.`,
    );
  }
  throw new AppError("not_found", `No customer with id or name "${ref}".`);
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
