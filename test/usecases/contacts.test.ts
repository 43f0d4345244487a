// A collector's outcomes and promises, as both chat platforms record them (through the use cases the Slack and
// Teams adapters call): one entry per outcome whatever the delivery count, a second outcome recorded as such,
// someone else's task refused with a reason, one promise per form submission, a promise above what is owed
// asking for confirmation.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { AppError } from "../../src/errors.js";
import { IMPORTERS, runImport } from "../../src/import/index.js";
import {
  FormError,
  recordPromise,
  recordPromiseFromCall,
  recordTaskOutcome,
  validatePromiseForm,
} from "../../src/usecases/contacts.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";

afterAll(dropTestSchemas);

// 10:00 in Paris on 2026-11-20.
const MORNING = new Date("2026-11-20T09:00:00Z");
const AFTERNOON = new Date("2026-11-20T14:30:00Z");

async function setUp(db: Database) {
  const person = (name: string, email: string, roles: Array<"SALES" | "FINANCE" | "COLLECTOR" | "BACK_OFFICE">, active = true) =>
    db.prisma.person.create({ data: { name, email, roles, active } });
  const people = {
    sophie: await person("Sophie Leroy", "sophie@acme.example", ["COLLECTOR"]),
    karim: await person("Karim Benali", "karim@acme.example", ["COLLECTOR"]),
    claire: await person("Claire Dumont", "claire@acme.example", ["SALES"]),
    nathalie: await person("Nathalie Roche", "nathalie@acme.example", ["FINANCE"]),
    former: await person("Paul Ancien", "paul@acme.example", ["COLLECTOR"], false),
  };
  await runImport(
    db,
    IMPORTERS.customers,
    writeTemp(
      "contacts-customers.csv",
      csv(
        "external_id;name;segment;credit_limit;sales_owner;collector",
        "K1;Café du Port;sme;;claire@acme.example;sophie@acme.example",
        "K2;Hôpital Nord;public_sector;;;",
      ),
    ),
  );
  await runImport(
    db,
    IMPORTERS.invoices,
    writeTemp(
      "contacts-invoices.csv",
      csv(
        "customer_id;number;issue_date;due_date;amount",
        // K1: 205,90 overdue and undisputed, 500,00 overdue but disputed, 1 000,00 not due yet.
        "K1;P-1;2026-09-01;2026-10-01;205,90",
        "K1;P-2;2026-09-01;2026-10-05;500,00",
        "K1;P-3;2026-11-10;2026-12-10;1000,00",
        // K2: nothing overdue, 300,00 due next month.
        "K2;H-1;2026-11-01;2026-12-01;300,00",
      ),
    ),
  );
  const p2 = await db.prisma.invoice.findFirstOrThrow({ where: { number: "P-2" } });
  await db.prisma.dispute.create({
    data: { invoiceId: p2.id, customerId: p2.customerId, category: "QUALITY", reason: "damaged pallets", openedById: people.claire.id },
  });
  const cafe = await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "K1" } });
  const hospital = await db.prisma.customer.findUniqueOrThrow({ where: { externalId: "K2" } });
  return { people, cafe, hospital };
}

type Fixture = Awaited<ReturnType<typeof setUp>>;

/** Intl's French amounts group with narrow no-break spaces: compared here as plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe.each(targets)("outcomes and promises on $name", (target) => {
  let db: Database;
  let f: Fixture;
  beforeAll(async () => {
    db = await freshDatabase(target);
    f = await setUp(db);
  });
  afterAll(async () => db?.close());
  // Each test starts from no outcome and no promise (the history itself is append-only: tests use distinct levels).
  beforeEach(async () => {
    await db.withConnection((sql) => sql.exec(`DELETE FROM task_outcome; DELETE FROM promise_submission; DELETE FROM promise_to_pay`));
  });

  const steps = (customerId: number, levelId: string) =>
    db.prisma.historyEntry.findMany({
      where: { customerId, kind: "reminder.step", data: { path: ["levelId"], equals: levelId } },
      orderBy: { id: "asc" },
    });

  it("the same 'No answer' click delivered three times at once writes one entry, and the repeats say who recorded it", async () => {
    const sophie = { personId: f.people.sophie.id, origin: "SLACK" as const };
    const click = { customerId: f.cafe.id, levelId: "first-call", channel: "PHONE", outcome: "no_answer" };
    const results = await Promise.all([1, 2, 3].map(() => recordTaskOutcome(db, sophie, click, MORNING)));
    expect(await steps(f.cafe.id, "first-call")).toHaveLength(1);
    expect(results.map((r) => r.status).sort()).toEqual(["already_recorded", "already_recorded", "recorded"]);
    const first = results.find((r) => r.status === "recorded")!;
    for (const repeat of results.filter((r) => r.status === "already_recorded")) {
      expect(repeat.entryId).toBe(first.entryId);
      expect(repeat.message).toBe("« Pas de réponse / messagerie » a déjà été enregistré par vous à 10:00.");
    }
    // The adapters' current reading (label) still works.
    expect(first.label).toBe("Pas de réponse / messagerie");
  });

  it("a repeat delivered later the same day is still one entry, and names who recorded it for someone else", async () => {
    const click = { customerId: f.cafe.id, levelId: "second-call", outcome: "no_answer" };
    await recordTaskOutcome(db, { personId: f.people.sophie.id, origin: "SLACK" }, click, MORNING);
    const repeat = await recordTaskOutcome(db, { personId: f.people.nathalie.id, origin: "TEAMS" }, click, AFTERNOON);
    expect(repeat).toMatchObject({ status: "already_recorded", recordedBy: "Sophie Leroy" });
    expect(repeat.message).toBe("« Pas de réponse / messagerie » a déjà été enregistré par Sophie Leroy à 10:00.");
    expect(await steps(f.cafe.id, "second-call")).toHaveLength(1);
  });

  it("a second, different outcome on the same task the same day is recorded, and its entry says which one it follows", async () => {
    const sophie = { personId: f.people.sophie.id, origin: "TEAMS" as const };
    await recordTaskOutcome(db, sophie, { customerId: f.cafe.id, levelId: "last-reminder", outcome: "no_answer" }, MORNING);
    const second = await recordTaskOutcome(db, sophie, { customerId: f.cafe.id, levelId: "last-reminder", outcome: "reached" }, AFTERNOON);
    expect(second).toMatchObject({ status: "recorded", follows: [{ outcome: "no_answer", recordedBy: "Sophie Leroy" }] });
    expect(second.message).toBe("« Joint, sans engagement » enregistré (après « Pas de réponse / messagerie », enregistré par vous à 10:00).");
    const entries = await steps(f.cafe.id, "last-reminder");
    expect(entries.map((e) => e.text)).toEqual([
      "last-reminder : Pas de réponse / messagerie",
      "last-reminder : Joint, sans engagement (à la suite de « Pas de réponse / messagerie » à 10:00)",
    ]);
    expect(entries[1]?.data).toMatchObject({ outcome: "reached", follows: [{ outcome: "no_answer", entryId: String(entries[0]?.id) }] });
  });

  it("the task's day is the company's: 23:30 and 00:30 in Paris are two days, so two entries", async () => {
    const sophie = { personId: f.people.sophie.id, origin: "SLACK" as const };
    const click = { customerId: f.cafe.id, levelId: "pre-due-call", outcome: "no_answer" };
    const late = await recordTaskOutcome(db, sophie, click, new Date("2026-11-20T22:30:00Z"));
    const nextDay = await recordTaskOutcome(db, sophie, click, new Date("2026-11-20T23:30:00Z"));
    expect([late.status, nextDay.status]).toEqual(["recorded", "recorded"]);
    expect(nextDay.follows).toEqual([]);
    expect(await steps(f.cafe.id, "pre-due-call")).toHaveLength(2);
  });

  it("sales clicking 'Dispute raised' on the collector's task is refused, told whose task it is, and nothing is written", async () => {
    const before = await db.prisma.historyEntry.count();
    const error = await refusal(
      recordTaskOutcome(
        db,
        { personId: f.people.claire.id, origin: "SLACK" },
        { customerId: f.cafe.id, levelId: "first-reminder", outcome: "dispute" },
        MORNING,
      ),
    );
    expect(error.code).toBe("forbidden");
    expect(error.message).toBe(
      "This task is Sophie Leroy's, the collector of Café du Port: your role does not allow recording outcomes (it needs one of: collector, back office or finance).",
    );
    expect(await db.prisma.historyEntry.count()).toBe(before);
  });

  it("another collector is refused and told whose task it is; finance acting for the collector is recorded on their behalf", async () => {
    const error = await refusal(
      recordTaskOutcome(
        db,
        { personId: f.people.karim.id, origin: "TEAMS" },
        { customerId: f.cafe.id, levelId: "sales-visit", outcome: "reached" },
        MORNING,
      ),
    );
    expect(error.message).toBe(
      "This task is Sophie Leroy's, the collector of Café du Port: only they, or back office or finance acting for them, can record its outcome.",
    );
    const done = await recordTaskOutcome(
      db,
      { personId: f.people.nathalie.id, origin: "TEAMS" },
      { customerId: f.cafe.id, levelId: "sales-visit", outcome: "reached" },
      MORNING,
    );
    expect(done.status).toBe("recorded");
    const [entry] = await steps(f.cafe.id, "sales-visit");
    expect(entry).toMatchObject({ actorId: f.people.nathalie.id, text: "sales-visit : Joint, sans engagement (pour Sophie Leroy)" });
    expect(entry?.data).toMatchObject({ onBehalfOf: f.people.sophie.id });
  });

  it("unregistered and deactivated people are refused; an account without a collector is back office's or finance's", async () => {
    const click = { customerId: f.cafe.id, levelId: "first-reminder", outcome: "no_answer" };
    for (const actor of [
      { personId: null, label: "U999", origin: "SLACK" as const },
      { personId: f.people.former.id, origin: "SLACK" as const },
    ]) {
      const error = await refusal(recordTaskOutcome(db, actor, click, MORNING));
      expect(error.code).toBe("forbidden");
      expect(error.message).toMatch(/^You are not registered with the credit committee bot/);
    }
    const orphan = await refusal(
      recordTaskOutcome(
        db,
        { personId: f.people.sophie.id, origin: "SLACK" },
        { customerId: f.hospital.id, levelId: "first-reminder", outcome: "no_answer" },
        MORNING,
      ),
    );
    expect(orphan.message).toBe("Hôpital Nord has no collector: only back office or finance can record its outcomes.");
    expect(await steps(f.cafe.id, "first-reminder")).toHaveLength(0);
  });

  it("the promise form submitted twice (same submission key) creates one promise, and the repeat says so", async () => {
    const sophie = { personId: f.people.sophie.id, origin: "SLACK" as const };
    const form = { customerId: f.cafe.id, levelId: "first-call", amount: 20590n, promisedDate: d("2026-11-27"), idempotencyKey: "slack-view:V123" };
    const [a, b] = await Promise.all([recordPromiseFromCall(db, sophie, form, MORNING), recordPromiseFromCall(db, sophie, form, MORNING)]);
    expect([a.status, b.status].sort()).toEqual(["already_recorded", "recorded"]);
    expect(a.promiseId).toBe(b.promiseId);
    expect(await db.prisma.promiseToPay.count()).toBe(1);
    const repeat = [a, b].find((r) => r.status === "already_recorded")!;
    expect(plain(repeat.message)).toBe("Cette promesse (205,90 € pour le 27/11/2026) a déjà été enregistrée par vous à 10:00.");
  });

  it("without a submission key, an identical promise for the same task the same day is the same promise; a different amount is another", async () => {
    const sophie = { personId: f.people.sophie.id, origin: "TEAMS" as const };
    const form = { customerId: f.cafe.id, levelId: "first-call", amount: 10000n, promisedDate: d("2026-11-27") };
    const first = await recordPromiseFromCall(db, sophie, form, MORNING);
    const replay = await recordPromiseFromCall(db, sophie, form, AFTERNOON);
    expect(first.status).toBe("recorded");
    expect(replay).toMatchObject({ status: "already_recorded", promiseId: first.promiseId });
    const other = await recordPromiseFromCall(db, sophie, { ...form, amount: 5000n }, AFTERNOON);
    expect(other.status).toBe("recorded");
    expect(await db.prisma.promiseToPay.count()).toBe(2);
    // The next day, the same promise again is a new one (a new call, a new commitment).
    const tomorrow = await recordPromiseFromCall(db, sophie, form, new Date("2026-11-21T09:00:00Z"));
    expect(tomorrow.status).toBe("recorded");
  });

  it("a 1 250 € promise on 205,90 € overdue is refused on the amount field, naming the open amount; confirming records it", async () => {
    const sophie = { personId: f.people.sophie.id, origin: "SLACK" as const };
    const form = { customerId: f.cafe.id, levelId: "second-reminder", amount: 125000n, promisedDate: d("2026-11-30") };
    const error = await refusal(recordPromiseFromCall(db, sophie, form, MORNING));
    expect(error).toBeInstanceOf(FormError);
    // The company speaks French (the default): the form's field error is in French.
    const expected =
      "1 250,00 € dépasse ce que Café du Port doit d’échu non contesté (205,90 €). Vérifiez le montant, ou confirmez que la promesse le dépasse.";
    expect(plain((error as FormError).fields.amount ?? "")).toBe(expected);
    expect(await db.prisma.promiseToPay.count()).toBe(0);
    // The same check before the form closes (Slack's view submission can answer on the field).
    const checked = await validatePromiseForm(db, { customerId: f.cafe.id, amount: "1250", date: "2026-11-30" }, MORNING);
    expect(checked.ok ? null : plain(checked.errors.amount ?? "")).toBe(expected);
    expect(await validatePromiseForm(db, { customerId: f.cafe.id, amount: "205,90", date: "2026-11-30" }, MORNING)).toEqual({
      ok: true,
      amount: 20590n,
      date: "2026-11-30",
    });
    const confirmed = await recordPromiseFromCall(db, sophie, { ...form, confirmAboveOpen: true }, MORNING);
    expect(confirmed.status).toBe("recorded");
    expect((await db.prisma.promiseToPay.findUniqueOrThrow({ where: { id: confirmed.promiseId } })).amount).toBe(125000n);
  });

  it("with nothing overdue yet, a promise is compared with what is owed undisputed", async () => {
    const error = await refusal(
      recordPromise(
        db,
        { personId: f.people.nathalie.id, origin: "CLI" },
        { customerId: f.hospital.id, amount: 30001n, promisedDate: d("2026-12-01") },
        MORNING,
      ),
    );
    expect(plain((error as FormError).fields.amount ?? "")).toBe(
      "300,01 € dépasse ce que Hôpital Nord doit non contesté (300,00 €, rien d’échu encore). Vérifiez le montant, ou confirmez que la promesse le dépasse.",
    );
  });

  it("someone else's task is refused for a promise too", async () => {
    const error = await refusal(
      recordPromiseFromCall(
        db,
        { personId: f.people.claire.id, origin: "TEAMS" },
        { customerId: f.cafe.id, levelId: "first-call", amount: 100n, promisedDate: d("2026-11-27") },
        MORNING,
      ),
    );
    expect(error.code).toBe("forbidden");
    expect(await db.prisma.promiseToPay.count()).toBe(0);
  });
});

describe.runIf(targets.some((t) => t.name === "postgresql"))("replays across two processes on PostgreSQL", () => {
  const target = targets.find((t) => t.name === "postgresql")!;
  let a: Database;
  let b: Database;
  let f: Fixture;
  beforeAll(async () => {
    const url = await target.freshUrl();
    a = await openDatabase(url);
    await migrate(a);
    f = await setUp(a);
    b = await openDatabase(url);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it("1 000 replayed outcome and promise submissions through two database pools write no duplicate row", async () => {
    const sophie = { personId: f.people.sophie.id, origin: "SLACK" as const };
    const outcome = { customerId: f.cafe.id, levelId: "first-call", outcome: "no_answer" };
    const promise = { customerId: f.cafe.id, levelId: "first-call", amount: 20590n, promisedDate: d("2026-11-27"), idempotencyKey: "teams:activity-1" };
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => {
        const db = i % 2 === 0 ? a : b;
        return i % 4 < 2 ? recordTaskOutcome(db, sophie, outcome, MORNING) : recordPromiseFromCall(db, sophie, promise, MORNING);
      }),
    );
    const elapsed = Date.now() - started;
    expect(results.filter((r) => r.status === "recorded")).toHaveLength(2);
    expect(await a.prisma.promiseToPay.count()).toBe(1);
    expect(await a.prisma.promiseSubmission.count()).toBe(1);
    expect(await a.prisma.historyEntry.count({ where: { kind: "promise.recorded" } })).toBe(1);
    // One no_answer and one promise step on the task: never two of either.
    const outcomes = await a.prisma.taskOutcome.findMany({ orderBy: { outcome: "asc" } });
    expect(outcomes.map((o) => o.outcome)).toEqual(["no_answer", "promise"]);
    expect(await a.prisma.historyEntry.count({ where: { kind: "reminder.step" } })).toBe(2);
    process.stdout.write(`1 000 replays through two pools: ${elapsed} ms\n`);
    // A generous bound: the machine running the tests may be shared; what is checked is the rows, not the time.
  }, 300_000);
});
