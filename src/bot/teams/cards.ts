// Adaptive Cards, in one place: pure functions from the domain's view models to cards that Teams renders.
// Version 1.5 (the highest Teams supports); buttons are Universal Actions (Action.Execute) with an
// Action.Submit fallback for older clients. Every card is checked by the official parser in the tests.
// TextBlocks render markdown: every value from the data (names, reasons, comments, history) goes in through the
// `md` tag or `inert`, so that what a person typed shows as text; only our own labels are formatted. Every word
// in the company's language, from the catalogues (src/i18n) and src/bot/words.ts.
import { planShowCard } from "./planCards.js";
import {
  batchesOf,
  longDate,
  minusMoney,
  outcomesFor,
  planCounts,
  plansToShow,
  type ActionView,
  type CustomerFile,
  type Digest,
  type DigestAccount,
  type TaskList,
} from "../../domain/digest.js";
import { formatMoney } from "../../domain/money.js";
import { DEFAULT_LOCALE, formatDate, t } from "../../i18n/index.js";
import { DISPUTE_CATEGORIES } from "../../usecases/disputes.js";
import {
  actionStatus,
  batchLabel,
  checklistSteps,
  digestBucketLabels,
  digestHeader,
  disputeCategoryLabel,
  followUpText,
  kindName,
  kpisLine,
  lossCoverText,
  outcomeLabel,
  planLine,
  promiseStatus,
  stakesText,
} from "../words.js";
import { inert, inertLines, md } from "./text.js";
import { mailTaskActions } from "./mailCards.js";

export const CARD_VERSION = "1.5";
export const CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
/**
 * Teams measures a bot message in UTF-16; its docs have said 40 KB and now say about 100 KB. Every message is
 * held to 40 KB (40,960 bytes) counted that way: a card takes at most this much, the rest of the activity
 * (ids, text, envelope) fits in what is left.
 */
export const CARD_BUDGET_BYTES = 36_000;
/** The most a bot message may weigh, counted in UTF-16 as Teams counts it (40 KB). */
export const MESSAGE_LIMIT_BYTES = 40 * 1024;
/** Teams asks the client to refresh a card automatically for at most 60 users. */
export const REFRESH_USERS_MAX = 60;

/** Verbs of our Universal Actions; the data of each carries what the handler needs. */
export const VERBS = {
  approve: "vote.approve",
  reject: "vote.reject",
  comment: "vote.comment",
  refresh: "digest.refresh",
  outcome: "task.outcome",
  promise: "task.promise",
  dispute: "dispute.flag",
  evidence: "account.evidence",
  batch: "vote.batch",
  more: "digest.more",
} as const;

export type Element = Record<string, unknown>;

export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: typeof CARD_VERSION;
  body: Element[];
  actions?: Element[];
  refresh?: { action: Element; userIds?: string[] };
  fallbackText?: string;
  msteams?: { width: "Full" };
}

export interface CardMessage {
  text: string;
  card: AdaptiveCard;
}

function card(body: Element[], options: { actions?: Element[]; refresh?: AdaptiveCard["refresh"]; fallbackText?: string } = {}) {
  const result: AdaptiveCard = {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: CARD_VERSION,
    body,
    msteams: { width: "Full" },
  };
  if (options.actions?.length) result.actions = options.actions;
  if (options.refresh) result.refresh = options.refresh;
  if (options.fallbackText) result.fallbackText = options.fallbackText;
  return result;
}

const text = (value: string, options: Element = {}): Element => ({ type: "TextBlock", text: value, wrap: true, ...options });
const heading = (value: string): Element => text(value, { size: "Medium", weight: "Bolder", style: "heading" });
const facts = (pairs: Array<[string, string]>): Element => ({
  type: "FactSet",
  facts: pairs.map(([title, value]) => ({ title, value })),
});

/** A Universal Action, with the Action.Submit clients older than 1.4 run instead (same data, verb inside). */
export function execute(title: string, verb: string, data: Record<string, unknown>, options: Element = {}): Element {
  return {
    type: "Action.Execute",
    title,
    verb,
    data,
    ...options,
    fallback: { type: "Action.Submit", title, data: { ...data, verb } },
  };
}

/** `message` is markdown made by the bot (values already inert: `md`, `userMessage`). */
export function errorCard(message: string): CardMessage {
  return { text: message, card: card([text(`⚠️ ${message}`, { color: "Attention" })]) };
}

/** `message` is markdown made by the bot (values already inert). */
export function infoCard(message: string): CardMessage {
  return { text: message, card: card([text(message)]) };
}

/** The customer file a sales rep checks before taking an order (`credit ACME`, the search extension). */
export function customerFileCard(input: {
  account: DigestAccount;
  file: CustomerFile;
  bucketLabels: string[];
  currency: string;
  locale: string;
}): CardMessage {
  const { account, file, locale } = input;
  const money = (minor: bigint) => formatMoney(minor, input.currency, locale);
  const f = account.review.figures;
  const status = account.blocked
    ? `⛔ **${t(locale, "chat.file.blocked")}**${file.blockedReason ? md` — ${file.blockedReason}` : ""}`
    : `✅ ${t(locale, "chat.file.open")}`;
  const limit =
    account.creditLimit === null
      ? t(locale, "chat.file.noLimit")
      : `${t(locale, "chat.file.limit", { limit: money(account.creditLimit) })}${f.overLimit > 0n ? ` — **${t(locale, "chat.file.over", { amount: money(f.overLimit) })}**` : ""}`;
  const payer = account.payer.grade
    ? t(locale, "chat.file.payer", { grade: account.payer.grade, score: account.payer.score ?? 0, days: account.payer.averageDaysLate ?? 0 })
    : t(locale, "chat.file.noPayerHistory");
  const body: Element[] = [
    heading(md`${account.name} (${account.externalId})`),
    text(status, { color: account.blocked ? "Attention" : "Good" }),
    text(t(locale, "chat.file.exposure", { exposure: money(f.exposure), limit })),
    text(inert(payer), { isSubtle: true }),
    facts([
      ...input.bucketLabels.map((label, i): [string, string] => [label, money(account.aging.buckets[i] ?? 0n)]),
      [t(locale, "chat.aging.disputed"), money(account.aging.disputed)],
      [t(locale, "chat.aging.credits"), minusMoney(account.aging.credits, input.currency, locale)],
    ]),
  ];
  if (file.lossCover) body.push(text(`**${t(locale, "chat.file.costIfLost")}** ${lossCoverText(file.lossCover, money, locale)}`));
  const disputed = file.overdueInvoices.filter((i) => i.disputed);
  if (disputed.length > 0)
    body.push(text(`**${t(locale, "chat.file.openDisputes")}** ${disputed.map((i) => md`${i.number} (${money(i.openAmount)})`).join(", ")}`));
  if (file.commitments.length > 0) {
    const promise = (c: CustomerFile["commitments"][number]) =>
      t(locale, "chat.file.promise", { amount: money(c.amount), date: formatDate(c.promisedDate, locale), status: promiseStatus(c.status, locale) });
    body.push(text(`**${t(locale, "chat.file.promises")}** ${inert(file.commitments.map(promise).join("; "))}`));
  }
  if (file.paymentPlans?.length) body.push(text(`**${t(locale, "chat.file.paymentPlans")}** ${file.paymentPlans.map((p) => inert(p)).join("; ")}`));
  if (file.lastHistory.length > 0) {
    body.push(text(`**${t(locale, "chat.file.lastEntries")}**`, { spacing: "Medium" }));
    for (const h of file.lastHistory.slice(0, 10))
      body.push(text(`${inert(h.on)} ${inert(h.by ?? "")}: ${inert(h.text, 300)}`, { isSubtle: true, spacing: "None", size: "Small" }));
  }
  return {
    text: inert(t(locale, "chat.file.summary", { customer: account.name, exposure: money(f.exposure), blocked: account.blocked ? "yes" : "no" })),
    card: card(body, {
      actions: [execute(t(locale, "chat.file.evidenceButton"), VERBS.evidence, { c: account.customerId })],
      fallbackText: inert(t(locale, "chat.file.fallback", { customer: account.name, exposure: money(f.exposure) })),
    }),
  };
}

/** The digest's summary message: totals with the week's change (adding up to the balance), KPIs, priority accounts, the agenda, last week's decisions. */
export function digestSummaryCard(d: Digest): CardMessage {
  const { locale } = d;
  const money = (minor: bigint) => formatMoney(minor, d.currency, locale);
  const signed = (minor: bigint) => (minor > 0n ? `+${money(minor)}` : minor < 0n ? `−${money(-minor)}` : money(0n));
  const header = digestHeader(d, longDate(d.asOf, locale));
  const agenda = `**${t(locale, "chat.digest.agenda", { shown: d.actions.length })}**${d.moreActions.length > 0 ? ` — ${t(locale, "chat.digest.agendaMore", { more: d.moreActions.length })}` : ""}`;
  const body: Element[] = [
    heading(inert(header)),
    facts([
      ...digestBucketLabels(d).map((label, i): [string, string] => [
        label,
        `${money(d.totals.buckets[i] ?? 0n)}${d.change ? ` (${signed(d.change[i] ?? 0n)})` : ""}`,
      ]),
      [t(locale, "chat.aging.disputed"), money(d.totals.disputed)],
      [t(locale, "chat.aging.credits"), minusMoney(d.totals.credits, d.currency, locale)],
      [t(locale, "chat.aging.balance"), money(d.totals.balance)],
    ]),
    text(inert(kpisLine(d)), { isSubtle: true }),
    text(`**${t(locale, "chat.digest.priorities")}**`, { spacing: "Medium" }),
    ...d.priorities.map((p) =>
      text(`${p.rank}. **${inert(p.account.name)}**${p.account.blocked ? " ⛔" : ""} — ${inert(p.reasons.slice(0, 3).join("; "))}`, {
        spacing: "None",
      }),
    ),
    text(agenda, { spacing: "Medium" }),
    ...d.actions.map((a, i) =>
      text(`${i + 1}. **${inert(a.customerName)}** — ${inert(kindName(a.kind, locale))} · ${inert(stakesText(a, locale, d.period))}`, {
        spacing: "None",
      }),
    ),
    text(`**${t(locale, "chat.digest.followUpTitle", { count: d.followUp.length })}**`, { spacing: "Medium" }),
    ...(d.followUp.length === 0
      ? [text(t(locale, "chat.digest.noFollowUp"), { spacing: "None", isSubtle: true })]
      : d.followUp.map((f) =>
          text(
            `#${f.actionId} **${inert(f.customerName)}** — ${inert(t(locale, "chat.labelled", { label: kindName(f.kind, locale), text: followUpText(f, d.currency, locale) }))}`,
            { spacing: "None" },
          ),
        )),
    ...digestPlansBlocks(d),
    text(
      `${inert(t(locale, "chat.digest.cashCollected", { amount: money(d.cashCollected) }))} · ${t(locale, "chat.digest.promisesDue", { count: d.promises.filter((p) => p.status === "PENDING").length })} · **${t(locale, "chat.digest.openDisputes", { count: d.disputes.length })}**`,
      { spacing: "Medium" },
    ),
  ];
  return {
    text: inert(t(locale, "chat.digest.text", { header, balance: money(d.totals.balance), count: d.actions.length + d.moreActions.length })),
    card: card(body, { fallbackText: inert(header) }),
  };
}

/** The digest's payment plans (follow-through): the week's counts, the plans with something this week, the rest counted. */
function digestPlansBlocks(d: Digest): Element[] {
  const { locale } = d;
  const counts = planCounts(d.paymentPlans);
  const { shown, more, onTrack } = plansToShow(d.paymentPlans);
  const subtle = { spacing: "None", isSubtle: true };
  return [
    text(`**${t(locale, "chat.plans.title", { count: d.paymentPlans.length })}**`, { spacing: "Medium" }),
    d.paymentPlans.length === 0 ? text(t(locale, "chat.plans.none"), subtle) : text(inert(t(locale, "chat.plans.line", counts)), subtle),
    ...shown.map((p) => text(`• **${inert(p.customerName)}** — ${inert(planLine(p, locale))}`, { spacing: "None" })),
    ...(more > 0 ? [text(inert(t(locale, "chat.plans.more", { count: more })), subtle)] : []),
    ...(onTrack > 0 ? [text(inert(t(locale, "chat.plans.onTrack", { count: onTrack })), subtle)] : []),
  ];
}

/** "12 more, smaller: show": the reply under the agenda's cards, its button asking for the next card(s). */
export function moreCard(d: Digest): CardMessage {
  const atRisk = d.moreActions.reduce((sum, a) => sum + (a.amountAtRisk ?? 0n), 0n);
  const title = t(d.locale, "chat.more.title", { count: d.moreActions.length, atRisk: formatMoney(atRisk, d.currency, d.locale) });
  return {
    text: inert(title),
    card: card([text(inert(title))], {
      actions: [execute(t(d.locale, "chat.more.button", { count: d.moreActions.length }), VERBS.more, { period: d.period })],
    }),
  };
}

/**
 * One reply of actions: each action with its reason and votes, and its buttons while undecided. The card
 * asks the clients of the committee members (up to 60) to refresh it when shown, so votes cast elsewhere appear.
 * Said in `locale` (the company's; pending actions carry it, decided ones do not).
 */
export function actionsCard(
  actions: ActionView[],
  part: number,
  parts: number,
  refreshUserIds: string[] = [],
  locale: string = actions.find((a) => a.locale)?.locale ?? DEFAULT_LOCALE,
): CardMessage {
  const title = t(locale, "chat.actions.header", { part, parts });
  const body: Element[] = [text(title, { isSubtle: true, size: "Small" })];
  for (const a of actions) {
    const decided = a.finalStatus !== undefined && a.finalStatus !== "PROPOSED";
    const votes = a.approvedBy.length ? t(locale, "chat.actions.approvedBy", { names: a.approvedBy.join(", ") }) : t(locale, "chat.actions.noApproval");
    const state = decided
      ? `**${inert(actionStatus(a.finalStatus, locale))}**${a.appliedText ? md`: ${a.appliedText}` : ""}`
      : inert(t(locale, "chat.actions.stillNeeded", { votes, missing: a.missing.join(", ") || t(locale, "chat.actions.nothing") }));
    const stakes = decided ? "" : stakesText(a, locale);
    const items: Element[] = [
      text(`**#${a.actionId} ${inert(a.customerName)}** — ${inert(kindName(a.kind, locale))}${stakes ? ` · ${inert(stakes)}` : ""}`),
      text(inert(a.reason, 1000), { spacing: "None" }),
      ...(!decided && a.backBecause ? [text(inert(t(locale, "chat.actions.back", { why: a.backBecause }), 500), { spacing: "None", isSubtle: true })] : []),
      text(state, { spacing: "None", isSubtle: true }),
    ];
    if (!decided) {
      const data = { actionId: a.actionId };
      items.push({
        type: "ActionSet",
        actions: [
          execute(t(locale, "chat.actions.approve"), VERBS.approve, data, { style: "positive" }),
          execute(t(locale, "chat.actions.reject"), VERBS.reject, data, { style: "destructive" }),
          {
            type: "Action.ShowCard",
            title: t(locale, "chat.actions.comment"),
            card: {
              type: "AdaptiveCard",
              body: [
                {
                  type: "Input.Text",
                  id: `comment_${a.actionId}`,
                  isMultiline: true,
                  maxLength: 2000,
                  label: t(locale, "chat.comment.label"),
                },
              ],
              actions: [execute(t(locale, "chat.comment.send"), VERBS.comment, data)],
            },
          },
        ],
      });
    }
    body.push({ type: "Container", separator: true, spacing: "Medium", items });
  }
  const refresh =
    refreshUserIds.length > 0
      ? {
          action: { type: "Action.Execute", title: t(locale, "chat.actions.refresh"), verb: VERBS.refresh, data: { part } },
          userIds: refreshUserIds.slice(0, REFRESH_USERS_MAX),
        }
      : undefined;
  const batches = batchesOf(actions).map((b) =>
    execute(batchLabel(b.kind, b.actionIds.length, locale), VERBS.batch, { actionIds: b.actionIds }, { style: "positive" }),
  );
  return { text: title, card: card(body, { refresh, actions: batches }) };
}

/**
 * The JSON size Teams counts for a card, in bytes: Teams measures a message in UTF-16 (two bytes a character),
 * so an accented or emoji-heavy card weighs about twice its UTF-8 size.
 */
export function cardBytes(c: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify({ contentType: CARD_CONTENT_TYPE, content: c }), "utf16le");
}

/** Room kept in each task card for the notice an outcome puts at its top, so the refreshed card still fits. */
export const NOTICE_ALLOWANCE_BYTES = 2_000;

type Task = TaskList["tasks"][number];

/**
 * One card of a collector's day (part `part` of `parts`): the call checklist, then each of `tasks` with its
 * customer file, outcomes and promise form. The split into parts is the publisher's (splitTaskList).
 */
export function taskListCard(
  list: TaskList,
  tasks: readonly Task[],
  position: { part: number; parts: number },
  currency: string,
  locale: string,
  done: ReadonlySet<string> = new Set(),
  notice?: string,
  options: { mailReady?: boolean } = {},
): CardMessage {
  const money = (minor: bigint) => formatMoney(minor, currency, locale);
  const date = formatDate(list.asOf, locale);
  const steps = checklistSteps(list, locale).map((s, i) => `${i + 1}. ${s}`).join(" · ");
  const body: Element[] = [
    heading(`${t(locale, "chat.tasks.header", { date, count: list.tasks.length })}${position.parts > 1 ? ` — ${position.part}/${position.parts}` : ""}`),
    ...(notice ? [text(`✅ ${notice}`, { color: "Good" })] : []),
    text(inert(t(locale, "chat.tasks.checklist", { steps })), { isSubtle: true, size: "Small" }),
  ];
  for (const [index, task] of tasks.entries()) {
    const key = taskKey(task.customerId, task.levelId ?? task.kind);
    const contact = task.file.contacts[0];
    const items: Element[] = [
      text(md`**${task.title}** — ${task.customerName} (${task.externalId})`),
      text(inert(task.reason, 1000), { spacing: "None" }),
      text(
        `${contact ? `${inert([contact.name, contact.phone, contact.email].filter(Boolean).join(" · "))} · ` : ""}` +
          inert(
            [
              t(locale, "chat.tasks.overdue", { amount: money(task.overdue) }),
              ...(task.file.payer.grade ? [t(locale, "chat.tasks.payer", { grade: task.file.payer.grade })] : []),
              ...(task.file.commitments.length ? [t(locale, "chat.tasks.commitments", { count: task.file.commitments.length })] : []),
            ].join(" · "),
          ),
        { spacing: "None", isSubtle: true },
      ),
    ];
    if (done.has(key)) {
      items.push(text(`✅ ${t(locale, "chat.tasks.done")}`, { color: "Good", spacing: "None" }));
    } else {
      // Input ids are unique in a card: each task's form fields carry its index, which its data names (f).
      // k: the customers this card holds, so that the card refreshed after an outcome shows the same tasks.
      const data = { c: task.customerId, l: task.levelId ?? task.kind, ch: task.channel ?? "PHONE", f: index, k: tasks.map((x) => x.customerId) };
      // A formal notice to post is recorded with its tracking number ("Sent by registered letter"), not "Sent".
      const outcomes = (task.kind === "notice-letter" ? [] : outcomesFor(task.channel)).map((o) => execute(outcomeLabel(o, locale), VERBS.outcome, { ...data, o }));
      const mail = mailTaskActions(task, index, data, locale, options.mailReady ?? false);
      if (mail.length) items.push({ type: "ActionSet", actions: mail });
      items.push({
        type: "ActionSet",
        actions: [
          {
            type: "Action.ShowCard",
            title: t(locale, "chat.tasks.promiseButton"),
            card: {
              type: "AdaptiveCard",
              body: [
                {
                  type: "Input.Text",
                  id: `amount_${index}`,
                  label: t(locale, "chat.promise.amount"),
                  placeholder: t(locale, "chat.form.amountPlaceholder"),
                  isRequired: true,
                  errorMessage: t(locale, "chat.promise.enterAmount"),
                },
                {
                  type: "Input.Date",
                  id: `date_${index}`,
                  label: t(locale, "chat.promise.by"),
                  isRequired: true,
                  errorMessage: t(locale, "chat.promise.pickDate"),
                },
                { type: "Input.Text", id: `note_${index}`, label: t(locale, "chat.promise.note"), isMultiline: true, maxLength: 1000 },
              ],
              actions: [execute(t(locale, "chat.promise.recordButton"), VERBS.promise, data)],
            },
          },
          planShowCard(index, data, locale),
          ...outcomes.slice(0, 2),
        ],
      });
      // Hosts show at most 5 actions in a set (the parser's default host config says so): the rest below.
      if (outcomes.length > 2) items.push({ type: "ActionSet", spacing: "None", actions: outcomes.slice(2) });
    }
    body.push({ type: "Container", separator: true, spacing: "Medium", items });
  }
  if (list.tasks.length === 0) body.push(text(t(locale, "chat.tasks.nothing")));
  const of = position.parts > 1 ? ` (${position.part}/${position.parts})` : "";
  return { text: `${t(locale, "chat.tasks.text", { date, count: list.tasks.length })}${of}`, card: card(body) };
}

export function taskKey(customerId: number, level: string): string {
  return `${customerId}:${level}`;
}

/**
 * The dispute form: in the message extension's dialog (submitted with Action.Submit, as dialogs require), or
 * as a message answering `dispute` alone (a Universal Action, answered with the outcome in its place).
 */
export function disputeFormCard(
  prefill: { invoiceNumber?: string; invoice?: string; category?: string; reason?: string; amount?: string; error?: string },
  mode: "dialog" | "message",
  locale: string,
): AdaptiveCard {
  const body: Element[] = [];
  // The error is the bot's own sentence (values already inert).
  if (prefill.error) body.push(text(`⚠️ ${prefill.error}`, { color: "Attention" }));
  body.push(
    {
      type: "Input.Text",
      id: "invoice",
      label: t(locale, "chat.dispute.invoice"),
      isRequired: true,
      errorMessage: t(locale, "chat.dispute.which"),
      value: prefill.invoice ?? prefill.invoiceNumber ?? "",
    },
    {
      type: "Input.ChoiceSet",
      id: "category",
      label: t(locale, "chat.dispute.reason"),
      isRequired: true,
      errorMessage: t(locale, "chat.dispute.pickReason"),
      value: prefill.category ?? "OTHER",
      choices: DISPUTE_CATEGORIES.map((c) => ({ title: disputeCategoryLabel(c, locale), value: c })),
    },
    {
      type: "Input.Text",
      id: "reason",
      label: t(locale, "chat.dispute.says"),
      isMultiline: true,
      isRequired: true,
      errorMessage: t(locale, "chat.dispute.sayWhat"),
      maxLength: 2000,
      value: prefill.reason ?? "",
    },
    {
      type: "Input.Text",
      id: "amount",
      label: t(locale, "chat.dispute.amount"),
      placeholder: t(locale, "chat.form.amountPlaceholder"),
      value: prefill.amount ?? "",
    },
  );
  const flag = t(locale, "chat.dispute.flagButton");
  const submit = mode === "dialog" ? { type: "Action.Submit", title: flag } : execute(flag, VERBS.dispute, {});
  return card(body, { actions: [submit] });
}

/** A letter the committee approved: what it is and its fingerprint, the full text one click away. */
export function letterCard(doc: { title: string; summary: string; text: string }, locale: string): CardMessage {
  return {
    text: inert(doc.summary, 1000),
    card: card([heading(inert(doc.title)), text(inert(doc.summary, 1000), { isSubtle: true })], {
      actions: [
        {
          type: "Action.ShowCard",
          title: t(locale, "chat.letter.read"),
          card: { type: "AdaptiveCard", body: [text(inertLines(doc.text.slice(0, 20_000)), { fontType: "Monospace", size: "Small" })] },
        },
      ],
    }),
  };
}

/** Teams' file consent card: the person accepts, Teams gives an upload URL in their OneDrive, we upload. */
export function fileConsentAttachment(input: { filename: string; description: string; size: number; context: Record<string, unknown> }) {
  return {
    contentType: "application/vnd.microsoft.teams.card.file.consent",
    name: input.filename,
    content: { description: input.description, sizeInBytes: input.size, acceptContext: input.context, declineContext: input.context },
  };
}

/** The card Teams shows for a file the bot uploaded after consent. */
export function fileInfoAttachment(input: { name: string; contentUrl: string; uniqueId: string; fileType: string }) {
  return {
    contentType: "application/vnd.microsoft.teams.card.file.info",
    contentUrl: input.contentUrl,
    name: input.name,
    content: { uniqueId: input.uniqueId, fileType: input.fileType },
  };
}
