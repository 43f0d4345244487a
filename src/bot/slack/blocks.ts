// Block Kit, in one place: pure functions from the domain's view models to Slack blocks, within Slack's
// limits (50 blocks a message, 3000 characters a section, 150 a header, 10 fields of 2000).
import { planButton } from "./planBlocks.js";
import { mailTaskButtons } from "./mailBlocks.js";
import { describeLossCover } from "../../domain/kpis.js";
import type { Aging } from "../../domain/aging.js";
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
  type PendingAction,
  type TaskList,
} from "../../domain/digest.js";
import { NOT_REGISTERED } from "../../domain/access.js";
import { formatMoney } from "../../domain/money.js";
import { DISPUTE_CATEGORIES } from "../../usecases/disputes.js";

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
  const { account, file } = input;
  const money = (minor: bigint) => formatMoney(minor, input.currency, input.locale);
  const aging: Aging = account.aging;
  const f = account.review.figures;
  const status = account.blocked
    ? `:no_entry: *Deliveries blocked*${file.blockedReason ? ` — ${escape(file.blockedReason)}` : ""}`
    : ":white_check_mark: Deliveries open";
  const limit =
    account.creditLimit === null
      ? "no credit limit set"
      : `limit ${money(account.creditLimit)}${f.overLimit > 0n ? ` — *${money(f.overLimit)} over*` : ""}`;
  const blocks: Block[] = [
    { type: "header", text: { type: "plain_text", text: truncate(`${account.name} (${account.externalId})`, LIMITS.header) } },
    section(
      `${status}\nExposure ${money(f.exposure)}, ${limit}\nPayer: ${account.payer.grade ? `${account.payer.grade} (score ${account.payer.score}, ${account.payer.averageDaysLate ?? 0} days late on average)` : "no payment history"}`,
    ),
    {
      type: "section",
      fields: [
        ...input.bucketLabels.map((label, i) => ({
          type: "mrkdwn",
          text: truncate(`*${escape(label)}*\n${money(aging.buckets[i] ?? 0n)}`, LIMITS.fieldText),
        })),
        { type: "mrkdwn", text: `*disputed*\n${money(aging.disputed)}` },
        { type: "mrkdwn", text: `*credits*\n${minusMoney(aging.credits, input.currency, input.locale)}` },
      ].slice(0, LIMITS.fields),
    },
  ];
  if (file.lossCover) blocks.push(section(`*Cost if lost:* ${describeLossCover(file.lossCover, money)}`));
  const disputed = file.overdueInvoices.filter((i) => i.disputed);
  if (disputed.length > 0)
    blocks.push(section(`*Open disputes:* ${disputed.map((i) => `${escape(i.number)} (${money(i.openAmount)})`).join(", ")}`));
  if (file.commitments.length > 0) {
    blocks.push(
      section(
        `*Promises:* ${file.commitments.map((c) => `${money(c.amount)} by ${c.promisedDate} (${c.status.toLowerCase()})`).join("; ")}`,
      ),
    );
  }
  if (file.paymentPlans?.length) blocks.push(section(`*Payment plans:* ${file.paymentPlans.map(escape).join("; ")}`));
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
        text: { type: "plain_text", text: "Evidence file (PDF)" },
        value: String(account.customerId),
      },
    ],
  });
  return {
    text: plainText(`${account.name}: exposure ${money(f.exposure)}, ${account.blocked ? "deliveries blocked" : "deliveries open"}`),
    blocks: blocks.slice(0, LIMITS.blocks),
  };
}

/** The customer file's button: the evidence file (statement, sealed history) sent by direct message. */
export const EVIDENCE_BUTTON = "evidence_file";

export const ACTION_IDS = { approve: "vote_approve", reject: "vote_reject", comment: "vote_comment" } as const;
export const COMMENT_MODAL = "comment_modal";

/** The comment form of a proposed action; where to echo it (the digest thread) rides in private_metadata. */
export function commentModal(input: { actionId: number; channel: string; threadTs: string }): Record<string, unknown> {
  return {
    type: "modal",
    callback_id: COMMENT_MODAL,
    private_metadata: JSON.stringify(input),
    title: { type: "plain_text", text: `Comment on #${input.actionId}`.slice(0, 24) },
    submit: { type: "plain_text", text: "Comment" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "input",
        block_id: "comment",
        label: { type: "plain_text", text: "Your comment (kept in the history)" },
        element: { type: "plain_text_input", action_id: "value", multiline: true, max_length: 2000 },
      },
    ],
  };
}

/** The digest's summary message: totals with the week's change (adding up to the balance), KPIs, priority accounts, the agenda, last week's decisions. */
export function digestSummaryBlocks(d: Digest): { text: string; blocks: Block[] } {
  const money = (minor: bigint) => formatMoney(minor, d.currency, d.locale);
  const signed = (minor: bigint) => (minor > 0n ? `+${money(minor)}` : minor < 0n ? `−${money(-minor)}` : money(0n));
  const pct = (v: number | null) => (v === null ? "n/a" : `${(v * 100).toFixed(1)} %`);
  const k = d.kpis;
  const blocks: Block[] = [
    {
      type: "header",
      text: { type: "plain_text", text: truncate(digestTexts.header(d.period, longDate(d.asOf, d.locale), d.companyName), LIMITS.header) },
    },
    {
      type: "section",
      fields: d.bucketLabels
        .map((label, i) => ({
          type: "mrkdwn",
          text: truncate(
            `*${label}*\n${money(d.totals.buckets[i] ?? 0n)}${d.change ? ` (${signed(d.change[i] ?? 0n)})` : ""}`,
            LIMITS.fieldText,
          ),
        }))
        .concat([
          { type: "mrkdwn", text: `*disputed*\n${money(d.totals.disputed)}` },
          { type: "mrkdwn", text: `*credits*\n${minusMoney(d.totals.credits, d.currency, d.locale)}` },
          { type: "mrkdwn", text: `*balance*\n${money(d.totals.balance)}` },
        ])
        .slice(0, LIMITS.fields),
    },
    section(
      `DSO ${k.dsoCountback?.toFixed(1) ?? "n/a"} days (countback) · overdue rate ${pct(k.overdueRate)}${k.previousOverdueRate !== null ? ` (last week ${pct(k.previousOverdueRate)})` : ""} · recovered within 1 month ${pct(k.recovery1Month?.within1Month ?? null)}, within 3 months ${pct(k.recovery3Months?.within3Months ?? null)}`,
    ),
    { type: "divider" },
    section(
      `*Priority accounts*\n${d.priorities
        .map(
          (p) =>
            `${p.rank}. *${escape(p.account.name)}*${p.account.blocked ? " :no_entry:" : ""} — ${escape(p.reasons.slice(0, 3).join("; "))}`,
        )
        .join("\n")}`,
    ),
    section(
      `${digestTexts.agenda(d.actions.length, d.moreActions.length)}\n` +
        d.actions
          .map((a, i) => `${i + 1}. *${escape(a.customerName)}* — ${escape(describeKind(a.kind))} · ${escape(stakesLine(a, d.period))}`)
          .join("\n"),
    ),
    section(
      `${digestTexts.followUpTitle(d.followUp.length)}\n` +
        (d.followUp.length === 0
          ? digestTexts.noFollowUp
          : d.followUp
              .map((f) => `#${f.actionId} *${escape(f.customerName)}* — ${escape(describeKind(f.kind))}: ${escape(f.since.join("; "))}`)
              .join("\n")),
    ),
    section(digestPlansText(d)),
    section(
      `${digestTexts.cashCollected(money(d.cashCollected))} · ${digestTexts.promisesDue(d.promises.filter((p) => p.status === "PENDING").length)} · *${d.disputes.length} open dispute(s)*`,
    ),
  ];
  return {
    text: `${digestTexts.header(d.period, longDate(d.asOf, d.locale), d.companyName)}: balance ${money(d.totals.balance)}, ${d.actions.length + d.moreActions.length} proposal(s) awaiting decision`,
    blocks,
  };
}

/** The digest's payment plans (follow-through): the week's counts, the plans with something this week, the rest counted. */
function digestPlansText(d: Digest): string {
  const counts = planCounts(d.paymentPlans);
  const { shown, more, onTrack } = plansToShow(d.paymentPlans);
  const head = [
    digestTexts.plansTitle(d.paymentPlans.length),
    d.paymentPlans.length === 0 ? digestTexts.noPlans : digestTexts.plansLine(counts.agreed, counts.due, counts.missed),
  ];
  const planLines = shown.map((p) => `• *${escape(p.customerName)}* — ${escape(planLineText(p, d.locale))}`);
  const compose = (kept: number) =>
    [
      ...head,
      ...planLines.slice(0, kept),
      ...(more + shown.length - kept > 0 ? [digestTexts.plansMore(more + shown.length - kept)] : []),
      ...(onTrack > 0 ? [digestTexts.plansOnTrack(onTrack)] : []),
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

/** One thread message of actions: a section with the reason and votes, and the buttons while undecided. */
export function actionBlocks(actions: ActionView[], part: number, parts: number): { text: string; blocks: Block[] } {
  const blocks: Block[] = [{ type: "context", elements: [{ type: "mrkdwn", text: `Actions awaiting decision (${part}/${parts})` }] }];
  for (const a of actions) {
    const decided = a.finalStatus && a.finalStatus !== "PROPOSED";
    const votes = a.approvedBy.length ? `approved by ${a.approvedBy.map(escape).join(", ")}` : "no approval yet";
    const state = decided
      ? `*${a.finalStatus?.toLowerCase()}*${a.appliedText ? `: ${escape(a.appliedText)}` : ""}`
      : `${votes}; still needed: ${a.missing.map(escape).join(", ") || "nothing"}`;
    const stakes = decided ? "" : stakesLine(a);
    const back = !decided && a.backBecause ? `\n_${escape(digestTexts.back(a.backBecause))}_` : "";
    blocks.push(
      section(
        `*#${a.actionId} ${escape(a.customerName)}* — ${escape(describeKind(a.kind))}${stakes ? ` · ${escape(stakes)}` : ""}\n${escape(a.reason)}${back}\n${state}`,
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
            text: { type: "plain_text", text: "Approve" },
            style: "primary",
            value: String(a.actionId),
          },
          {
            type: "button",
            action_id: ACTION_IDS.reject,
            text: { type: "plain_text", text: "Reject" },
            style: "danger",
            value: String(a.actionId),
          },
          { type: "button", action_id: ACTION_IDS.comment, text: { type: "plain_text", text: "Comment" }, value: String(a.actionId) },
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
        text: { type: "plain_text", text: truncate(b.label, 75) },
        style: "primary",
        value: b.actionIds.join(","),
      })),
    });
  return { text: `Actions awaiting decision (${part}/${parts})`, blocks: blocks.slice(0, LIMITS.blocks) };
}

/** "12 more, smaller: show": the line under the agenda's messages, with its button. */
export function moreBlocks(d: Digest): { text: string; blocks: Block[] } {
  const atRisk = d.moreActions.reduce((sum, a) => sum + (a.amountAtRisk ?? 0n), 0n);
  const title = digestTexts.moreTitle(d.moreActions.length, formatMoney(atRisk, d.currency, d.locale));
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
            text: { type: "plain_text", text: digestTexts.more(d.moreActions.length) },
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
  const blocks: Block[] = [
    {
      type: "header",
      text: { type: "plain_text", text: truncate(`Your tasks for ${list.asOf} (${list.tasks.length})${of}`, LIMITS.header) },
    },
    {
      type: "context",
      elements: [
        { type: "mrkdwn", text: truncate(`Call checklist: ${list.checklist.map((s, i) => `${i + 1}. ${escape(s)}`).join(" · ")}`, 2000) },
      ],
    },
  ];
  for (const t of tasks) {
    const key = `${t.customerId}:${t.levelId ?? t.kind}`;
    const contact = t.file.contacts[0];
    blocks.push(
      section(
        `*${escape(t.title)}* — ${escape(t.customerName)} (${escape(t.externalId)})\n${escape(t.reason)}\n` +
          `${contact ? `${escape([contact.name, contact.phone, contact.email].filter(Boolean).join(" · "))}\n` : ""}` +
          `Overdue ${money(t.overdue)}${t.file.payer.grade ? ` · payer ${t.file.payer.grade}` : ""}${t.file.commitments.length ? ` · ${t.file.commitments.length} commitment(s)` : ""}` +
          (done.has(key) ? "\n:white_check_mark: done" : ""),
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
            text: { type: "plain_text", text: "Reached: promise to pay" },
            value: JSON.stringify({
              c: t.customerId,
              l: t.levelId ?? t.kind,
              ch: t.channel ?? "PHONE",
              n: truncate(t.customerName, 60),
              d: money(t.overdue),
            }),
          },
          planButton({ customerId: t.customerId, levelId: t.levelId ?? t.kind, channel: t.channel ?? "PHONE", customerName: t.customerName, overdue: money(t.overdue) }),
          ...mailTaskButtons(t, locale, options.mailReady ?? false),
          // A formal notice to post is recorded with its tracking number ("Sent by registered letter"), not "Sent".
          ...(t.kind === "notice-letter" ? [] : outcomesFor(t.channel)).map((outcome) => ({
            type: "button",
            action_id: `${TASK_OUTCOME}:${outcome}`,
            text: { type: "plain_text", text: TASK_OUTCOMES[outcome] },
            value: JSON.stringify({ c: t.customerId, l: t.levelId ?? t.kind, ch: t.channel ?? "PHONE", o: outcome }),
          })),
        ],
      });
    }
  }
  if (list.tasks.length === 0) blocks.push(section("Nothing due today."));
  return {
    text: `Your tasks for ${list.asOf}: ${list.tasks.length}${position.parts > 1 ? ` (${position.part}/${position.parts})` : ""}`,
    blocks,
  };
}

export const PROMISE_MODAL = "promise_modal";
export const PROMISE_BUTTON = "task_promise";

/** The promise-to-pay form opened from a task: amount and date, the customer carried in private_metadata. */
export function promiseModal(input: {
  customerId: number;
  customerName: string;
  levelId: string;
  overdue: string;
  channel: string;
}): Record<string, unknown> {
  return {
    type: "modal",
    callback_id: PROMISE_MODAL,
    private_metadata: JSON.stringify({ c: input.customerId, l: input.levelId, ch: input.channel }),
    title: { type: "plain_text", text: "Promise to pay" },
    submit: { type: "plain_text", text: "Record" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: { type: "mrkdwn", text: truncate(`*${escape(input.customerName)}* — ${escape(input.overdue)} overdue`, LIMITS.sectionText) },
      },
      {
        type: "input",
        block_id: "amount",
        label: { type: "plain_text", text: "Amount promised" },
        element: { type: "plain_text_input", action_id: "value", placeholder: { type: "plain_text", text: "1 250,00" } },
      },
      { type: "input", block_id: "date", label: { type: "plain_text", text: "By" }, element: { type: "datepicker", action_id: "value" } },
      {
        type: "input",
        block_id: "note",
        optional: true,
        label: { type: "plain_text", text: "What was agreed" },
        element: { type: "plain_text_input", action_id: "value", multiline: true },
      },
    ],
  };
}

export const DISPUTE_MODAL = "dispute_modal";

/** The dispute form `/dispute` opens when parts are missing, prefilled with what was typed. */
export function disputeModal(input: { invoiceNumber: string; reason: string; channel: string }): Record<string, unknown> {
  const text = (value: string) => ({ type: "plain_text", text: value });
  return {
    type: "modal",
    callback_id: DISPUTE_MODAL,
    private_metadata: JSON.stringify({ channel: input.channel }),
    title: text("Flag a dispute"),
    submit: text("Flag it"),
    close: text("Cancel"),
    blocks: [
      {
        type: "input",
        block_id: "invoice",
        label: text("Invoice number"),
        element: {
          type: "plain_text_input",
          action_id: "value",
          placeholder: text("F2025-0113"),
          ...(input.invoiceNumber ? { initial_value: truncate(input.invoiceNumber, 100) } : {}),
        },
      },
      {
        type: "input",
        block_id: "category",
        label: text("Reason"),
        element: {
          type: "static_select",
          action_id: "value",
          options: DISPUTE_CATEGORIES.map((c) => ({ text: text(c.charAt(0) + c.slice(1).toLowerCase().replace("_", " ")), value: c })),
        },
      },
      {
        type: "input",
        block_id: "reason",
        label: text("What the customer says"),
        element: {
          type: "plain_text_input",
          action_id: "value",
          multiline: true,
          max_length: 2000,
          ...(input.reason ? { initial_value: truncate(input.reason, 2000) } : {}),
        },
      },
      {
        type: "input",
        block_id: "amount",
        optional: true,
        label: text("Amount disputed (blank: the whole open amount)"),
        element: { type: "plain_text_input", action_id: "value", placeholder: text("1 250,00") },
      },
    ],
  };
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
  const money = (minor: bigint) => formatMoney(minor, input.currency, input.locale);
  const blocks: Block[] = [{ type: "header", text: { type: "plain_text", text: "Credit committee" } }];
  if (input.notice)
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: truncate(escape(input.notice), LIMITS.sectionText) }] });
  if (!input.personName) {
    blocks.push(section(`${escape(NOT_REGISTERED)} Your Slack user id: \`${escape(input.slackUserId)}\`.`));
    return { type: "home", blocks };
  }
  if (input.approvals) {
    blocks.push(section(`*Awaiting your decision (${input.approvals.length})*`));
    // 100 blocks at most in a view: 20 actions (2 blocks each) and 20 task lines leave room for the headings.
    const shown = input.approvals.slice(0, 20);
    if (shown.length > 0) blocks.push(...actionBlocks(shown, 1, 1).blocks.slice(1));
    else blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: "Nothing awaits your vote." }] });
    if (input.approvals.length > shown.length)
      blocks.push({
        type: "context",
        elements: [{ type: "mrkdwn", text: `…and ${input.approvals.length - shown.length} more in the digest's thread.` }],
      });
  } else {
    blocks.push(section("Look up a customer's file with `/credit` followed by its name, customer id or an invoice number."));
  }
  if (input.tasks) {
    blocks.push(
      { type: "divider" },
      section(`*Your tasks for ${input.tasks.asOf} (${input.tasks.tasks.length})* — outcome buttons are in your daily message`),
    );
    for (const t of input.tasks.tasks.slice(0, 20))
      blocks.push(
        section(
          `*${escape(t.title)}* — ${escape(t.customerName)} (${escape(t.externalId)}) · overdue ${money(t.overdue)}\n${escape(t.reason)}`,
        ),
      );
    if (input.tasks.tasks.length === 0) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: "Nothing due today." }] });
  }
  return { type: "home", blocks: blocks.slice(0, 100) };
}
