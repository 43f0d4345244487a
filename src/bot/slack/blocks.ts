// Block Kit, in one place: pure functions from the domain's view models to Slack blocks, within Slack's
// limits (50 blocks a message, 3000 characters a section, 150 a header, 10 fields of 2000).
import type { Aging } from "../../domain/aging.js";
import type { CustomerFile, DigestAccount } from "../../domain/digest.js";
import { formatMoney } from "../../domain/money.js";

export const LIMITS = { blocks: 50, sectionText: 3000, header: 150, fields: 10, fieldText: 2000, contextElements: 10 } as const;

type Block = Record<string, unknown>;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack mrkdwn: &, < and > must be escaped in user-provided text. */
export function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const section = (text: string): Block => ({ type: "section", text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText) } });

export function errorBlocks(message: string): { text: string; blocks: Block[] } {
  return { text: message, blocks: [section(`:warning: ${escape(message)}`)] };
}

export function infoBlocks(message: string): { text: string; blocks: Block[] } {
  return { text: message, blocks: [section(escape(message))] };
}

/** The customer file a sales rep checks before taking an order (`/credit`). */
export function customerFileBlocks(input: {
  account: DigestAccount;
  file: CustomerFile;
  bucketLabels: string[];
  currency: string;
  locale: string;
  blockedReason: string | null;
}): { text: string; blocks: Block[] } {
  const { account, file } = input;
  const money = (minor: bigint) => formatMoney(minor, input.currency, input.locale);
  const aging: Aging = account.aging;
  const f = account.review.figures;
  const status = account.blocked
    ? `:no_entry: *Deliveries blocked*${input.blockedReason ? ` — ${escape(input.blockedReason)}` : ""}`
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
          text: truncate(`*${label}*\n${money(aging.buckets[i] ?? 0n)}`, LIMITS.fieldText),
        })),
        { type: "mrkdwn", text: `*disputed*\n${money(aging.disputed)}` },
        { type: "mrkdwn", text: `*credits*\n-${money(aging.credits)}` },
      ].slice(0, LIMITS.fields),
    },
  ];
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
  if (file.lastHistory.length > 0) {
    blocks.push({
      type: "context",
      elements: file.lastHistory
        .slice(0, LIMITS.contextElements)
        .map((h) => ({ type: "mrkdwn", text: truncate(`${h.on} ${escape(h.by ?? "")}: ${escape(h.text)}`, 300) })),
    });
  }
  return {
    text: `${account.name}: exposure ${money(f.exposure)}, ${account.blocked ? "deliveries blocked" : "deliveries open"}`,
    blocks: blocks.slice(0, LIMITS.blocks),
  };
}
