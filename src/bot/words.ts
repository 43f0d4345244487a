// The digest's and the tasks' words as Slack and Teams show them, in the company's language: built from the
// domain's view models (kinds, figures, plan standings, decision facts) with the catalogues (src/i18n), so that
// blocks.ts and cards.ts say the same thing and only the markup differs.
import { bucketLabels } from "../domain/aging.js";
import {
  checklistSteps as domainChecklistSteps,
  followUpSince,
  listSeparator,
  planLineText,
  promiseStatusText,
  type Digest,
  type DigestPlan,
  type FollowUpLine,
  type PendingAction,
  type TaskList,
  type TaskOutcome,
} from "../domain/digest.js";
import type { LossCover } from "../domain/kpis.js";
import type { ActionKind } from "../domain/policy.js";
import { formatMoney, formatNumber, t } from "../i18n/index.js";
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

/** A promise's status in words ("tenue" / "kept"); an unknown one as it is stored. */
export function promiseStatus(status: string, locale: string): string {
  return promiseStatusText(status, locale);
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
  return domainChecklistSteps(list, locale);
}

/** Where a decision of last week stands, in the digest's language (from its facts; the domain's words without them). */
export function followUpText(f: FollowUpLine, currency: string, locale: string): string {
  if (!f.facts) return f.since.join("; ");
  return followUpSince(f.facts, (minor) => formatMoney(minor, currency, locale), locale).join(listSeparator(locale));
}

/**
 * A plan's line (without the customer's name, which each platform sets in bold): "échéancier n° 3 accordé le
 * 05/10/2026 : échéance 2 de 1 000,00 € du 12/11/2026 manquée, … · 1 échéance payée sur 3, reste 2 000,00 €".
 */
export function planLine(p: DigestPlan, locale: string): string {
  return planLineText(p, locale);
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
