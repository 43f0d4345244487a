// Dialogs (task modules) of the message action "Flag a dispute": the form, prefilled from the message it was
// run on, and its submission.
import { readDisputeForm } from "../../../usecases/disputes.js";
import { CARD_CONTENT_TYPE, disputeFormCard } from "../cards.js";
import { authorize, inbound, localeOf, userMessage, type TeamsContext } from "../context.js";
import { t as tr } from "../../../i18n/index.js";
import { inert } from "../text.js";
import { disputeFlagged } from "./flagDispute.js";

/** The longest text taken from the message to prefill the form's reason. */
const PREFILL_MAX = 500;

const formDialog = (card: ReturnType<typeof disputeFormCard>, locale: string) =>
  ({
    task: { type: "continue", value: { title: tr(locale, "teams.flagDisputeTitle"), card: { contentType: CARD_CONTENT_TYPE, content: card } } },
  }) as never;

const messageDialog = (text: string) => ({ task: { type: "message", value: text } }) as never;

/** `composeExtension/fetchTask`: the form, prefilled with the invoice number found in the message. */
export function onOpenDisputeDialog(t: TeamsContext) {
  return async (ctx: { activity: unknown }) => {
    const a = inbound(ctx);
    try {
      await authorize(t, a, "flag-dispute");
    } catch (error) {
      return messageDialog(await userMessage(t, error));
    }
    const payload = (a.value as { messagePayload?: { body?: { content?: string } } } | undefined)?.messagePayload;
    const content = (payload?.body?.content ?? "").slice(0, 20_000).replace(/<[^>]*>/g, " ");
    const invoiceNumber = /\b[A-Z]{1,6}[-/]?\d{2,}(?:[-/]\d+)*\b/.exec(content)?.[0];
    const locale = await localeOf(t);
    return formDialog(disputeFormCard({ invoiceNumber, reason: content.trim().slice(0, PREFILL_MAX) || undefined }, "dialog", locale), locale);
  };
}

/** `composeExtension/submitAction`: records the dispute, or shows the form again with what to fix. */
export function onSubmitDisputeDialog(t: TeamsContext) {
  return async (ctx: { activity: unknown }) => {
    const a = inbound(ctx);
    const data = ((a.value as { data?: Record<string, string> } | undefined)?.data ?? {}) as Record<string, string>;
    const locale = await localeOf(t);
    const again = (error: string) => formDialog(disputeFormCard({ ...data, error }, "dialog", locale), locale);
    const form = readDisputeForm(data, locale);
    if (!form.ok) return again(inert(Object.values(form.errors).join(" ")));
    try {
      return messageDialog(await disputeFlagged(t, a, form.dispute));
    } catch (error) {
      return again(await userMessage(t, error));
    }
  };
}
