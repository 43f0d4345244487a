// Through the real services on a real database: each segment's calendar walked day by day through the daily
// task lists (the sales visit included), public bodies never proposed a block, partial disputes pausing only
// the amount disputed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { loadPortfolio } from "../../src/db/portfolioQueries.js";
import { addDays, calendarDate as d, calendarDateFromDb, daysBetween, type CalendarDate } from "../../src/domain/calendarDate.js";
import { positionOf, preDueWindow } from "../../src/domain/engine.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import { collectorTasks } from "../../src/services/committeeViews.js";
import { prepareCommittee } from "../../src/usecases/committee.js";
import { recordStep } from "../../src/usecases/contacts.js";
import { flagDispute } from "../../src/usecases/disputes.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";

afterAll(dropTestSchemas);

const policy = defaultPolicy;
const DUE = d("2026-09-01");
const at = (day: CalendarDate) => new Date(`${day}T09:00:00Z`);

async function setUp(db: Database) {
  const person = (name: string, email: string, roles: Array<"SALES" | "FINANCE" | "COLLECTOR">) =>
    db.prisma.person.create({ data: { name, email, roles } });
  const people = {
    marc: await person("Marc Petit", "marc@acme.example", ["SALES"]),
    sophie: await person("Sophie Leroy", "sophie@acme.example", ["COLLECTOR"]),
  };
  await runImport(
    db,
    IMPORTERS.customers,
    writeTemp(
      "segments-customers.csv",
      csv(
        "external_id;name;segment;credit_limit;sales_owner;collector",
        "L1;Grands Magasins du Centre;large_account;;marc@acme.example;sophie@acme.example",
        "S1;Transports Lefebvre;sme;1000;marc@acme.example;sophie@acme.example",
        "V1;Boulangerie Martin;tpe;;marc@acme.example;sophie@acme.example",
        "V2;Fleurs Dupont;tpe;;;sophie@acme.example",
        "P1;Centre Hospitalier Nord;public_sector;1000;marc@acme.example;sophie@acme.example",
        "D1;Café du Port;sme;;marc@acme.example;sophie@acme.example",
      ),
    ),
  );
  await runImport(
    db,
    IMPORTERS.invoices,
    writeTemp(
      "segments-invoices.csv",
      csv(
        "customer_id;number;issue_date;due_date;amount",
        "L1;L-1;2026-08-01;2026-09-01;25000,00",
        "S1;S-1;2026-08-01;2026-09-01;25000,00",
        "V1;V-1;2026-08-01;2026-09-01;25000,00",
        "V2;W-1;2026-08-01;2026-09-01;25000,00",
        "P1;P-1;2026-08-01;2026-09-01;25000,00",
        // D1: 1 200.00 due 2026-09-01, of which 300.00 will be disputed
        "D1;D-1;2026-08-01;2026-09-01;1200,00",
      ),
    ),
  );
  return people;
}

describe.each(targets)("segments, assignments and partial disputes on $name", (target) => {
  let db: Database;
  let people: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    db = await freshDatabase(target);
    people = await setUp(db);
  });
  afterAll(async () => db?.close());

  it("walking every segment's calendar day by day through the task lists reaches its last step, the visit done by sales", async () => {
    const customers = await db.prisma.customer.findMany({ where: { externalId: { in: ["L1", "S1", "V1", "V2", "P1"] } } });
    const byId = new Map(customers.map((c) => [c.id, c]));
    const done = new Map<string, Array<{ levelId: string; day: number; by: string }>>();
    for (let day = addDays(DUE, -12); daysBetween(DUE, day) <= 45; day = addDays(day, 1)) {
      // What the sales owner and the collector are each given today; each does their own steps.
      const marc = await collectorTasks(db, policy, day, people.marc.id);
      const sophie = await collectorTasks(db, policy, day, people.sophie.id);
      const doneToday = new Set<number>();
      for (const [list, person] of [
        [marc, people.marc],
        [sophie, people.sophie],
      ] as const) {
        for (const task of list.tasks.filter((t) => t.kind === "step" && !doneToday.has(t.customerId))) {
          const customer = byId.get(task.customerId);
          if (!customer) continue;
          // The collector sees the sales owner's visit to follow it up; the visit itself is Marc's.
          if (person.id === people.sophie.id && / — by Marc Petit, the sales owner/.test(task.title)) continue;
          await recordStep(
            db,
            { personId: person.id, origin: "CLI" },
            { customerId: customer.id, levelId: task.levelId as string, channel: task.channel ?? "PHONE", text: `${task.levelId} done` },
            at(day),
          );
          doneToday.add(task.customerId);
          const steps = done.get(customer.externalId) ?? [];
          steps.push({ levelId: task.levelId as string, day: daysBetween(DUE, day), by: person.name });
          done.set(customer.externalId, steps);
        }
      }
    }
    const calendar = (segment: keyof typeof policy.segments) => policy.segments[segment].levels.map((l) => [l.id, l.day]);
    const walked = (externalId: string) => (done.get(externalId) ?? []).map((s) => [s.levelId, s.day]);
    expect(walked("L1")).toEqual(calendar("LARGE_ACCOUNT"));
    expect(walked("S1")).toEqual(calendar("SME"));
    expect(walked("V1")).toEqual(calendar("VERY_SMALL_BUSINESS"));
    expect(walked("V2")).toEqual(calendar("VERY_SMALL_BUSINESS"));
    expect(walked("P1")).toEqual(calendar("PUBLIC_SECTOR"));
    // The very small business's visit was Marc's (its sales owner); without a sales owner, Sophie's.
    expect(done.get("V1")?.find((s) => s.levelId === "sales-visit")?.by).toBe("Marc Petit");
    expect(done.get("V2")?.find((s) => s.levelId === "sales-visit")?.by).toBe("Sophie Leroy");
    expect(
      done
        .get("V1")
        ?.filter((s) => s.by === "Marc Petit")
        .map((s) => s.levelId),
    ).toEqual(["sales-visit"]);

    // 45 days late with every step done: a formal notice for each; never a block for the hospital.
    const preparation = await prepareCommittee(db, policy, addDays(DUE, 45), at(addDays(DUE, 45)));
    expect(preparation.proposed).toBeGreaterThan(0);
    const actions = await db.prisma.proposedAction.findMany({ include: { customer: true } });
    const kinds = (externalId: string) =>
      actions
        .filter((a) => a.customer.externalId === externalId)
        .map((a) => a.kind)
        .sort();
    for (const externalId of ["L1", "S1", "V1", "V2", "P1"]) expect(kinds(externalId)).toContain("FORMAL_NOTICE");
    // The company in the same position (over its 1 000.00 limit, 45 days late) is proposed a block.
    expect(kinds("S1")).toContain("BLOCK_DELIVERIES");
    // The hospital is 24 000.00 over its 1 000.00 limit and 45 days late: no block, a notice to its ordonnateur.
    expect(kinds("P1")).not.toContain("BLOCK_DELIVERIES");
    const notice = actions.find((a) => a.customer.externalId === "P1" && a.kind === "FORMAL_NOTICE");
    expect(notice?.reason).toContain("organisme public : mise en demeure à l’ordonnateur avec copie au comptable public");
    expect(notice?.params).toEqual({ deadlineDays: "8", regime: "public-procurement" });
  });

  it("a partial dispute pauses only the amount disputed: the rest is overdue, aged and dunned", async () => {
    const asOf = addDays(DUE, 45);
    const flagged = await flagDispute(
      db,
      { personId: people.marc.id, origin: "SLACK" },
      { invoiceNumber: "D-1", category: "QUALITY", reason: "two pallets arrived damaged", amountDisputed: 30_000n },
      at(addDays(DUE, 20)),
    );
    const [cafe] = await db.withConnection((sql) =>
      loadPortfolio(sql, asOf, policy, "Europe/Paris", { customerIds: [flagged.customerId] }),
    );
    expect(cafe?.account.position).toMatchObject({
      overdue: 90_000n,
      disputed: 30_000n,
      disputedLate: 30_000n,
      maxDaysLate: 45,
      openTotal: 120_000n,
    });
    expect(cafe?.aging).toMatchObject({ buckets: [0n, 0n, 90_000n, 0n, 0n], disputed: 30_000n, overdue: 90_000n, balance: 120_000n });
    // The SQL and the engine's own arithmetic agree on the split.
    const invoices = await db.prisma.invoice.findMany({
      where: { customerId: flagged.customerId },
      include: { disputes: { where: { status: "OPEN" } } },
    });
    const mine = invoices.map((i) => ({
      id: i.id,
      number: i.number,
      dueDate: calendarDateFromDb(i.dueDate),
      openAmount: i.openAmount,
      disputedAmount: i.disputes.reduce((s, x) => s + (x.amountDisputed ?? i.openAmount), 0n),
      inLitigation: i.status === "LITIGATION",
    }));
    expect(cafe?.account.position).toEqual(positionOf(mine, asOf, preDueWindow(policy, "SME")));
    // The collector is still given a step on the 900.00 that nobody disputes: with no reminder yet and 45 days
    // late, the one its age warrants (the last reminder, day 40).
    const tasks = await collectorTasks(db, policy, asOf, people.sophie.id);
    expect(tasks.tasks.find((t) => t.externalId === "D1")).toMatchObject({ kind: "step", levelId: "last-reminder", overdue: 90_000n });
  });
});
