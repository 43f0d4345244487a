// The digest's and the tasks' words as Slack and Teams show them, in the company's language: built from the
// domain's view models (kinds, figures, plan standings, decision facts) with the catalogues (src/i18n), so that
// blocks.ts and cards.ts say the same thing and only the markup differs.
import { bucketLabels } from "../domain/aging.js";
import {
  CALL_CHECKLIST,
  type Digest,
  type DigestInstalment,
  type DigestPlan,
  type FollowUpLine,
  type PendingAction,
  type TaskList,
  type TaskOutcome,
} from "../domain/digest.js";
import type { LossCover } from "../domain/kpis.js";
import type { ActionKind } from "../domain/policy.js";
import { formatDate, formatMoney, formatNumber, t } from "../i18n/index.js";
import type { FormError } from "../usecases/contacts.js";
import type { DisputeCategory } from "../usecases/disputes.js";
import { ContactEmailError, type ContactCorrected } from "../usecases/wrongContact.js";

/** "Mise en demeure" / "Formal notice". */
export function kindName(kind: ActionKind, locale: string): string {
  return t(locale, `chat.kind.${kind}`);
}

/** "Approuver les 6 blocages des livraisons ci-dessus" / "Approve the 6 delivery blocks above". */
export function batchLabel(kind: ActionKind, count: number, locale: string): string {
  return t(locale, "chat.actions.batch", { count, kinds: t(locale, `chat.kinds.${kind}`, { count }) });
}

export function outcomeLabel(outcome: TaskOutcome, locale: string): string {
  return t(locale, `chat.outcome.${outcome}`);
}

export function disputeCategoryLabel(category: DisputeCategory, locale: string): string {
  return t(locale, `chat.disputeCategory.${category}`);
}

const PROMISE_STATUSES = new Set(["PENDING", "KEPT", "BROKEN"]);
/** A promise's status in words ("tenue" / "kept"); an unknown one as it is stored. */
export function promiseStatus(status: string, locale: string): string {
  return PROMISE_STATUSES.has(status) ? t(locale, `chat.promiseStatus.${status as "PENDING" | "KEPT" | "BROKEN"}`) : status.toLowerCase();
}

const ACTION_STATUSES = new Set(["PROPOSED", "APPROVED", "APPLIED", "REJECTED", "EXPIRED", "SUPERSEDED"]);
/** A proposal's final status in words ("appliquée" / "applied"). */
export function actionStatus(status: string | undefined, locale: string): string {
  if (!status) return "";
  type Status = "PROPOSED" | "APPROVED" | "APPLIED" | "REJECTED" | "EXPIRED" | "SUPERSEDED";
  return ACTION_STATUSES.has(status) ? t(locale, `chat.actionStatus.${status as Status}`) : status.toLowerCase();
}

/** A rate as a percentage in the locale ("12,5 %" / "12.5%"), or "n.d." / "n/a". */
export function percent(value: number | null, locale: string): string {
  return value === null ? t(locale, "chat.notAvailable") : formatNumber(value, locale, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/** The digest's line of KPIs: DSO, overdue rate (and last week's), recovery rates. */
export function kpisLine(d: Digest): string {
  const k = d.kpis;
  const dso =
    k.dsoCountback === null ? t(d.locale, "chat.notAvailable") : formatNumber(k.dsoCountback, d.locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return t(d.locale, "chat.digest.kpis", {
    dso,
    overdueRate: percent(k.overdueRate, d.locale),
    lastWeek: k.previousOverdueRate !== null ? t(d.locale, "chat.digest.lastWeekRate", { rate: percent(k.previousOverdueRate, d.locale) }) : "",
    within1: percent(k.recovery1Month?.within1Month ?? null, d.locale),
    within3: percent(k.recovery3Months?.within3Months ?? null, d.locale),
  });
}

/** The digest's title: "Comité de crédit 2026-W49 (lundi 30 novembre 2026) — ACME". */
export function digestHeader(d: Digest, longDate: string): string {
  return t(d.locale, "chat.digest.header", { period: d.period, date: longDate, company: d.companyName });
}

/** The aged balance's column titles in the digest's language (the domain's labels when its edges are not known). */
export function digestBucketLabels(d: Digest): string[] {
  return d.agingBuckets ? bucketLabels(d.agingBuckets, d.locale) : d.bucketLabels;
}

/** "9 000,00 € à risque · enjeu 1 350,00 € · en attente depuis 2026-W45", or "" without figures. */
export function stakesText(a: PendingAction, locale: string, period?: string): string {
  if (a.amountAtRisk === undefined || !a.currency) return "";
  const money = (minor: bigint) => formatMoney(minor, a.currency as string, locale);
  const parts = [t(locale, "chat.actions.atRisk", { amount: money(a.amountAtRisk), stakes: money(a.stakes ?? 0n) })];
  if (a.pendingSince && a.pendingSince !== period) parts.push(t(locale, "chat.actions.pendingSince", { period: a.pendingSince }));
  return parts.join(" · ");
}

/** The steps of the call checklist: the catalogue's when the list is the standard one, else as given. */
export function checklistSteps(list: TaskList, locale: string): string[] {
  const standard = list.checklist.length === CALL_CHECKLIST.length && list.checklist.every((s, i) => s === CALL_CHECKLIST[i]);
  if (!standard) return [...list.checklist];
  return CALL_CHECKLIST.map((_, i) => t(locale, `chat.checklist.${i as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7}`));
}

/** Where a decision of last week stands, in the digest's language (from its facts; the domain's words without them). */
export function followUpText(f: FollowUpLine, currency: string, locale: string): string {
  const facts = f.facts;
  if (!facts) return f.since.join("; ");
  const money = (minor: bigint) => formatMoney(minor, currency, locale);
  const date = (d: string) => formatDate(d as never, locale);
  const since: string[] = [];
  if (facts.decision === "REJECTED") since.push(t(locale, "chat.followUp.rejected"));
  else
    switch (facts.kind) {
      case "FORMAL_NOTICE":
        if (!facts.letterProducedOn) since.push(t(locale, "chat.followUp.letterNotProduced"));
        else {
          since.push(t(locale, "chat.followUp.letterProduced", { date: date(facts.letterProducedOn) }));
          const sent = facts.letterSent;
          since.push(
            !sent
              ? t(locale, "chat.followUp.letterNotSent")
              : sent.registeredMail
                ? t(locale, "chat.followUp.letterSentRegistered", { date: date(sent.on), number: sent.registeredMail })
                : t(locale, "chat.followUp.letterSent", { date: date(sent.on) }),
          );
        }
        break;
      case "BLOCK_DELIVERIES":
        since.push(t(locale, facts.blockedNow ? "chat.followUp.blockInForce" : "chat.followUp.blockLifted"));
        break;
      case "UNBLOCK_DELIVERIES":
        since.push(t(locale, facts.blockedNow ? "chat.followUp.blockedAgain" : "chat.followUp.deliveriesOpen"));
        break;
      case "HOLD":
        since.push(t(locale, facts.onHoldNow ? "chat.followUp.onHold" : "chat.followUp.holdLifted"));
        break;
      case "CREDIT_LIMIT_CHANGE":
        since.push(
          facts.creditLimitNow === null
            ? t(locale, "chat.followUp.noLimit")
            : t(locale, "chat.followUp.limitNow", { limit: money(facts.creditLimitNow) }),
        );
        break;
      case "LITIGATION":
        since.push(t(locale, "chat.followUp.litigation"));
        break;
    }
  since.push(facts.paidSince > 0n ? t(locale, "chat.followUp.paidSince", { amount: money(facts.paidSince) }) : t(locale, "chat.followUp.nothingPaid"));
  for (const p of facts.promisesSince)
    since.push(
      t(locale, "chat.followUp.promise", { amount: money(p.amount), date: date(p.promisedDate), status: promiseStatus(p.status, locale) }),
    );
  return since.join(languageSeparator(locale));
}

/** The separator of a list of clauses: "; " in English, " ; " in French (a thin space before it). */
function languageSeparator(locale: string): string {
  return locale.toLowerCase().startsWith("fr") ? " ; " : "; ";
}

/**
 * A plan's line (without the customer's name, which each platform sets in bold): "échéancier n° 3 accordé le
 * 05/10/2026 : échéance 2 de 1 000,00 € du 12/11/2026 manquée, … · 1 échéance payée sur 3, reste 2 000,00 €".
 */
export function planLine(p: DigestPlan, locale: string): string {
  const money = (minor: bigint) => formatMoney(minor, p.currency, locale);
  const date = (d: string) => formatDate(d as never, locale);
  const left = (i: DigestInstalment) => (i.outstanding === i.amount ? null : money(i.outstanding));
  const parts: string[] = [];
  if (p.agreedThisWeek && p.firstDue && p.lastDue)
    parts.push(t(locale, "chat.plan.agreed", { count: p.instalments, total: money(p.total), from: date(p.firstDue), to: date(p.lastDue) }));
  for (const m of p.missed) {
    const l = left(m);
    const missed = t(locale, "chat.plan.missed", {
      no: m.no,
      amount: money(m.amount),
      date: date(m.dueDate),
      left: l ? t(locale, "chat.plan.leftUnpaid", { left: l }) : "",
      indemnity: money(m.indemnity),
    });
    // The escalation is the history's text, as it was recorded.
    parts.push(`${missed}${languageSeparator(locale)}${m.escalation ?? t(locale, "chat.plan.notEscalated")}`);
  }
  for (const i of p.dueThisWeek) {
    const l = left(i);
    parts.push(`${t(locale, "chat.plan.due", { no: i.no, amount: money(i.amount), date: date(i.dueDate) })}${l ? t(locale, "chat.plan.leftToPay", { left: l }) : ""}`);
  }
  if (p.status === "COMPLETED") parts.push(t(locale, "chat.plan.completed", { total: money(p.total) }));
  else if (p.status === "BROKEN") parts.push(t(locale, "chat.plan.broken", { remaining: money(p.remaining) }));
  else parts.push(t(locale, "chat.plan.standing", { paid: p.paidInstalments, count: p.instalments, remaining: money(p.remaining) }));
  const head = t(locale, "chat.plan.of", { planId: p.planId, date: date(p.agreedOn) });
  return t(locale, "chat.labelled", { label: head, text: parts.join(" · ") });
}

/** What losing the overdue would cost in sales, in words. */
export function lossCoverText(cover: LossCover, money: (minor: bigint) => string, locale: string): string {
  return t(locale, "chat.file.lossCover", {
    sales: money(cover.salesNeeded),
    margin: formatNumber(cover.marginPercent, locale),
    unpaid: money(cover.unpaid),
  });
}

/**
 * What is wrong with an address typed to correct a bounced contact, in the company's language. `shown` makes
 * what the person typed inert for the platform (Teams markdown); Slack escapes the whole text instead.
 */
export function contactEmailProblem(error: FormError, locale: string, shown: (text: string) => string = (x) => x): string {
  if (error instanceof ContactEmailError)
    return error.typed ? t(locale, "contact.emailInvalid", { typed: shown(error.typed) }) : t(locale, "contact.emailMissing");
  return shown(error.fieldsIn(locale).email ?? error.textIn(locale));
}

/** "Contact corrected for …" or "already corrected", once a correction went through. */
export function contactCorrectedNotice(result: ContactCorrected, locale: string, shown: (text: string) => string = (x) => x): string {
  return result.status === "corrected"
    ? t(locale, "contact.corrected", { customer: shown(result.customerName), email: shown(result.email), replaced: shown(result.replaced.join(", ")) })
    : t(locale, "contact.alreadyCorrected", { customer: shown(result.customerName), email: shown(result.email) });
}
