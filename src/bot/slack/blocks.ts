// Block Kit, in one place: pure functions from the domain's view models to Slack blocks, within Slack's
// limits (50 blocks a message, 3000 characters a section, 150 a header, 10 fields of 2000). Every word in the
// company's language, from the catalogues (src/i18n) and src/bot/words.ts.
import { planButton } from "./planBlocks.js";
import { mailTaskButtons } from "./mailBlocks.js";
import { elementInput, modal, textInput } from "./forms.js";
import type { Aging } from "../../domain/aging.js";
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
  type PendingAction,
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

export const LIMITS = { blocks: 50, sectionText: 3000, header: 150, fields: 10, fieldText: 2000, contextElements: 10 } as const;

export type Block = Record<string, unknown>;

/** The longest fallback `text` the bot sends (Slack cuts at 40,000; an answer is never that long). */
export const TEXT_MAX = 3000;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack mrkdwn: &, < and > must be escaped in user-provided text. */
export function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * A message's `text` (the notification and fallback, parsed as mrkdwn by Slack): escaped, so a name or a
 * comment containing <!channel>, <@U…> or a link stays text, and bounded.
 */
export function plainText(text: string): string {
  return truncate(escape(text), TEXT_MAX);
}

const section = (text: string): Block => ({ type: "section", text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText) } });

export function errorBlocks(message: string): { text: string; blocks: Block[] } {
  return { text: plainText(message), blocks: [section(`:warning: ${escape(message)}`)] };
}

export function infoBlocks(message: string): { text: string; blocks: Block[] } {
  return { text: plainText(message), blocks: [section(escape(message))] };
}

/** The customer file a sales rep checks before taking an order (`/credit`). */
export function customerFileBlocks(input: {
  account: DigestAccount;
  file: CustomerFile;
  bucketLabels: string[];
  currency: string;
  locale: string;
}): { text: string; blocks: Block[] } {
  const { account, file, locale } = input;
  const money = (minor: bigint) => formatMoney(minor, input.currency, locale);
  const aging: Aging = account.aging;
  const f = account.review.figures;
  const status = account.blocked
    ? `:no_entry: *${t(locale, "chat.file.blocked")}*${file.blockedReason ? ` — ${escape(file.blockedReason)}` : ""}`
    : `:white_check_mark: ${t(locale, "chat.file.open")}`;
  const limit =
    account.creditLimit === null
      ? t(locale, "chat.file.noLimit")
      : `${t(locale, "chat.file.limit", { limit: money(account.creditLimit) })}${f.overLimit > 0n ? ` — *${t(locale, "chat.file.over", { amount: money(f.overLimit) })}*` : ""}`;
  const payer = account.payer.grade
    ? t(locale, "chat.file.payer", { grade: account.payer.grade, score: account.payer.score ?? 0, days: account.payer.averageDaysLate ?? 0 })
    : t(locale, "chat.file.noPayerHistory");
  const blocks: Block[] = [
    { type: "header", text: { type: "plain_text", text: truncate(`${account.name} (${account.externalId})`, LIMITS.header) } },
    section(`${status}\n${t(locale, "chat.file.exposure", { exposure: money(f.exposure), limit })}\n${payer}`),
    {
      type: "section",
      fields: [
        ...input.bucketLabels.map((label, i) => ({
          type: "mrkdwn",
          text: truncate(`*${escape(label)}*\n${money(aging.buckets[i] ?? 0n)}`, LIMITS.fieldText),
        })),
        { type: "mrkdwn", text: `*${t(locale, "chat.aging.disputed")}*\n${money(aging.disputed)}` },
        { type: "mrkdwn", text: `*${t(locale, "chat.aging.credits")}*\n${minusMoney(aging.credits, input.currency, locale)}` },
      ].slice(0, LIMITS.fields),
    },
  ];
  if (file.lossCover) blocks.push(section(`*${t(locale, "chat.file.costIfLost")}* ${lossCoverText(file.lossCover, money, locale)}`));
  const disputed = file.overdueInvoices.filter((i) => i.disputed);
  if (disputed.length > 0)
    blocks.push(section(`*${t(locale, "chat.file.openDisputes")}* ${disputed.map((i) => `${escape(i.number)} (${money(i.openAmount)})`).join(", ")}`));
  if (file.commitments.length > 0) {
    const promise = (c: CustomerFile["commitments"][number]) =>
      t(locale, "chat.file.promise", { amount: money(c.amount), date: formatDate(c.promisedDate, locale), status: promiseStatus(c.status, locale) });
    blocks.push(section(`*${t(locale, "chat.file.promises")}* ${file.commitments.map(promise).join("; ")}`));
  }
  if (file.paymentPlans?.length) blocks.push(section(`*${t(locale, "chat.file.paymentPlans")}* ${file.paymentPlans.map(escape).join("; ")}`));
  if (file.lastHistory.length > 0) {
    blocks.push({
      type: "context",
      elements: file.lastHistory
        .slice(0, LIMITS.contextElements)
        .map((h) => ({ type: "mrkdwn", text: truncate(`${h.on} ${escape(h.by ?? "")}: ${escape(h.text)}`, 300) })),
    });
  }
  blocks.push({
    type: "actions",
    block_id: "customer-file",
    elements: [
      {
        type: "button",
        action_id: EVIDENCE_BUTTON,
        text: { type: "plain_text", text: t(locale, "chat.file.evidenceButton") },
        value: String(account.customerId),
      },
    ],
  });
  return {
    text: plainText(t(locale, "chat.file.summary", { customer: account.name, exposure: money(f.exposure), blocked: account.blocked ? "yes" : "no" })),
    blocks: blocks.slice(0, LIMITS.blocks),
  };
}

/** The customer file's button: the evidence file (statement, sealed history) sent by direct message. */
export const EVIDENCE_BUTTON = "evidence_file";

export const ACTION_IDS = { approve: "vote_approve", reject: "vote_reject", comment: "vote_comment" } as const;
export const COMMENT_MODAL = "comment_modal";

/** The comment form of a proposed action; where to echo it (the digest thread) rides in private_metadata. */
export function commentModal(input: { actionId: number; channel: string; threadTs: string }, locale: string): Record<string, unknown> {
  return modal({
    callbackId: COMMENT_MODAL,
    metadata: input,
    title: t(locale, "chat.comment.title", { actionId: input.actionId }),
    submit: t(locale, "chat.actions.comment"),
    locale,
    blocks: [textInput({ blockId: "comment", label: t(locale, "chat.comment.label"), multiline: true, maxLength: 2000 })],
  });
}

/** The digest's summary message: totals with the week's change (adding up to the balance), KPIs, priority accounts, the agenda, last week's decisions. */
export function digestSummaryBlocks(d: Digest): { text: string; blocks: Block[] } {
  const { locale } = d;
  const money = (minor: bigint) => formatMoney(minor, d.currency, locale);
  const signed = (minor: bigint) => (minor > 0n ? `+${money(minor)}` : minor < 0n ? `−${money(-minor)}` : money(0n));
  const header = digestHeader(d, longDate(d.asOf, locale));
  const agenda = `*${t(locale, "chat.digest.agenda", { shown: d.actions.length })}*${d.moreActions.length > 0 ? ` — ${t(locale, "chat.digest.agendaMore", { more: d.moreActions.length })}` : ""}`;
  const blocks: Block[] = [
    {
      type: "header",
      text: { type: "plain_text", text: truncate(header, LIMITS.header) },
    },
    {
      type: "section",
      fields: digestBucketLabels(d)
        .map((label, i) => ({
          type: "mrkdwn",
          text: truncate(
            `*${label}*\n${money(d.totals.buckets[i] ?? 0n)}${d.change ? ` (${signed(d.change[i] ?? 0n)})` : ""}`,
            LIMITS.fieldText,
          ),
        }))
        .concat([
          { type: "mrkdwn", text: `*${t(locale, "chat.aging.disputed")}*\n${money(d.totals.disputed)}` },
          { type: "mrkdwn", text: `*${t(locale, "chat.aging.credits")}*\n${minusMoney(d.totals.credits, d.currency, locale)}` },
          { type: "mrkdwn", text: `*${t(locale, "chat.aging.balance")}*\n${money(d.totals.balance)}` },
        ])
        .slice(0, LIMITS.fields),
    },
    section(kpisLine(d)),
    { type: "divider" },
    section(
      `*${t(locale, "chat.digest.priorities")}*\n${d.priorities
        .map(
          (p) =>
            `${p.rank}. *${escape(p.account.name)}*${p.account.blocked ? " :no_entry:" : ""} — ${escape(p.reasons.slice(0, 3).join("; "))}`,
        )
        .join("\n")}`,
    ),
    section(
      `${agenda}\n` +
        d.actions
          .map((a, i) => `${i + 1}. *${escape(a.customerName)}* — ${escape(kindName(a.kind, locale))} · ${escape(stakesText(a, locale, d.period))}`)
          .join("\n"),
    ),
    section(
      `*${t(locale, "chat.digest.followUpTitle", { count: d.followUp.length })}*\n` +
        (d.followUp.length === 0
          ? t(locale, "chat.digest.noFollowUp")
          : d.followUp
              .map((f) => `#${f.actionId} *${escape(f.customerName)}* — ${escape(t(locale, "chat.labelled", { label: kindName(f.kind, locale), text: followUpText(f, d.currency, locale) }))}`)
              .join("\n")),
    ),
    section(digestPlansText(d)),
    section(
      `${t(locale, "chat.digest.cashCollected", { amount: money(d.cashCollected) })} · ${t(locale, "chat.digest.promisesDue", { count: d.promises.filter((p) => p.status === "PENDING").length })} · *${t(locale, "chat.digest.openDisputes", { count: d.disputes.length })}*`,
    ),
  ];
  return {
    text: t(locale, "chat.digest.text", { header, balance: money(d.totals.balance), count: d.actions.length + d.moreActions.length }),
    blocks,
  };
}

/** The digest's payment plans (follow-through): the week's counts, the plans with something this week, the rest counted. */
function digestPlansText(d: Digest): string {
  const counts = planCounts(d.paymentPlans);
  const { shown, more, onTrack } = plansToShow(d.paymentPlans);
  const { locale } = d;
  const head = [
    `*${t(locale, "chat.plans.title", { count: d.paymentPlans.length })}*`,
    d.paymentPlans.length === 0 ? t(locale, "chat.plans.none") : t(locale, "chat.plans.line", counts),
  ];
  const planLines = shown.map((p) => `• *${escape(p.customerName)}* — ${escape(planLine(p, locale))}`);
  const compose = (kept: number) =>
    [
      ...head,
      ...planLines.slice(0, kept),
      ...(more + shown.length - kept > 0 ? [t(locale, "chat.plans.more", { count: more + shown.length - kept })] : []),
      ...(onTrack > 0 ? [t(locale, "chat.plans.onTrack", { count: onTrack })] : []),
    ].join("\n");
  // Whole lines within the section's limit: a plan that does not fit is counted with the others, never cut.
  let kept = planLines.length;
  while (kept > 0 && compose(kept).length > LIMITS.sectionText) kept -= 1;
  return compose(kept);
}

/** The batch buttons of a message of proposals: "Approve the 6 delivery blocks above"; the value holds the ids. */
export const BATCH_APPROVE = "vote_batch";
/** "12 more, smaller: show": posts the proposals left off the agenda in the thread; the value is the digest's period. */
export const SHOW_MORE = "digest_more";

/**
 * One thread message of actions: a section with the reason and votes, and the buttons while undecided. Said in
 * `locale` (the company's; pending actions carry it, decided ones do not).
 */
export function actionBlocks(
  actions: ActionView[],
  part: number,
  parts: number,
  locale: string = actions.find((a) => a.locale)?.locale ?? DEFAULT_LOCALE,
): { text: string; blocks: Block[] } {
  const title = t(locale, "chat.actions.header", { part, parts });
  const blocks: Block[] = [{ type: "context", elements: [{ type: "mrkdwn", text: title }] }];
  for (const a of actions) {
    const decided = a.finalStatus && a.finalStatus !== "PROPOSED";
    const votes = a.approvedBy.length
      ? t(locale, "chat.actions.approvedBy", { names: a.approvedBy.map(escape).join(", ") })
      : t(locale, "chat.actions.noApproval");
    const state = decided
      ? `*${actionStatus(a.finalStatus, locale)}*${a.appliedText ? `: ${escape(a.appliedText)}` : ""}`
      : t(locale, "chat.actions.stillNeeded", { votes, missing: a.missing.map(escape).join(", ") || t(locale, "chat.actions.nothing") });
    const stakes = decided ? "" : stakesText(a, locale);
    const back = !decided && a.backBecause ? `\n_${escape(t(locale, "chat.actions.back", { why: a.backBecause }))}_` : "";
    blocks.push(
      section(
        `*#${a.actionId} ${escape(a.customerName)}* — ${escape(kindName(a.kind, locale))}${stakes ? ` · ${escape(stakes)}` : ""}\n${escape(a.reason)}${back}\n${state}`,
      ),
    );
    if (!decided) {
      blocks.push({
        type: "actions",
        block_id: `action-${a.actionId}`,
        elements: [
          {
            type: "button",
            action_id: ACTION_IDS.approve,
            text: { type: "plain_text", text: t(locale, "chat.actions.approve") },
            style: "primary",
            value: String(a.actionId),
          },
          {
            type: "button",
            action_id: ACTION_IDS.reject,
            text: { type: "plain_text", text: t(locale, "chat.actions.reject") },
            style: "danger",
            value: String(a.actionId),
          },
          { type: "button", action_id: ACTION_IDS.comment, text: { type: "plain_text", text: t(locale, "chat.actions.comment") }, value: String(a.actionId) },
        ],
      });
    }
  }
  const batches = batchesOf(actions);
  if (batches.length > 0)
    blocks.push({
      type: "actions",
      block_id: "batch",
      elements: batches.slice(0, 5).map((b) => ({
        type: "button",
        action_id: `${BATCH_APPROVE}:${b.kind}`,
        text: { type: "plain_text", text: truncate(batchLabel(b.kind, b.actionIds.length, locale), 75) },
        style: "primary",
        value: b.actionIds.join(","),
      })),
    });
  return { text: title, blocks: blocks.slice(0, LIMITS.blocks) };
}

/** "12 more, smaller: show": the line under the agenda's messages, with its button. */
export function moreBlocks(d: Digest): { text: string; blocks: Block[] } {
  const atRisk = d.moreActions.reduce((sum, a) => sum + (a.amountAtRisk ?? 0n), 0n);
  const title = t(d.locale, "chat.more.title", { count: d.moreActions.length, atRisk: formatMoney(atRisk, d.currency, d.locale) });
  return {
    text: title,
    blocks: [
      section(escape(title)),
      {
        type: "actions",
        block_id: "more",
        elements: [
          {
            type: "button",
            action_id: SHOW_MORE,
            text: { type: "plain_text", text: truncate(t(d.locale, "chat.more.button", { count: d.moreActions.length }), 75) },
            value: d.period,
          },
        ],
      },
    ],
  };
}

export const TASK_OUTCOME = "task_outcome";

/**
 * One message of a collector's day (part `part` of `parts`): the call checklist, then each of `tasks` with its
 * customer file and outcome buttons. The split into messages is the publisher's (splitTaskList).
 */
export function taskListBlocks(
  list: TaskList,
  tasks: readonly TaskList["tasks"][number][],
  position: { part: number; parts: number },
  currency: string,
  locale: string,
  done: ReadonlySet<string> = new Set(),
  options: { mailReady?: boolean } = {},
): { text: string; blocks: Block[] } {
  const money = (minor: bigint) => formatMoney(minor, currency, locale);
  const of = position.parts > 1 ? ` — ${position.part}/${position.parts}` : "";
  const date = formatDate(list.asOf, locale);
  const steps = checklistSteps(list, locale).map((s, i) => `${i + 1}. ${escape(s)}`).join(" · ");
  const blocks: Block[] = [
    {
      type: "header",
      text: { type: "plain_text", text: truncate(`${t(locale, "chat.tasks.header", { date, count: list.tasks.length })}${of}`, LIMITS.header) },
    },
    { type: "context", elements: [{ type: "mrkdwn", text: truncate(t(locale, "chat.tasks.checklist", { steps }), 2000) }] },
  ];
  for (const task of tasks) {
    const key = `${task.customerId}:${task.levelId ?? task.kind}`;
    const contact = task.file.contacts[0];
    blocks.push(
      section(
        `*${escape(task.title)}* — ${escape(task.customerName)} (${escape(task.externalId)})\n${escape(task.reason)}\n` +
          `${contact ? `${escape([contact.name, contact.phone, contact.email].filter(Boolean).join(" · "))}\n` : ""}` +
          t(locale, "chat.tasks.overdue", { amount: money(task.overdue) }) +
          (task.file.payer.grade ? ` · ${t(locale, "chat.tasks.payer", { grade: task.file.payer.grade })}` : "") +
          (task.file.commitments.length ? ` · ${t(locale, "chat.tasks.commitments", { count: task.file.commitments.length })}` : "") +
          (done.has(key) ? `\n:white_check_mark: ${t(locale, "chat.tasks.done")}` : ""),
      ),
    );
    if (!done.has(key)) {
      blocks.push({
        type: "actions",
        block_id: `task-${key}`,
        elements: [
          {
            type: "button",
            action_id: "task_promise",
            style: "primary",
            text: { type: "plain_text", text: t(locale, "chat.tasks.promiseButton") },
            value: JSON.stringify({
              c: task.customerId,
              l: task.levelId ?? task.kind,
              ch: task.channel ?? "PHONE",
              n: truncate(task.customerName, 60),
              d: money(task.overdue),
            }),
          },
          planButton(
            { customerId: task.customerId, levelId: task.levelId ?? task.kind, channel: task.channel ?? "PHONE", customerName: task.customerName, overdue: money(task.overdue) },
            locale,
          ),
          ...mailTaskButtons(task, locale, options.mailReady ?? false),
          // A formal notice to post is recorded with its tracking number ("Sent by registered letter"), not "Sent".
          ...(task.kind === "notice-letter" ? [] : outcomesFor(task.channel)).map((outcome) => ({
            type: "button",
            action_id: `${TASK_OUTCOME}:${outcome}`,
            text: { type: "plain_text", text: outcomeLabel(outcome, locale) },
            value: JSON.stringify({ c: task.customerId, l: task.levelId ?? task.kind, ch: task.channel ?? "PHONE", o: outcome }),
          })),
        ],
      });
    }
  }
  if (list.tasks.length === 0) blocks.push(section(t(locale, "chat.tasks.nothing")));
  return {
    text: `${t(locale, "chat.tasks.text", { date, count: list.tasks.length })}${position.parts > 1 ? ` (${position.part}/${position.parts})` : ""}`,
    blocks,
  };
}

export const PROMISE_MODAL = "promise_modal";
export const PROMISE_BUTTON = "task_promise";

/** The promise-to-pay form opened from a task: amount and date, the customer carried in private_metadata. */
export function promiseModal(
  input: {
    customerId: number;
    customerName: string;
    levelId: string;
    overdue: string;
    channel: string;
  },
  locale: string,
): Record<string, unknown> {
  return modal({
    callbackId: PROMISE_MODAL,
    metadata: { c: input.customerId, l: input.levelId, ch: input.channel },
    title: t(locale, "chat.promise.title"),
    submit: t(locale, "chat.promise.record"),
    locale,
    blocks: [
      taskHeading(input, locale),
      textInput({ blockId: "amount", label: t(locale, "chat.promise.amount"), placeholder: t(locale, "chat.form.amountPlaceholder") }),
      elementInput({ blockId: "date", label: t(locale, "chat.promise.by"), element: { type: "datepicker" } }),
      textInput({ blockId: "note", label: t(locale, "chat.promise.note"), optional: true, multiline: true }),
    ],
  });
}

/** The first line of a form opened from a task: "*Café du Port* — 1 234,56 € échus". */
export function taskHeading(input: { customerName: string; overdue: string }, locale: string): Block {
  return section(`*${escape(input.customerName)}* — ${escape(t(locale, "chat.form.overdue", { amount: input.overdue }))}`);
}

export const DISPUTE_MODAL = "dispute_modal";

/** The dispute form `/dispute` opens when parts are missing, prefilled with what was typed. */
export function disputeModal(input: { invoiceNumber: string; reason: string; channel: string }, locale: string): Record<string, unknown> {
  const text = (value: string) => ({ type: "plain_text", text: value });
  return modal({
    callbackId: DISPUTE_MODAL,
    metadata: { channel: input.channel },
    title: t(locale, "chat.dispute.title"),
    submit: t(locale, "chat.dispute.submit"),
    locale,
    blocks: [
      textInput({
        blockId: "invoice",
        label: t(locale, "chat.dispute.invoice"),
        placeholder: "F2025-0113",
        ...(input.invoiceNumber ? { initial: truncate(input.invoiceNumber, 100) } : {}),
      }),
      elementInput({
        blockId: "category",
        label: t(locale, "chat.dispute.reason"),
        element: {
          type: "static_select",
          options: DISPUTE_CATEGORIES.map((c) => ({ text: text(disputeCategoryLabel(c, locale)), value: c })),
        },
      }),
      textInput({
        blockId: "reason",
        label: t(locale, "chat.dispute.says"),
        multiline: true,
        maxLength: 2000,
        ...(input.reason ? { initial: truncate(input.reason, 2000) } : {}),
      }),
      textInput({ blockId: "amount", label: t(locale, "chat.dispute.amount"), optional: true, placeholder: t(locale, "chat.form.amountPlaceholder") }),
    ],
  });
}

/**
 * The App Home tab: what awaits the person's vote (with the buttons) when they sit on the committee, and their
 * tasks for today when they collect. An unregistered person sees the refusal and nothing else.
 */
export function homeView(input: {
  personName: string | null;
  slackUserId: string;
  /** Null: the person does not vote (a viewer), the section is left out. */
  approvals: PendingAction[] | null;
  tasks: TaskList | null;
  currency: string;
  locale: string;
  /** The answer to what the person just did here (a vote recorded, refused, already on file): shown first. */
  notice?: string;
}): Record<string, unknown> {
  const { locale } = input;
  const money = (minor: bigint) => formatMoney(minor, input.currency, locale);
  const note = (text: string): Block => ({ type: "context", elements: [{ type: "mrkdwn", text }] });
  const blocks: Block[] = [{ type: "header", text: { type: "plain_text", text: t(locale, "slack.home.title") } }];
  if (input.notice) blocks.push(note(truncate(escape(input.notice), LIMITS.sectionText)));
  if (!input.personName) {
    blocks.push(section(escape(t(locale, "access.notRegisteredSlack", { userId: input.slackUserId }))));
    return { type: "home", blocks };
  }
  if (input.approvals) {
    blocks.push(section(`*${t(locale, "slack.home.awaiting", { count: input.approvals.length })}*`));
    // 100 blocks at most in a view: 20 actions (2 blocks each) and 20 task lines leave room for the headings.
    const shown = input.approvals.slice(0, 20);
    if (shown.length > 0) blocks.push(...actionBlocks(shown, 1, 1, locale).blocks.slice(1));
    else blocks.push(note(t(locale, "slack.home.nothingToVote")));
    if (input.approvals.length > shown.length) blocks.push(note(t(locale, "slack.home.more", { count: input.approvals.length - shown.length })));
  } else {
    blocks.push(section(t(locale, "slack.home.lookup")));
  }
  if (input.tasks) {
    const heading = t(locale, "chat.tasks.header", { date: formatDate(input.tasks.asOf, locale), count: input.tasks.tasks.length });
    blocks.push({ type: "divider" }, section(`*${heading}* — ${t(locale, "slack.home.buttonsInMessage")}`));
    for (const task of input.tasks.tasks.slice(0, 20))
      blocks.push(
        section(
          `*${escape(task.title)}* — ${escape(task.customerName)} (${escape(task.externalId)}) · ${escape(t(locale, "chat.form.overdue", { amount: money(task.overdue) }))}\n${escape(task.reason)}`,
        ),
      );
    if (input.tasks.tasks.length === 0) blocks.push(note(t(locale, "chat.tasks.nothing")));
  }
  return { type: "home", blocks: blocks.slice(0, 100) };
}
