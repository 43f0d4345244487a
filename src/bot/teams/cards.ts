// Adaptive Cards, in one place: pure functions from the domain's view models to cards that Teams renders.
// Version 1.5 (the highest Teams supports); buttons are Universal Actions (Action.Execute) with an
// Action.Submit fallback for older clients. Every card is checked by the official parser in the tests.
// TextBlocks render markdown: every value from the data (names, reasons, comments, history) goes in through the
// `md` tag or `inert`, so that what a person typed shows as text; only our own labels are formatted.
import { planShowCard } from "./planCards.js";
import { describeLossCover } from "../../domain/kpis.js";
import { describeKind } from "../../domain/approvals.js";
import {
  batchesOf,
  longDate,
  minusMoney,
  outcomesFor,
  planCounts,
  planLineText,
  plansToShow,
  stakesLine,
  TASK_OUTCOMES,
  texts as digestTexts,
  type ActionView,
  type CustomerFile,
  type Digest,
  type DigestAccount,
  type TaskList,
} from "../../domain/digest.js";
import { formatMoney } from "../../domain/money.js";
import { DISPUTE_CATEGORIES } from "../../usecases/disputes.js";
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
  const { account, file } = input;
  const money = (minor: bigint) => formatMoney(minor, input.currency, input.locale);
  const f = account.review.figures;
  const status = account.blocked
    ? `⛔ **Deliveries blocked**${file.blockedReason ? md` — ${file.blockedReason}` : ""}`
    : "✅ Deliveries open";
  const limit =
    account.creditLimit === null
      ? "no credit limit set"
      : `limit ${money(account.creditLimit)}${f.overLimit > 0n ? ` — **${money(f.overLimit)} over**` : ""}`;
  const body: Element[] = [
    heading(md`${account.name} (${account.externalId})`),
    text(status, { color: account.blocked ? "Attention" : "Good" }),
    text(`Exposure ${money(f.exposure)}, ${limit}`),
    text(
      `Payer: ${account.payer.grade ? `${account.payer.grade} (score ${account.payer.score}, ${account.payer.averageDaysLate ?? 0} days late on average)` : "no payment history"}`,
      { isSubtle: true },
    ),
    facts([
      ...input.bucketLabels.map((label, i): [string, string] => [label, money(account.aging.buckets[i] ?? 0n)]),
      ["disputed", money(account.aging.disputed)],
      ["credits", minusMoney(account.aging.credits, input.currency, input.locale)],
    ]),
  ];
  if (file.lossCover) body.push(text(`**Cost if lost:** ${describeLossCover(file.lossCover, money)}`));
  const disputed = file.overdueInvoices.filter((i) => i.disputed);
  if (disputed.length > 0)
    body.push(text(`**Open disputes:** ${disputed.map((i) => md`${i.number} (${money(i.openAmount)})`).join(", ")}`));
  if (file.commitments.length > 0)
    body.push(
      text(
        `**Promises:** ${file.commitments.map((c) => `${money(c.amount)} by ${c.promisedDate} (${c.status.toLowerCase()})`).join("; ")}`,
      ),
    );
  if (file.paymentPlans?.length) body.push(text(`**Payment plans:** ${file.paymentPlans.map((p) => inert(p)).join("; ")}`));
  if (file.lastHistory.length > 0) {
    body.push(text("**Last entries**", { spacing: "Medium" }));
    for (const h of file.lastHistory.slice(0, 10))
      body.push(text(`${inert(h.on)} ${inert(h.by ?? "")}: ${inert(h.text, 300)}`, { isSubtle: true, spacing: "None", size: "Small" }));
  }
  return {
    text: md`${account.name}: ${account.blocked ? "deliveries blocked" : "deliveries open"}, exposure ${money(f.exposure)}`,
    card: card(body, {
      actions: [execute("Evidence file (PDF)", VERBS.evidence, { c: account.customerId })],
      fallbackText: md`${account.name}: exposure ${money(f.exposure)}`,
    }),
  };
}

/** The digest's summary message: totals with the week's change (adding up to the balance), KPIs, priority accounts, the agenda, last week's decisions. */
export function digestSummaryCard(d: Digest): CardMessage {
  const money = (minor: bigint) => formatMoney(minor, d.currency, d.locale);
  const signed = (minor: bigint) => (minor > 0n ? `+${money(minor)}` : minor < 0n ? `−${money(-minor)}` : money(0n));
  const pct = (v: number | null) => (v === null ? "n/a" : `${(v * 100).toFixed(1)} %`);
  const k = d.kpis;
  const header = digestTexts.header(d.period, longDate(d.asOf, d.locale), d.companyName);
  const body: Element[] = [
    heading(inert(header)),
    facts([
      ...d.bucketLabels.map((label, i): [string, string] => [
        label,
        `${money(d.totals.buckets[i] ?? 0n)}${d.change ? ` (${signed(d.change[i] ?? 0n)})` : ""}`,
      ]),
      ["disputed", money(d.totals.disputed)],
      ["credits", minusMoney(d.totals.credits, d.currency, d.locale)],
      ["balance", money(d.totals.balance)],
    ]),
    text(
      `DSO ${k.dsoCountback?.toFixed(1) ?? "n/a"} days (countback) · overdue rate ${pct(k.overdueRate)}${k.previousOverdueRate !== null ? ` (last week ${pct(k.previousOverdueRate)})` : ""} · recovered within 1 month ${pct(k.recovery1Month?.within1Month ?? null)}, within 3 months ${pct(k.recovery3Months?.within3Months ?? null)}`,
      { isSubtle: true },
    ),
    text("**Priority accounts**", { spacing: "Medium" }),
    ...d.priorities.map((p) =>
      text(`${p.rank}. **${inert(p.account.name)}**${p.account.blocked ? " ⛔" : ""} — ${inert(p.reasons.slice(0, 3).join("; "))}`, {
        spacing: "None",
      }),
    ),
    text(digestTexts.agenda(d.actions.length, d.moreActions.length).replace(/^\*(.*?)\*/, "**$1**"), { spacing: "Medium" }),
    ...d.actions.map((a, i) =>
      text(`${i + 1}. **${inert(a.customerName)}** — ${inert(describeKind(a.kind))} · ${inert(stakesLine(a, d.period))}`, {
        spacing: "None",
      }),
    ),
    text(digestTexts.followUpTitle(d.followUp.length).replace(/^\*(.*?)\*/, "**$1**"), { spacing: "Medium" }),
    ...(d.followUp.length === 0
      ? [text(digestTexts.noFollowUp, { spacing: "None", isSubtle: true })]
      : d.followUp.map((f) =>
          text(`#${f.actionId} **${inert(f.customerName)}** — ${inert(describeKind(f.kind))}: ${inert(f.since.join("; "))}`, {
            spacing: "None",
          }),
        )),
    ...digestPlansBlocks(d),
    text(
      `${inert(digestTexts.cashCollected(money(d.cashCollected)))} · ${digestTexts.promisesDue(d.promises.filter((p) => p.status === "PENDING").length)} · **${d.disputes.length} open dispute(s)**`,
      { spacing: "Medium" },
    ),
  ];
  return {
    text: md`${header}: balance ${money(d.totals.balance)}, ${d.actions.length + d.moreActions.length} proposal(s) awaiting decision`,
    card: card(body, { fallbackText: md`${header}` }),
  };
}

/** The digest's payment plans (follow-through): the week's counts, the plans with something this week, the rest counted. */
function digestPlansBlocks(d: Digest): Element[] {
  const counts = planCounts(d.paymentPlans);
  const { shown, more, onTrack } = plansToShow(d.paymentPlans);
  const subtle = { spacing: "None", isSubtle: true };
  return [
    text(digestTexts.plansTitle(d.paymentPlans.length).replace(/^\*(.*?)\*/, "**$1**"), { spacing: "Medium" }),
    d.paymentPlans.length === 0
      ? text(digestTexts.noPlans, subtle)
      : text(inert(digestTexts.plansLine(counts.agreed, counts.due, counts.missed)), subtle),
    ...shown.map((p) => text(`• **${inert(p.customerName)}** — ${inert(planLineText(p, d.locale))}`, { spacing: "None" })),
    ...(more > 0 ? [text(inert(digestTexts.plansMore(more)), subtle)] : []),
    ...(onTrack > 0 ? [text(inert(digestTexts.plansOnTrack(onTrack)), subtle)] : []),
  ];
}

/** "12 more, smaller: show": the reply under the agenda's cards, its button asking for the next card(s). */
export function moreCard(d: Digest): CardMessage {
  const atRisk = d.moreActions.reduce((sum, a) => sum + (a.amountAtRisk ?? 0n), 0n);
  const title = digestTexts.moreTitle(d.moreActions.length, formatMoney(atRisk, d.currency, d.locale));
  return {
    text: inert(title),
    card: card([text(inert(title))], { actions: [execute(digestTexts.more(d.moreActions.length), VERBS.more, { period: d.period })] }),
  };
}

/**
 * One reply of actions: each action with its reason and votes, and its buttons while undecided. The card
 * asks the clients of the committee members (up to 60) to refresh it when shown, so votes cast elsewhere appear.
 */
export function actionsCard(actions: ActionView[], part: number, parts: number, refreshUserIds: string[] = []): CardMessage {
  const body: Element[] = [text(`Actions awaiting decision (${part}/${parts})`, { isSubtle: true, size: "Small" })];
  for (const a of actions) {
    const decided = a.finalStatus !== undefined && a.finalStatus !== "PROPOSED";
    const votes = a.approvedBy.length ? md`approved by ${a.approvedBy.join(", ")}` : "no approval yet";
    const state = decided
      ? `**${inert(a.finalStatus?.toLowerCase())}**${a.appliedText ? md`: ${a.appliedText}` : ""}`
      : `${votes}; still needed: ${inert(a.missing.join(", ") || "nothing")}`;
    const stakes = decided ? "" : stakesLine(a);
    const items: Element[] = [
      text(`**#${a.actionId} ${inert(a.customerName)}** — ${inert(describeKind(a.kind))}${stakes ? ` · ${inert(stakes)}` : ""}`),
      text(inert(a.reason, 1000), { spacing: "None" }),
      ...(!decided && a.backBecause ? [text(inert(digestTexts.back(a.backBecause), 500), { spacing: "None", isSubtle: true })] : []),
      text(state, { spacing: "None", isSubtle: true }),
    ];
    if (!decided) {
      const data = { actionId: a.actionId };
      items.push({
        type: "ActionSet",
        actions: [
          execute("Approve", VERBS.approve, data, { style: "positive" }),
          execute("Reject", VERBS.reject, data, { style: "destructive" }),
          {
            type: "Action.ShowCard",
            title: "Comment",
            card: {
              type: "AdaptiveCard",
              body: [
                {
                  type: "Input.Text",
                  id: `comment_${a.actionId}`,
                  isMultiline: true,
                  maxLength: 2000,
                  label: "Your comment (kept in the history)",
                },
              ],
              actions: [execute("Send comment", VERBS.comment, data)],
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
          action: { type: "Action.Execute", title: "Refresh", verb: VERBS.refresh, data: { part } },
          userIds: refreshUserIds.slice(0, REFRESH_USERS_MAX),
        }
      : undefined;
  const batches = batchesOf(actions).map((b) => execute(b.label, VERBS.batch, { actionIds: b.actionIds }, { style: "positive" }));
  return { text: `Actions awaiting decision (${part}/${parts})`, card: card(body, { refresh, actions: batches }) };
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
  const body: Element[] = [
    heading(`Your tasks for ${list.asOf} (${list.tasks.length})${position.parts > 1 ? ` — ${position.part}/${position.parts}` : ""}`),
    ...(notice ? [text(`✅ ${notice}`, { color: "Good" })] : []),
    text(`Call checklist: ${list.checklist.map((s, i) => `${i + 1}. ${inert(s)}`).join(" · ")}`, { isSubtle: true, size: "Small" }),
  ];
  for (const [index, t] of tasks.entries()) {
    const key = taskKey(t.customerId, t.levelId ?? t.kind);
    const contact = t.file.contacts[0];
    const items: Element[] = [
      text(md`**${t.title}** — ${t.customerName} (${t.externalId})`),
      text(inert(t.reason, 1000), { spacing: "None" }),
      text(
        `${contact ? `${inert([contact.name, contact.phone, contact.email].filter(Boolean).join(" · "))} · ` : ""}Overdue ${money(t.overdue)}` +
          `${t.file.payer.grade ? md` · payer ${t.file.payer.grade}` : ""}${t.file.commitments.length ? ` · ${t.file.commitments.length} commitment(s)` : ""}`,
        { spacing: "None", isSubtle: true },
      ),
    ];
    if (done.has(key)) {
      items.push(text("✅ done", { color: "Good", spacing: "None" }));
    } else {
      // Input ids are unique in a card: each task's form fields carry its index, which its data names (f).
      // k: the customers this card holds, so that the card refreshed after an outcome shows the same tasks.
      const data = { c: t.customerId, l: t.levelId ?? t.kind, ch: t.channel ?? "PHONE", f: index, k: tasks.map((x) => x.customerId) };
      // A formal notice to post is recorded with its tracking number ("Sent by registered letter"), not "Sent".
      const outcomes = (t.kind === "notice-letter" ? [] : outcomesFor(t.channel)).map((o) => execute(TASK_OUTCOMES[o], VERBS.outcome, { ...data, o }));
      const mail = mailTaskActions(t, index, data, locale, options.mailReady ?? false);
      if (mail.length) items.push({ type: "ActionSet", actions: mail });
      items.push({
        type: "ActionSet",
        actions: [
          {
            type: "Action.ShowCard",
            title: "Reached: promise to pay",
            card: {
              type: "AdaptiveCard",
              body: [
                {
                  type: "Input.Text",
                  id: `amount_${index}`,
                  label: "Amount promised",
                  placeholder: "1 250,00",
                  isRequired: true,
                  errorMessage: "Enter an amount",
                },
                { type: "Input.Date", id: `date_${index}`, label: "By", isRequired: true, errorMessage: "Pick a date" },
                { type: "Input.Text", id: `note_${index}`, label: "What was agreed", isMultiline: true, maxLength: 1000 },
              ],
              actions: [execute("Record the promise", VERBS.promise, data)],
            },
          },
          planShowCard(index, data),
          ...outcomes.slice(0, 2),
        ],
      });
      // Hosts show at most 5 actions in a set (the parser's default host config says so): the rest below.
      if (outcomes.length > 2) items.push({ type: "ActionSet", spacing: "None", actions: outcomes.slice(2) });
    }
    body.push({ type: "Container", separator: true, spacing: "Medium", items });
  }
  if (list.tasks.length === 0) body.push(text("Nothing due today."));
  const of = position.parts > 1 ? ` (${position.part}/${position.parts})` : "";
  return { text: `Your tasks for ${list.asOf}: ${list.tasks.length}${of}`, card: card(body) };
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
): AdaptiveCard {
  const body: Element[] = [];
  // The error is the bot's own sentence (values already inert).
  if (prefill.error) body.push(text(`⚠️ ${prefill.error}`, { color: "Attention" }));
  body.push(
    {
      type: "Input.Text",
      id: "invoice",
      label: "Invoice number",
      isRequired: true,
      errorMessage: "Which invoice?",
      value: prefill.invoice ?? prefill.invoiceNumber ?? "",
    },
    {
      type: "Input.ChoiceSet",
      id: "category",
      label: "Reason",
      isRequired: true,
      errorMessage: "Pick a reason",
      value: prefill.category ?? "OTHER",
      choices: DISPUTE_CATEGORIES.map((c) => ({ title: c.charAt(0) + c.slice(1).toLowerCase().replace("_", " "), value: c })),
    },
    {
      type: "Input.Text",
      id: "reason",
      label: "What the customer says",
      isMultiline: true,
      isRequired: true,
      errorMessage: "Say what is disputed",
      maxLength: 2000,
      value: prefill.reason ?? "",
    },
    {
      type: "Input.Text",
      id: "amount",
      label: "Amount disputed (blank: the whole open amount)",
      placeholder: "1 250,00",
      value: prefill.amount ?? "",
    },
  );
  const submit = mode === "dialog" ? { type: "Action.Submit", title: "Flag the dispute" } : execute("Flag the dispute", VERBS.dispute, {});
  return card(body, { actions: [submit] });
}

/** A letter the committee approved: what it is and its fingerprint, the full text one click away. */
export function letterCard(doc: { title: string; summary: string; text: string }): CardMessage {
  return {
    text: inert(doc.summary, 1000),
    card: card([heading(inert(doc.title)), text(inert(doc.summary, 1000), { isSubtle: true })], {
      actions: [
        {
          type: "Action.ShowCard",
          title: "Read the letter",
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
