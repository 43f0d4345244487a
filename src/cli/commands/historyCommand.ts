import { writeFileSync } from "node:fs";
import { historySealKey } from "../../config/sealKey.js";
import { writeEmlFiles } from "../../mail/evidence.js";
import { AppError } from "../../errors.js";
import { visibleCell } from "../../domain/text.js";
import { print, printJson, shown, type CommandContext } from "../io.js";
import type { Database } from "../../db/database.js";
import { verifyHistory, type HistoryProblem } from "../../db/history.js";
import { anchorText, createAnchor, readAnchorArgument } from "../../db/historyAnchor.js";
import { customersNamed } from "../../usecases/accounts.js";
import { csvDocument } from "../../documents/csv.js";
import { evidenceFile, evidenceFileName } from "../../documents/evidence.js";

export const HISTORY_HELP = `Usage: ccbot history export CUSTOMER [--format json|csv|pdf] [--output FILE] [--eml DIR]
       ccbot history verify [CUSTOMER] [--anchor DIGEST|FILE]
       ccbot history anchor [--output FILE]

export  a customer's reminder history (every reminder, call, promise, dispute and committee decision),
        oldest first, with each entry's seal (SHA-256 chained to the entry before it). The PDF is the
        evidence file: statement of account, verification result and the full history
        (default file: evidence-CUSTOMER-DATE.pdf). --eml DIR also writes every e-mail sent to the customer
        as a .eml file (the exact bytes, checked against the SHA-256 in the history).
verify  recomputes the seals: any entry edited, deleted or reordered since it was written is named; with
        HISTORY_SEAL_KEY set, any entry without a valid HMAC seal (forged without the key); and every
        chain is checked against the anchors (a cut tail, a removed chain). --anchor checks against an
        anchor kept outside the database: its digest, or the file "history anchor" wrote. It says what it
        proved and what it could not. Exit code 1 when something is wrong.
anchor  records the head of every customer's chain (last entry, count, seal) and prints the anchor with
        its SHA-256 digest: keep the digest outside the database (the weekly digest posts it in the
        committee channel), so that deleting the newest entries or a whole chain shows later.
CUSTOMER is the customer's id in your books (external id) or its exact name.`;

export async function historyCommand(
  context: CommandContext,
  args: string[],
  options: { format?: string; output?: string; anchor?: string; eml?: string },
): Promise<number> {
  const [action, customerRef, ...extra] = args;
  if (action === "verify" && extra.length === 0) return verify(context, customerRef, options.anchor);
  if (action === "anchor" && customerRef === undefined) return anchor(context, options.output);
  if (options.anchor !== undefined) throw new AppError("input.usage", `--anchor goes with "history verify".\n\n${HISTORY_HELP}`);
  if (action !== "export" || !customerRef || extra.length > 0) throw new AppError("input.usage", HISTORY_HELP);
  const format = options.format ?? "json";
  if (format !== "json" && format !== "csv" && format !== "pdf")
    throw new AppError("input.usage", `--format must be json, csv or pdf (got ${format})`);
  const db = await context.database();
  const customer = await findCustomer(db, customerRef);
  if (options.eml !== undefined) {
    // The exact e-mails sent (docs/email.md), each checked against the SHA-256 kept in the history.
    const files = await writeEmlFiles(db, customer.id, options.eml);
    const broken = files.filter((f) => !f.intact).length;
    print(context.io.stderr, `Wrote ${files.length} e-mail(s) of ${shown(customer.name)} to ${options.eml}${broken ? ` (${broken} NOT MATCHING their SHA-256)` : ", each matching its SHA-256"}.`);
  }
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

async function anchor(context: CommandContext, output: string | undefined): Promise<number> {
  const db = await context.database();
  const created = await createAnchor(db, new Date(), { sealKey: historySealKey(context.io.env) });
  const text = JSON.stringify({ ...created, createdAt: created.createdAt.toISOString() }, null, 2);
  if (output) writeFileSync(output, text + "\n");
  else print(context.io.stdout, text);
  print(context.io.stderr, anchorText(created));
  print(
    context.io.stderr,
    `Keep this digest outside the database${output ? ` (and the file ${output})` : ""}; check later with: ccbot history verify --anchor ${created.digest}`,
  );
  return 0;
}

async function verify(context: CommandContext, customerRef: string | undefined, anchorArgument: string | undefined): Promise<number> {
  const external = anchorArgument === undefined ? undefined : readAnchorArgument(anchorArgument);
  const db = await context.database();
  const customer = customerRef ? await findCustomer(db, customerRef) : undefined;
  const report = await verifyHistory(db.prisma, customer?.id, { external, sealKey: historySealKey(context.io.env) });
  if (context.json || !context.io.interactive) printJson(context.io, report);
  const anchors = `Anchors checked: ${report.anchorsChecked}.`;
  if (report.problems.length === 0)
    print(context.io.stderr, `History intact: ${report.entries} entries of ${report.customers} customer(s) match their seals. ${anchors}`);
  else {
    print(
      context.io.stderr,
      `History altered: ${report.problems.length} problem(s) in ${report.entries} entries of ${report.customers} customer(s). ${anchors}`,
    );
    for (const p of report.problems) print(context.io.stderr, `  ${describeProblem(p)}`);
  }
  if (report.proved.length) print(context.io.stderr, `Proved:\n${report.proved.map((line) => `  - ${line}`).join("\n")}`);
  if (report.notProved.length) print(context.io.stderr, `Could not prove:\n${report.notProved.map((line) => `  - ${line}`).join("\n")}`);
  return report.problems.length === 0 ? 0 : 1;
}

function describeProblem(p: HistoryProblem): string {
  const who = p.customerId === null && p.customerName === null ? null : `${shown(p.customerName ?? "customer")} (#${p.customerId ?? "none"})`;
  if (p.occurredAt && p.entryId !== null)
    return `entry #${p.entryId} (${who ?? "no customer"}, ${p.occurredAt.toISOString().slice(0, 10)}, ${p.kind}): ${p.problem}: ${visibleCell(p.detail)}`;
  return `${who ? `${who}: ` : ""}${p.problem}: ${visibleCell(p.detail)}`;
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
