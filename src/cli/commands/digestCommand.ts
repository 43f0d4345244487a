// `ccbot digest [--as-of D] [--format table|json]`: the digest the committee would get now, as a preview (before
// the meeting, or for a script). Reading only: nothing is proposed, expired or snapshotted (the weekly job
// prepares the committee); the agenda is the proposals on file, ranked by stakes.
import { readEnv } from "../../config/env.js";
import { loadPolicy } from "../../config/policyFile.js";
import { loadSettings } from "../../db/settings.js";
import { calendarDateAt, parseCalendarDate, type CalendarDate } from "../../domain/calendarDate.js";
import type { Digest, DigestInstalment, PendingAction } from "../../domain/digest.js";
import { formatMinor, minorDigits } from "../../domain/money.js";
import { AppError } from "../../errors.js";
import { phrase, say } from "../../i18n/index.js";
import { buildDigest } from "../../services/committeeViews.js";
import { print, printJson, type CommandContext } from "../io.js";
import { renderDigest } from "../render.js";

/** The JSON's shape, quoted in the help: keys, the same in every language. */
const JSON_SHAPE = `  { asOf, aging: { buckets: {label: amount}, disputed, credits, balance }, kpis: {...},
    proposals: [ { id, kind, status, pendingSince, customer: { externalId, name, segment }, amountAtRisk, stakes,
                   reason, backBecause, onAgenda } ], followUp: [...], cashCollected, promisesDue: [...],
    paymentPlans: [ { id, status, agreedOn, agreedThisWeek, customer: { externalId, name }, currency, total, paid,
                      remaining, indemnity, instalments, paidInstalments, dueThisWeek: [ { no, dueDate, amount, outstanding } ],
                      missed: [ { no, dueDate, amount, outstanding, indemnity, escalation, escalatedOn } ] } ] }`;

export const DIGEST_HELP = phrase("cli.digest.help", { shape: JSON_SHAPE });

export async function digestCommand(context: CommandContext, args: string[], options: { asOf?: string; format?: string }): Promise<number> {
  if (args.length > 0) throw new AppError("input.usage", DIGEST_HELP);
  const format = options.format ?? (context.json ? "json" : "table");
  if (format !== "table" && format !== "json") throw new AppError("input.usage", phrase("cli.badFormatTableJson", { format: String(options.format) }));
  const db = await context.database();
  const settings = await db.withConnection(loadSettings);
  let asOf: CalendarDate;
  if (options.asOf) {
    const parsed = parseCalendarDate(options.asOf);
    if (!parsed) throw new AppError("input.invalid", phrase("cli.badAsOf", { value: options.asOf }));
    asOf = parsed;
  } else asOf = calendarDateAt(new Date(), settings.timeZone);
  const policy = loadPolicy(readEnv(context.io.env).POLICY_FILE);
  const digest = await buildDigest(db, policy, asOf);
  if (format === "json") printJson(context.io, digestJson(digest));
  else print(context.io.stdout, renderDigest(digest, policy.agingBuckets));
  return 0;
}

/** The digest as the JSON of `ccbot digest --format json` (issue #13): amounts as decimal strings. */
export function digestJson(d: Digest): Record<string, unknown> {
  const digits = minorDigits(d.currency);
  const amount = (minor: bigint) => formatMinor(minor, digits);
  const proposal = (a: PendingAction, onAgenda: boolean) => ({
    id: a.actionId,
    kind: a.kind,
    status: a.status,
    pendingSince: a.pendingSince ?? null,
    customer: { externalId: a.externalId ?? null, name: a.customerName, segment: a.segment ?? null },
    amountAtRisk: amount(a.amountAtRisk ?? 0n),
    stakes: amount(a.stakes ?? 0n),
    reason: a.reason,
    backBecause: a.backBecause ?? null,
    approvedBy: a.approvedBy,
    // Stable English for scripts, whatever the company's language (docs/i18n.md).
    stillNeeded: a.needs ? a.needs.map((m) => say("en-GB", m)) : a.missing,
    onAgenda,
  });
  return {
    asOf: d.asOf,
    period: d.period,
    company: d.companyName,
    currency: d.currency,
    aging: {
      buckets: Object.fromEntries(d.bucketLabels.map((label, i) => [label, amount(d.totals.buckets[i] ?? 0n)])),
      disputed: amount(d.totals.disputed),
      credits: amount(d.totals.credits),
      balance: amount(d.totals.balance),
      overdue: amount(d.totals.overdue),
    },
    kpis: {
      dsoCountback: d.kpis.dsoCountback,
      dsoSimple: d.kpis.dsoSimple,
      overdueRate: d.kpis.overdueRate,
      previousOverdueRate: d.kpis.previousOverdueRate,
      recovery1Month: d.kpis.recovery1Month ? { ...d.kpis.recovery1Month, due: amount(d.kpis.recovery1Month.due) } : null,
      recovery3Months: d.kpis.recovery3Months ? { ...d.kpis.recovery3Months, due: amount(d.kpis.recovery3Months.due) } : null,
    },
    proposals: [...d.actions.map((a) => proposal(a, true)), ...d.moreActions.map((a) => proposal(a, false))],
    followUp: d.followUp.map((f) => ({
      id: f.actionId,
      kind: f.kind,
      decision: f.decision,
      decidedOn: f.decidedOn,
      customer: { externalId: f.externalId, name: f.customerName },
      since: f.since,
      paidSince: amount(f.paidSince),
    })),
    cashCollected: amount(d.cashCollected),
    promisesDue: d.promises
      .filter((p) => p.status === "PENDING")
      .map((p) => ({ id: p.promiseId, customer: p.customerName, amount: amount(p.amount), promisedDate: p.promisedDate })),
    paymentPlans: d.paymentPlans.map((p) => {
      const planAmount = (minor: bigint) => formatMinor(minor, minorDigits(p.currency));
      const instalment = (i: DigestInstalment) => ({ no: i.no, dueDate: i.dueDate, amount: planAmount(i.amount), outstanding: planAmount(i.outstanding) });
      return {
        id: p.planId,
        status: p.status,
        agreedOn: p.agreedOn,
        agreedThisWeek: p.agreedThisWeek,
        customer: { externalId: p.externalId, name: p.customerName },
        currency: p.currency,
        total: planAmount(p.total),
        paid: planAmount(p.paid),
        remaining: planAmount(p.remaining),
        indemnity: planAmount(p.indemnity),
        instalments: p.instalments,
        paidInstalments: p.paidInstalments,
        dueThisWeek: p.dueThisWeek.map(instalment),
        missed: p.missed.map((m) => ({ ...instalment(m), indemnity: planAmount(m.indemnity), escalation: m.escalation, escalatedOn: m.escalatedOn })),
      };
    }),
    promisesBroken: d.promises
      .filter((p) => p.status === "BROKEN")
      .map((p) => ({ id: p.promiseId, customer: p.customerName, amount: amount(p.amount), promisedDate: p.promisedDate })),
  };
}
