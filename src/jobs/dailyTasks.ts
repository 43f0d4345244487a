// Each working day, each collector gets their task list as a direct message, and each sales owner gets the
// steps of the calendar that are theirs (the visit, src/domain/taskWork.ts stepAssignee) on the days they have
// one: every step of every calendar reaches someone by chat. The day is claimed once per platform, and each
// person's message is recorded, so a restart resends nothing already sent.
import type { Database } from "../db/database.js";
import type { CalendarDate } from "../domain/calendarDate.js";
import type { TaskList } from "../domain/digest.js";
import type { Policy } from "../domain/policy.js";
import type { Logger } from "../log.js";
import { collectorTasks } from "../services/committeeViews.js";
import { followPaymentPlans } from "../usecases/paymentPlans.js";
import { claimSlot, finishSlot } from "./claims.js";
import type { PostedRef } from "./weeklyDigest.js";

export const DAILY_TASKS = "daily-tasks";

export interface TaskPublisher {
  platform: "SLACK" | "TEAMS";
  /** Sends the list to the person's chat identity; null when the person cannot be reached on this platform. */
  send(chatUserId: string, list: TaskList): Promise<PostedRef | null>;
}

export function isWorkingDay(date: CalendarDate): boolean {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day !== 0 && day !== 6;
}

export async function runDailyTasks(
  deps: { db: Database; policy: Policy; publisher: TaskPublisher; logger: Logger },
  asOf: CalendarDate,
): Promise<{ status: "sent" | "skipped"; sent: number; unreachable: string[] }> {
  const { db, policy, publisher, logger } = deps;
  if (!isWorkingDay(asOf)) return { status: "skipped", sent: 0, unreachable: [] };
  const slot = `${publisher.platform}:${asOf}`;
  if (!(await claimSlot(db, DAILY_TASKS, slot))) return { status: "skipped", sent: 0, unreachable: [] };
  // Payment plans first: an instalment missed since yesterday is escalated once, and today's lists show it
  // (idempotent: the other platform's run, or a resumed one, changes nothing).
  const plans = await followPaymentPlans(db, policy, asOf);
  if (plans.missed || plans.paid)
    logger.info({ job: DAILY_TASKS, instalmentsPaid: plans.paid, instalmentsMissed: plans.missed, escalations: plans.escalations }, "payment plans followed");
  // Roles are filtered here, not in the query: pglite-prisma-adapter 0.6 mis-sends array filters ("has").
  // Sales owners are people who own an account, whatever their roles (the visit is theirs).
  const salesOwnerIds = new Set(
    (await db.prisma.customer.findMany({ where: { salesOwnerId: { not: null } }, select: { salesOwnerId: true }, distinct: ["salesOwnerId"] })).map(
      (c) => c.salesOwnerId,
    ),
  );
  const collectors = (
    await db.prisma.person.findMany({
      where: { active: true },
      include: { identities: { where: { platform: publisher.platform } } },
      orderBy: { id: "asc" },
    })
  ).filter((p) => p.roles.includes("COLLECTOR") || salesOwnerIds.has(p.id));
  const already = new Set(
    (await db.prisma.postedMessage.findMany({ where: { platform: publisher.platform, job: DAILY_TASKS, slot: asOf } })).map((m) => m.part),
  );
  let sent = 0;
  const unreachable: string[] = [];
  for (const collector of collectors) {
    const part = String(collector.id);
    if (already.has(part)) continue;
    const list = await collectorTasks(db, policy, asOf, collector.id);
    // A collector hears every working day (an empty list says there is nothing to do); a sales owner only
    // on the days a step is theirs.
    if (!collector.roles.includes("COLLECTOR") && list.tasks.length === 0) continue;
    const identity = collector.identities[0];
    if (!identity) {
      unreachable.push(collector.name);
      continue;
    }
    const ref = await publisher.send(identity.externalId, list);
    if (!ref) {
      unreachable.push(collector.name);
      continue;
    }
    await db.prisma.postedMessage.create({
      data: { platform: publisher.platform, job: DAILY_TASKS, slot: asOf, part, channel: ref.channel, ts: ref.ts, actionIds: [] },
    });
    sent += 1;
  }
  await finishSlot(db, DAILY_TASKS, slot);
  // Reported, not retried forever: a collector without a chat identity is named in the log once a day.
  if (unreachable.length)
    logger.warn(
      { job: DAILY_TASKS, unreachable: unreachable.length },
      "some collectors or sales owners could not be reached; map their chat identity with ccbot people add",
    );
  return { status: "sent", sent, unreachable };
}
