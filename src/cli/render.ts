// The digest and the task list as plain text, for the terminal (demo, ccbot report). Slack and Teams have
// their own renderers of the same view models. Every name and text from outside goes through shown() or
// said(): control characters (ESC, BEL, line breaks) are made visible and long values are cut.
import { longDate, minusMoney, planCounts, planLineText, stakesLine, texts, type Digest, type TaskList } from "../domain/digest.js";
import { describeKind } from "../domain/approvals.js";
import { formatMoney } from "../domain/money.js";
import { describePayer } from "../domain/kpis.js";
import type { CommitteePreparation } from "../usecases/committee.js";
import { shown, table } from "./io.js";

/** Free text a person typed (a reason, a comment) as shown in a terminal line: visible controls, at most 200 characters. */
const said = (text: string) => shown(text, 200);

const percent = (share: number | null) => (share === null ? "n/a" : `${(share * 100).toFixed(1)}%`);
const days = (value: number | null) => (value === null ? "n/a" : `${value.toFixed(1)} days`);

export function renderDigest(d: Digest): string {
  const money = (minor: bigint) => formatMoney(minor, d.currency, d.locale);
  const signed = (minor: bigint) => (minor > 0n ? `+${money(minor)}` : money(minor));
  const lines: string[] = [];
  lines.push(`CREDIT COMMITTEE ${d.period} — ${shown(d.companyName)}, ${longDate(d.asOf, d.locale)} (${d.asOf})`);
  lines.push("");
  lines.push("Aged balance");
  lines.push(
    table(
      ["", ...d.bucketLabels, "disputed", "credits", "balance"],
      [
        [
          "now",
          ...d.totals.buckets.map(money),
          money(d.totals.disputed),
          minusMoney(d.totals.credits, d.currency, d.locale),
          money(d.totals.balance),
        ],
        ...(d.change ? [["vs last week", ...d.change.map(signed), "", "", ""]] : []),
      ],
    ),
  );
  lines.push("");
  const k = d.kpis;
  lines.push(
    `DSO ${days(k.dsoCountback)} (countback), ${days(k.dsoSimple)} (simple) · overdue rate ${percent(k.overdueRate)}` +
      (k.previousOverdueRate !== null ? ` (last week ${percent(k.previousOverdueRate)})` : "") +
      ` · recovered within 1 month ${percent(k.recovery1Month?.within1Month ?? null)} (${k.recovery1Month?.month ?? "n/a"}), within 3 months ${percent(k.recovery3Months?.within3Months ?? null)} (${k.recovery3Months?.month ?? "n/a"})`,
  );
  lines.push("");
  lines.push(`Priority accounts (top ${d.priorities.length})`);
  lines.push(
    table(
      ["#", "customer", "overdue", "late", "payer", "limit", "why"],
      d.priorities.map((p) => [
        String(p.rank),
        `${shown(p.account.name)}${p.account.blocked ? " [blocked]" : ""}`,
        money(p.account.review.figures.overdue),
        `${p.account.review.figures.maxDaysLate} d`,
        p.account.payer.grade ? `${p.account.payer.grade} (${p.account.payer.score})` : "-",
        p.account.creditLimit === null ? "none" : money(p.account.creditLimit),
        p.reasons.slice(0, 3).join("; "),
      ]),
    ),
  );
  lines.push("");
  lines.push(
    `Agenda: ${d.actions.length} proposal(s) by stakes${d.moreActions.length ? `, and ${d.moreActions.length} more, smaller (in the thread)` : ""}`,
  );
  for (const a of d.actions) {
    lines.push(`  #${a.actionId} ${shown(a.customerName)}: ${describeKind(a.kind)} · ${stakesLine(a, d.period)}`);
    lines.push(`      ${said(a.reason)}`);
    if (a.backBecause) lines.push(`      ${said(texts.back(a.backBecause))}`);
    lines.push(
      `      approved by ${said(a.approvedBy.join(", ")) || "nobody yet"}; still needed: ${said(a.missing.join(", ")) || "nothing"}`,
    );
  }
  if (d.actions.length === 0) lines.push("  none");
  lines.push("");
  lines.push(`Open disputes (${d.disputes.length})`);
  for (const x of d.disputes) {
    lines.push(
      `  ${shown(x.invoiceNumber)} ${shown(x.customerName)}: ${money(x.amount)}, ${x.category.toLowerCase().replace("_", " ")}, ${x.ageDays} days — ${said(x.reason)}`,
    );
  }
  if (d.disputes.length === 0) lines.push("  none");
  lines.push("");
  lines.push(`Promises to pay to watch (${d.promises.length})`);
  for (const p of d.promises) lines.push(`  ${shown(p.customerName)}: ${money(p.amount)} by ${p.promisedDate} — ${p.status.toLowerCase()}`);
  if (d.promises.length === 0) lines.push("  none");
  lines.push("");
  lines.push(`Last week's decisions (${d.followUp.length})`);
  for (const f of d.followUp)
    lines.push(
      `  #${f.actionId} ${shown(f.customerName)}: ${describeKind(f.kind)}, ${f.decision.toLowerCase()} on ${f.decidedOn} — ${said(f.since.join("; "))}`,
    );
  if (d.followUp.length === 0) lines.push("  none");
  lines.push("");
  // Every plan, in the terminal (the chat messages show those with something this week).
  const plans = planCounts(d.paymentPlans);
  lines.push(
    d.paymentPlans.length === 0
      ? `Payment plans (0)\n  none`
      : `Payment plans (${d.paymentPlans.length}): ${plans.agreed} agreed this week, ${plans.due} instalment(s) due this week, ${plans.missed} missed`,
  );
  for (const p of d.paymentPlans) lines.push(`  ${shown(p.customerName)}: ${shown(planLineText(p, d.locale), 1000)}`);
  lines.push("");
  lines.push(texts.cashCollected(money(d.cashCollected)));
  return lines.join("\n");
}

/**
 * What getting the committee ready did, in one line (the demo): proposals new this week, carried over from
 * earlier weeks with today's figures, withdrawn, left below the materiality thresholds to the collectors'
 * calendar, held back after a rejection, and the promises settled. Nothing expires undecided any more.
 */
export function renderPreparation(p: CommitteePreparation): string {
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  return (
    `Committee ${p.period}: ${n(p.proposed, "new proposal")}, ${p.carriedOver} carried over from earlier weeks (figures refreshed), ` +
    `${p.superseded} withdrawn (the situation changed), ${p.belowThreshold} below the materiality thresholds (left to the collectors' calendar), ` +
    `${p.heldBack} held back (rejected before, not worse since); promises kept ${p.promisesKept}, broken ${p.promisesBroken}.`
  );
}

export function renderTasks(list: TaskList, currency: string, locale: string): string {
  const money = (minor: bigint) => formatMoney(minor, currency, locale);
  const lines = [`TASKS FOR ${shown(list.collectorName.toUpperCase())} — ${list.asOf} (${list.tasks.length})`, ""];
  list.tasks.forEach((t, i) => {
    lines.push(`${i + 1}. ${said(t.title)} — ${shown(t.customerName)} (${shown(t.externalId)})`);
    lines.push(`   why: ${said(t.reason)}`);
    const f = t.file;
    const contact = f.contacts[0];
    if (contact) lines.push(`   contact: ${said([contact.name, contact.phone, contact.email].filter(Boolean).join(" · "))}`);
    lines.push(
      `   overdue: ${f.overdueInvoices.length} invoice(s), ${money(f.overdueInvoices.reduce((s, x) => s + x.openAmount, 0n))}` +
        (f.overdueInvoices[0]
          ? `, oldest ${shown(f.overdueInvoices[0].number)} due ${f.overdueInvoices[0].dueDate} (${f.overdueInvoices[0].daysLate} days)`
          : "") +
        (f.overdueInvoices.some((x) => x.disputed) ? " [some disputed]" : ""),
    );
    lines.push(
      `   payer: ${f.payer.grade ? `${f.payer.grade} (score ${f.payer.score}/100): ${describePayer(f.payer, money)}` : "no history"}${f.blocked ? " · deliveries blocked" : ""}`,
    );
    for (const c of f.commitments) lines.push(`   commitment: ${money(c.amount)} by ${c.promisedDate} (${c.status.toLowerCase()})`);
    for (const h of f.lastHistory.slice(0, 3)) lines.push(`   ${h.on} ${shown(h.by ?? "")}: ${said(h.text)}`);
    lines.push("");
  });
  if (list.tasks.length === 0) lines.push("Nothing due today.", "");
  lines.push("Call checklist:");
  list.checklist.forEach((step, i) => lines.push(`  ${i + 1}. ${step}`));
  return lines.join("\n");
}
