// Issue 12, "very small businesses stall": their calendar has a visit by the sales owner, and the sales owner
// never received it by chat. A replay: every working day the daily task job sends each person their list,
// on Slack and on Teams, and whoever receives a step does it that day. Every segment's calendar is walked to
// its last step, the visit reaching the sales owner by chat, who hears nothing on the days without one.
import { afterAll, describe, expect, it } from "vitest";
import { addDays, calendarDate as d, daysBetween, type CalendarDate } from "../../src/domain/calendarDate.js";
import type { TaskList } from "../../src/domain/digest.js";
import { SEGMENTS } from "../../src/domain/parties.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { isWorkingDay, runDailyTasks, type TaskPublisher } from "../../src/jobs/dailyTasks.js";
import { createLogger } from "../../src/log.js";
import { recordStep } from "../../src/usecases/contacts.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";

afterAll(dropTestSchemas);

const DUE = d("2026-09-01");
const logger = createLogger("silent");

/** A stand-in for a platform's direct messages: what each chat user received, day by day. */
function recordingPublisher(platform: "SLACK" | "TEAMS") {
  const received: Array<{ day: CalendarDate; to: string; list: TaskList }> = [];
  let n = 0;
  const publisher: TaskPublisher = {
    platform,
    async send(chatUserId, list) {
      received.push({ day: list.asOf, to: chatUserId, list });
      n += 1;
      return { channel: `D-${chatUserId}`, ts: `${n}` };
    },
  };
  return { publisher, received };
}

describe.each(targets)("the daily task lists walk every segment's calendar to its end on $name", (target) => {
  it("each step reaches the person who does it by chat, on both platforms, the sales visit to the sales owner", { timeout: 600_000 }, async () => {
    const db = await freshDatabase(target);
    try {
      const person = (name: string, email: string, roles: Array<"SALES" | "COLLECTOR" | "BACK_OFFICE">, chat: string) =>
        db.prisma.person.create({
          data: {
            name,
            email,
            roles,
            identities: { create: [{ platform: "SLACK", externalId: `U${chat}` }, { platform: "TEAMS", externalId: `aad-${chat}` }] },
          },
        });
      const sophie = await person("Sophie Leroy", "sophie@acme.example", ["COLLECTOR", "BACK_OFFICE"], "SOPHIE");
      const marc = await person("Marc Petit", "marc@acme.example", ["SALES"], "MARC");
      const externalId = (segment: string) => `S-${segment}`;
      await runImport(
        db,
        IMPORTERS.customers,
        writeTemp(
          `walk-c-${target.name}.csv`,
          csv(
            "external_id;name;segment;sales_owner;collector",
            ...SEGMENTS.map((s) => `${externalId(s)};Client ${s.toLowerCase()};${s.toLowerCase()};marc@acme.example;sophie@acme.example`),
          ),
        ),
      );
      // 25 000.00: above the large accounts' pre-due minimum, so their pre-due call is part of the walk.
      await runImport(
        db,
        IMPORTERS.invoices,
        writeTemp(
          `walk-i-${target.name}.csv`,
          csv("customer_id;number;issue_date;due_date;amount", ...SEGMENTS.map((s, i) => `${externalId(s)};F-${i};2026-08-01;${DUE};25000,00`)),
        ),
      );
      const customers = new Map((await db.prisma.customer.findMany()).map((c) => [c.id, c]));
      const slack = recordingPublisher("SLACK");
      const teams = recordingPublisher("TEAMS");
      const done: Array<{ segment: string; levelId: string; by: string; on: CalendarDate }> = [];
      for (let day = addDays(DUE, -15); daysBetween(DUE, day) <= 90; day = addDays(day, 1)) {
        if (!isWorkingDay(day)) continue;
        await runDailyTasks({ db, policy: defaultPolicy, publisher: slack.publisher, logger }, day);
        await runDailyTasks({ db, policy: defaultPolicy, publisher: teams.publisher, logger }, day);
        // Whoever is given a step on Slack does it that day (a follow-up of someone else's step is not theirs).
        for (const message of slack.received.filter((r) => r.day === day)) {
          const personId = message.to === "USOPHIE" ? sophie.id : marc.id;
          for (const task of message.list.tasks.filter((t) => t.kind === "step" && !t.title.includes("follow it up"))) {
            const customer = customers.get(task.customerId);
            await recordStep(
              db,
              { personId, origin: "SLACK" },
              { customerId: task.customerId, levelId: task.levelId ?? "", channel: task.channel ?? "PHONE", text: `${task.levelId} done` },
              new Date(`${day}T10:00:00Z`),
            );
            done.push({ segment: customer?.segment ?? "", levelId: task.levelId ?? "", by: message.to, on: day });
          }
        }
      }
      for (const segment of SEGMENTS) {
        const levels = defaultPolicy.segments[segment].levels;
        const walked = done.filter((s) => s.segment === segment);
        // Every level, in calendar order, each done by the person its calendar gives it to.
        expect(walked.map((s) => s.levelId)).toEqual(levels.map((l) => l.id));
        for (const level of levels) expect(walked.find((s) => s.levelId === level.id)?.by).toBe(level.by === "SALES" ? "UMARC" : "USOPHIE");
      }
      // The visit reached the sales owner by chat on both platforms, and only on the days he had a step.
      const visit = done.find((s) => s.levelId === "sales-visit");
      expect(visit).toBeDefined();
      const marcsDays = (received: typeof slack.received, to: string) => received.filter((r) => r.to === to).map((r) => r.day);
      expect(marcsDays(slack.received, "UMARC")).toEqual([visit?.on]);
      expect(marcsDays(teams.received, "aad-MARC")).toEqual([visit?.on]);
      const teamsVisit = teams.received.find((r) => r.to === "aad-MARC")?.list.tasks[0];
      expect(teamsVisit).toMatchObject({ kind: "step", levelId: "sales-visit", channel: "VISIT", customerName: "Client very_small_business" });
      // The collector heard every working day, on each platform.
      expect(marcsDays(slack.received, "USOPHIE").length).toBe(marcsDays(teams.received, "aad-SOPHIE").length);
    } finally {
      await db.close();
    }
  });
});
