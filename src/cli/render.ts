// The digest and the task list as plain text, for the terminal (demo, ccbot report, ccbot digest), in the
// company's language (the catalogues' cli.* keys). Slack and Teams have their own renderers of the same view
// models. Every name and text from outside goes through shown() or said(): control characters (ESC, BEL, line
// breaks) are made visible and long values are cut.
import {
  checklistSteps,
  listSeparator,
  longDate,
  minusMoney,
  planCounts,
  planLineText,
  type Digest,
  type PendingAction,
  type TaskList,
} from "../domain/digest.js";
import { bucketLabels } from "../domain/aging.js";
import { formatMoney } from "../domain/money.js";
import { describePayer } from "../domain/kpis.js";
import { formatDate, formatNumber, t } from "../i18n/index.js";
import type { CommitteePreparation } from "../usecases/committee.js";
import { shown, table } from "./io.js";

type DisputeCategory = "PRICE" | "QUANTITY" | "QUALITY" | "DELIVERY" | "BILLING_ERROR" | "OTHER";
type PromiseStatus = "PENDING" | "KEPT" | "BROKEN" | "CANCELLED";

/** Free text a person typed (a reason, a comment) as shown in a terminal line: visible controls, at most 200 characters. */
const said = (text: string) => shown(text, 200);

/** "9 000,00 € à risque · enjeu 1 350,00 € · en attente depuis 2026-W45": a proposal's agenda line, or "" without figures. */
function stakesLine(a: PendingAction, period: string, locale: string): string {
  if (a.amountAtRisk === undefined || !a.currency) return "";
  const money = (minor: bigint) => formatMoney(minor, a.currency as string, locale);
  const parts = [t(locale, "cli.digest.atRisk", { amount: money(a.amountAtRisk), stakes: money(a.stakes ?? 0n) })];
  if (a.pendingSince && a.pendingSince !== period) parts.push(t(locale, "cli.digest.pendingSince", { period: a.pendingSince }));
  return parts.join(" · ");
}

/** The digest as text; `bucketEdges` (the policy's aging buckets) name the buckets in the company's language. */
export function renderDigest(d: Digest, bucketEdges: readonly number[]): string {
  const locale = d.locale;
  const money = (minor: bigint) => formatMoney(minor, d.currency, locale);
  const signed = (minor: bigint) => (minor > 0n ? `+${money(minor)}` : money(minor));
  const na = t(locale, "cli.digest.notAvailable");
  const percent = (share: number | null) => (share === null ? na : formatNumber(share, locale, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }));
  const days = (value: number | null) =>
    value === null ? na : t(locale, "cli.digest.days", { value: formatNumber(value, locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) });
  const none = `  ${t(locale, "cli.digest.none")}`;
  const lines: string[] = [];
  lines.push(t(locale, "cli.digest.title", { period: d.period, company: shown(d.companyName), date: longDate(d.asOf, locale), asOf: d.asOf }));
  lines.push("");
  lines.push(t(locale, "cli.digest.aging"));
  lines.push(
    table(
      ["", ...bucketLabels(bucketEdges, locale), t(locale, "cli.digest.disputed"), t(locale, "cli.digest.credits"), t(locale, "cli.digest.balance")],
      [
        [
          t(locale, "cli.digest.now"),
          ...d.totals.buckets.map(money),
          money(d.totals.disputed),
          minusMoney(d.totals.credits, d.currency, locale),
          money(d.totals.balance),
        ],
        ...(d.change ? [[t(locale, "cli.digest.vsLastWeek"), ...d.change.map(signed), "", "", ""]] : []),
      ],
    ),
  );
  lines.push("");
  const k = d.kpis;
  lines.push(
    t(locale, "cli.digest.kpis", {
      countback: days(k.dsoCountback),
      simple: days(k.dsoSimple),
      overdueRate: percent(k.overdueRate),
      previous: k.previousOverdueRate !== null ? t(locale, "cli.digest.lastWeekRate", { rate: percent(k.previousOverdueRate) }) : "",
      within1: percent(k.recovery1Month?.within1Month ?? null),
      month1: k.recovery1Month?.month ?? na,
      within3: percent(k.recovery3Months?.within3Months ?? null),
      month3: k.recovery3Months?.month ?? na,
    }),
  );
  lines.push("");
  lines.push(t(locale, "cli.digest.priorities", { count: d.priorities.length }));
  lines.push(
    table(
      (["colRank", "colCustomer", "colOverdue", "colLate", "colPayer", "colLimit", "colWhy"] as const).map((c) => t(locale, `cli.digest.${c}`)),
      d.priorities.map((p) => [
        String(p.rank),
        `${shown(p.account.name)}${p.account.blocked ? t(locale, "cli.digest.blocked") : ""}`,
        money(p.account.review.figures.overdue),
        t(locale, "cli.digest.daysShort", { days: p.account.review.figures.maxDaysLate }),
        p.account.payer.grade ? `${p.account.payer.grade} (${p.account.payer.score})` : "-",
        p.account.creditLimit === null ? t(locale, "cli.digest.noLimit") : money(p.account.creditLimit),
        p.reasons.slice(0, 3).join("; "),
      ]),
    ),
  );
  lines.push("");
  lines.push(t(locale, "cli.digest.agenda", { count: d.actions.length, more: d.moreActions.length }));
  for (const a of d.actions) {
    lines.push(`  #${a.actionId} ${shown(a.customerName)}: ${t(locale, `cli.kind.${a.kind}`)} · ${stakesLine(a, d.period, locale)}`);
    lines.push(`      ${said(a.reason)}`);
    if (a.backBecause) lines.push(`      ${said(t(locale, "cli.digest.back", { why: a.backBecause }))}`);
    lines.push(
      `      ${t(locale, "cli.digest.votes", {
        approvedBy: said(a.approvedBy.join(", ")) || t(locale, "cli.digest.nobodyYet"),
        missing: said(a.missing.join(", ")) || t(locale, "cli.digest.nothing"),
      })}`,
    );
  }
  if (d.actions.length === 0) lines.push(none);
  lines.push("");
  lines.push(t(locale, "cli.digest.disputes", { count: d.disputes.length }));
  for (const x of d.disputes) {
    const detail = t(locale, "cli.digest.dispute", {
      amount: money(x.amount),
      category: t(locale, `cli.disputeCategory.${x.category as DisputeCategory}`),
      days: x.ageDays,
      reason: said(x.reason),
    });
    lines.push(`  ${shown(x.invoiceNumber)} ${shown(x.customerName)}: ${detail}`);
  }
  if (d.disputes.length === 0) lines.push(none);
  lines.push("");
  lines.push(t(locale, "cli.digest.promises", { count: d.promises.length }));
  for (const p of d.promises)
    lines.push(
      `  ${t(locale, "cli.digest.promise", {
        customer: shown(p.customerName),
        amount: money(p.amount),
        date: formatDate(p.promisedDate, locale),
        status: t(locale, `cli.promiseStatus.${p.status}`),
      })}`,
    );
  if (d.promises.length === 0) lines.push(none);
  lines.push("");
  lines.push(t(locale, "cli.digest.followUp", { count: d.followUp.length }));
  for (const f of d.followUp) {
    const decided = t(locale, "cli.digest.decided", { decision: t(locale, `cli.decision.${f.decision}`), on: formatDate(f.decidedOn, locale) });
    lines.push(`  #${f.actionId} ${shown(f.customerName)}: ${t(locale, `cli.kind.${f.kind}`)}, ${decided} — ${said(f.since.join(listSeparator(locale)))}`);
  }
  if (d.followUp.length === 0) lines.push(none);
  lines.push("");
  // Every plan, in the terminal (the chat messages show those with something this week).
  const plans = planCounts(d.paymentPlans);
  if (d.paymentPlans.length === 0) lines.push(t(locale, "cli.digest.plansNone"), none);
  else lines.push(t(locale, "cli.digest.plans", { count: d.paymentPlans.length, agreed: plans.agreed, due: plans.due, missed: plans.missed }));
  for (const p of d.paymentPlans) lines.push(`  ${shown(p.customerName)}: ${shown(planLineText(p, locale), 1000)}`);
  lines.push("");
  lines.push(t(locale, "cli.digest.cashCollected", { amount: money(d.cashCollected) }));
  return lines.join("\n");
}

/**
 * What getting the committee ready did, in one line (the demo): proposals new this week, carried over from
 * earlier weeks with today's figures, withdrawn, left below the materiality thresholds to the collectors'
 * calendar, held back after a rejection, and the promises settled. Nothing expires undecided any more.
 */
export function renderPreparation(p: CommitteePreparation, locale: string): string {
  return t(locale, "cli.preparation", {
    period: p.period,
    proposed: p.proposed,
    carriedOver: p.carriedOver,
    superseded: p.superseded,
    belowThreshold: p.belowThreshold,
    heldBack: p.heldBack,
    kept: p.promisesKept,
    broken: p.promisesBroken,
  });
}

export function renderTasks(list: TaskList, currency: string, locale: string): string {
  const money = (minor: bigint) => formatMoney(minor, currency, locale);
  const lines = [t(locale, "cli.tasks.title", { collector: shown(list.collectorName.toLocaleUpperCase(locale)), asOf: list.asOf, count: list.tasks.length }), ""];
  list.tasks.forEach((task, i) => {
    lines.push(`${i + 1}. ${said(task.title)} — ${shown(task.customerName)} (${shown(task.externalId)})`);
    lines.push(`   ${t(locale, "cli.tasks.why", { reason: said(task.reason) })}`);
    const f = task.file;
    const contact = f.contacts[0];
    if (contact) lines.push(`   ${t(locale, "cli.tasks.contact", { contact: said([contact.name, contact.phone, contact.email].filter(Boolean).join(" · ")) })}`);
    const oldest = f.overdueInvoices[0];
    lines.push(
      `   ${t(locale, "cli.tasks.overdue", { count: f.overdueInvoices.length, amount: money(f.overdueInvoices.reduce((s, x) => s + x.openAmount, 0n)) })}` +
        (oldest ? t(locale, "cli.tasks.oldest", { number: shown(oldest.number), dueDate: oldest.dueDate, days: oldest.daysLate }) : "") +
        (f.overdueInvoices.some((x) => x.disputed) ? t(locale, "cli.tasks.someDisputed") : ""),
    );
    lines.push(
      `   ${f.payer.grade ? t(locale, "cli.tasks.payer", { grade: f.payer.grade, score: f.payer.score ?? "-", why: describePayer(f.payer, money, locale) }) : t(locale, "cli.tasks.noHistory")}` +
        (f.blocked ? t(locale, "cli.tasks.blocked") : ""),
    );
    for (const c of f.commitments)
      lines.push(`   ${t(locale, "cli.tasks.commitment", { amount: money(c.amount), date: c.promisedDate, status: t(locale, `cli.promiseStatus.${c.status as PromiseStatus}`) })}`);
    for (const h of f.lastHistory.slice(0, 3)) lines.push(`   ${h.on} ${shown(h.by ?? "")}: ${said(h.text)}`);
    lines.push("");
  });
  if (list.tasks.length === 0) lines.push(t(locale, "cli.tasks.nothingDue"), "");
  lines.push(t(locale, "cli.tasks.checklist"));
  checklistSteps(list, locale).forEach((step, i) => lines.push(`  ${i + 1}. ${step}`));
  return lines.join("\n");
}
