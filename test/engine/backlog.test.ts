// Going live on an old backlog, through the real services on a real database: the daily task lists and the
// weekly committee replayed after go-live, with one account's past steps imported and one with none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { addDays, calendarDate as d, type CalendarDate } from "../../src/domain/calendarDate.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { collectorTasks } from "../../src/services/committeeViews.js";
import { prepareCommittee } from "../../src/usecases/committee.js";
import { recordStep } from "../../src/usecases/contacts.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";

afterAll(dropTestSchemas);

const policy = defaultPolicy;
const GO_LIVE = d("2026-11-16");
const at = (day: CalendarDate) => new Date(`${day}T09:00:00Z`);

async function setUp(db: Database) {
  const sophie = await db.prisma.person.create({ data: { name: "Sophie Leroy", email: "sophie@acme.example", roles: ["COLLECTOR"] } });
  await runImport(
    db,
    IMPORTERS.customers,
    writeTemp(
      "backlog-customers.csv",
      csv(
        "external_id;name;segment;credit_limit;collector",
        "R1;Vins & Spiritueux Robin;sme;1000;sophie@acme.example",
        "G1;Garage Moreau;sme;1000;sophie@acme.example",
      ),
    ),
  );
  await runImport(
    db,
    IMPORTERS.invoices,
    writeTemp(
      "backlog-invoices.csv",
      csv(
        "customer_id;number;issue_date;due_date;amount",
        // Both a year late at go-live, both 2 000.00 over their 1 000.00 limit.
        "R1;R-1;2025-10-16;2025-11-16;3000,00",
        "G1;G-1;2025-10-16;2025-11-16;3000,00",
      ),
    ),
  );
  // Garage Moreau's first reminder and first call were done before the bot, and are imported.
  await runImport(
    db,
    IMPORTERS.steps,
    writeTemp(
      "backlog-steps.csv",
      csv(
        "customer_id;level;channel;date;who",
        "G1;first-reminder;email;2025-11-20;sophie@acme.example",
        "G1;first-call;phone;2025-12-01;sophie@acme.example",
      ),
    ),
  );
  return { sophie };
}

describe.each(targets)("going live on an old backlog on $name", (target) => {
  let db: Database;
  let people: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    db = await freshDatabase(target);
    people = await setUp(db);
  });
  afterAll(async () => db?.close());

  it("the go-live committee proposes no delivery block to an account never reminded in writing", async () => {
    const preparation = await prepareCommittee(db, policy, GO_LIVE, at(GO_LIVE));
    const actions = await db.prisma.proposedAction.findMany({ include: { customer: true } });
    // Garage Moreau had an e-mail reminder: its block is proposed. Robin had none: nothing yet.
    expect(actions.map((a) => [a.customer.externalId, a.kind])).toEqual([["G1", "BLOCK_DELIVERIES"]]);
    expect(preparation.proposed).toBe(1);
  });

  it("a five-day replay of the task lists gives each account one step, not five", async () => {
    const done: Array<[string, string, CalendarDate]> = [];
    const customers = new Map((await db.prisma.customer.findMany()).map((c) => [c.id, c.externalId]));
    for (let day = GO_LIVE; day < addDays(GO_LIVE, 5); day = addDays(day, 1)) {
      const { tasks } = await collectorTasks(db, policy, day, people.sophie.id);
      for (const task of tasks.filter((t) => t.kind === "step")) {
        await recordStep(
          db,
          { personId: people.sophie.id, origin: "CLI" },
          { customerId: task.customerId, levelId: task.levelId as string, channel: task.channel ?? "PHONE", text: `${task.levelId} done` },
          at(day),
        );
        done.push([customers.get(task.customerId) as string, task.levelId as string, day]);
      }
    }
    expect(done).toEqual([
      // No past step: the level the debt's age warrants, the last reminder (a letter).
      ["R1", "last-reminder", GO_LIVE],
      // Imported steps honoured: the one after them.
      ["G1", "second-reminder", GO_LIVE],
    ]);
  });

  it("a week later the imported account takes its next step; the other is proposed one thing, a formal notice", async () => {
    const week = addDays(GO_LIVE, 7);
    const { tasks } = await collectorTasks(db, policy, week, people.sophie.id);
    const steps = tasks.filter((t) => t.kind === "step").map((t) => [t.externalId, t.levelId]);
    expect(steps).toEqual([["G1", "second-call"]]);
    await prepareCommittee(db, policy, week, at(week));
    const robin = await db.prisma.proposedAction.findMany({
      where: { customer: { externalId: "R1" }, status: { in: ["PROPOSED", "EXPIRED"] } },
    });
    expect(robin.map((a) => a.kind)).toEqual(["FORMAL_NOTICE"]);
    expect(robin[0]?.reason).toContain("rattrapage d’un arriéré : une proposition à la fois (blocage des livraisons plus tard si toujours dû)");
  });
});
