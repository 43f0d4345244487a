// Words both chat adapters say when a click cannot be understood (a message from an older digest, an edited
// or forged payload): what the person should do, not what went wrong inside.
export const STALE_ACTION_BUTTON = "This button is out of date: use the one in the latest digest, or ask for the digest again.";
export const STALE_TASK_BUTTON = "This button is out of date: use the one in today's task list.";
export const UNKNOWN_BUTTON = "This button comes from another version of the bot: use the buttons of the latest message.";

/** What the admins are told when an effect (a letter, a message update, a webhook) failed for good. */
export function failedJobNotice(job: { kind: string; id: bigint }, reason: string): string {
  return `An effect failed for good: ${job.kind} #${job.id.toString()}: ${reason}. Fix the cause, then: ccbot jobs retry ${job.id.toString()}`;
}
