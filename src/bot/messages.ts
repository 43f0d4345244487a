// Words both chat adapters say when a click cannot be understood (a message from an older digest, an edited
// or forged payload): what the person should do, not what went wrong inside. The texts are in the catalogues
// (src/i18n): a Phrase here is thrown in an AppError and told in the company's language.
import { phrase, t, type Phrase } from "../i18n/index.js";

export const STALE_ACTION_BUTTON: Phrase = phrase("bot.staleActionButton");
export const STALE_TASK_BUTTON: Phrase = phrase("bot.staleTaskButton");
export const UNKNOWN_BUTTON: Phrase = phrase("bot.unknownButton");

/** What the admins are told when an effect (a letter, a message update, a webhook) failed for good. */
export function failedJobNotice(job: { kind: string; id: bigint }, reason: string, locale: string): string {
  return t(locale, "bot.failedJob", { kind: job.kind, id: job.id.toString(), reason });
}
