// `ccbot import steps FILE`: a company going live brings its past dunning steps into the history, so the
// calendar follows them instead of starting over (issue 12, "Going live on an old backlog").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { verifyHistory } from "../../src/db/history.js";
import { loadPortfolio } from "../../src/db/portfolioQueries.js";
import { calendarDate as d } from "../../src/domain/calendarDate.js";
import { reviewAccount } from "../../src/domain/engine.js";
import { defaultPolicy } from "../../src/domain/policy.js";
import { IMPORTERS, ImportRejectedError, runImport } from "../../src/import/index.js";
import { ccbot, cliTargets } from "../helpers/cli.js";
import { dropTestSchemas, freshDatabase, targets } from "../helpers/databases.js";
import { csv, writeTemp } from "../helpers/files.js";

afterAll(dropTestSchemas);

const ASOF = d("2026-11-20");

async function rejection(promise: Promise<unknown>): Promise<ImportRejectedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImportRejectedError) return error;
    throw error;
  }
  throw new Error("the import was expected to be rejected");
}

async function setUp(db: Database) {
  await db.prisma.person.create({ data: { name: "Sophie Leroy", email: "sophie@acme.example", roles: ["COLLECTOR"] } });
  await runImport(
    db,
    IMPORTERS.customers,
    writeTemp(
      "steps-customers.csv",
      csv("external_id;name;segment", "R1;Vins & Spiritueux Robin;sme", "H1;Hôpital Nord;public_sector", "T1;Boulangerie Martin;tpe"),
    ),
  );
  await runImport(
    db,
    IMPORTERS.invoices,
    writeTemp(
      "steps-invoices.csv",
      csv(
        "customer_id;number;issue_date;due_date;amount",
        // A year late on ASOF.
        "R1;R-1;2025-10-20;2025-11-20;3000,00",
        "H1;H-1;2026-08-01;2026-09-01;8000,00",
        "T1;T-1;2026-10-01;2026-11-01;500,00",
      ),
    ),
  );
}

const STEPS = csv(
  "customer_id;invoice_number;level;channel;date;who",
  "R1;;first-reminder;e-mail;2025-11-25;sophie@acme.example",
  "R1;;first-call;téléphone;02/12/2025;Jean Ancien",
  ";H-1;receipt-check;phone;2026-09-04;sophie@acme.example",
);

describe.each(targets)("importing past dunning steps on $name", (target) => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase(target);
    await setUp(db);
  });
  afterAll(async () => db?.close());

  it("bad lines are named by line and reason, and nothing is imported", async () => {
    const error = await rejection(
      runImport(
        db,
        IMPORTERS.steps,
        writeTemp(
          "steps-bad.csv",
          csv(
            "customer_id;invoice_number;level;channel;date;who",
            "R1;;first-reminder;email;2026-11-02;sophie@acme.example",
            "R1;;receipt-check;email;2026-11-02;sophie@acme.example",
            "ZZ9;;first-reminder;email;2026-11-02;sophie@acme.example",
            ";NOPE-1;first-reminder;email;2026-11-02;sophie@acme.example",
            "R1;;first-reminder;email;2099-01-01;sophie@acme.example",
            "R1;;first-reminder;pigeon;2026-11-03;sophie@acme.example",
            "T1;R-1;first-call;phone;2026-11-03;sophie@acme.example",
            ";;first-call;phone;2026-11-03;sophie@acme.example",
            'R1;;first-call;phone;2026-11-04;"Jean\nAncien"',
            "R1;;first-reminder;email;2026-11-02;sophie@acme.example",
          ),
        ),
      ),
    );
    expect(error.rejections).toEqual([
      { line: 2, reason: "the step #R1 first-reminder on 2026-11-02 appears more than once in the file (also line 12)" },
      {
        line: 3,
        reason:
          'level: "receipt-check" is not a step of the sme calendar of customer R1 (its steps: first-reminder, first-call, second-reminder, second-call, last-reminder)',
      },
      { line: 4, reason: "customer_id: ZZ9 is not a known customer (import customers first)" },
      { line: 5, reason: "invoice_number: NOPE-1 is not a known invoice (import invoices first)" },
      {
        line: 6,
        reason: expect.stringMatching(
          /^date: 2099-01-01 is in the future \(today is \d{4}-\d\d-\d\d\): only steps already done can be imported$/,
        ),
      },
      { line: 7, reason: 'channel: "pigeon" is not a channel (use email, phone, letter, visit)' },
      { line: 8, reason: "invoice_number: R-1 belongs to customer R1, not to T1" },
      { line: 9, reason: "customer_id: give the customer id or the invoice number the step was about" },
      { line: 10, reason: expect.stringMatching(/^who: contains U\+000A \(line break\)/) },
      // Line 10's quoted line break takes two lines of the file: the repeated step is on line 12.
      { line: 12, reason: "the step #R1 first-reminder on 2026-11-02 appears more than once in the file (also line 2)" },
    ]);
    expect(await db.prisma.historyEntry.count({ where: { kind: "reminder.step" } })).toBe(0);
  });

  it("each step becomes a sealed reminder.step entry of origin IMPORT at its own date", async () => {
    const summary = await runImport(db, IMPORTERS.steps, writeTemp("steps.csv", STEPS));
    expect(summary.counts.steps).toEqual({ created: 3, updated: 0, unchanged: 0 });
    const entries = await db.prisma.historyEntry.findMany({
      where: { kind: "reminder.step" },
      include: { customer: true, invoices: { include: { invoice: true } } },
      orderBy: { occurredAt: "asc" },
    });
    expect(
      entries.map((e) => [
        e.customer?.externalId,
        e.origin,
        e.channel,
        e.occurredAt.toISOString().slice(0, 10),
        e.actorId !== null,
        e.actorLabel,
      ]),
    ).toEqual([
      ["R1", "IMPORT", "EMAIL", "2025-11-25", true, null],
      ["R1", "IMPORT", "PHONE", "2025-12-02", false, "Jean Ancien"],
      ["H1", "IMPORT", "PHONE", "2026-09-04", true, null],
    ]);
    expect(entries[0]?.data).toMatchObject({ levelId: "first-reminder", imported: true });
    expect(entries[2]?.invoices.map((i) => i.invoice.number)).toEqual(["H-1"]);
    expect(entries.every((e) => e.hash !== null)).toBe(true);
    const report = await verifyHistory(db.prisma);
    expect(report.problems).toEqual([]);
    expect(report.entries).toBeGreaterThanOrEqual(3);
  });

  it("re-importing the same file writes nothing new", async () => {
    const again = await runImport(db, IMPORTERS.steps, writeTemp("steps-again.csv", STEPS));
    expect(again.counts.steps).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(await db.prisma.historyEntry.count({ where: { kind: "reminder.step" } })).toBe(3);
  });

  it("the same step imported again with another channel is refused: the history is never rewritten", async () => {
    const error = await rejection(
      runImport(
        db,
        IMPORTERS.steps,
        writeTemp(
          "steps-changed.csv",
          csv("customer_id;level;channel;date;who", "R1;first-reminder;letter;2025-11-25;sophie@acme.example"),
        ),
      ),
    );
    expect(error.rejections).toEqual([
      {
        line: 2,
        reason:
          "this step was imported before with channel email by sophie@acme.example; the history is never changed: correct the file or leave the line out",
      },
    ]);
  });

  it("imported steps are honoured: the next step follows them, and the written reminder allows a block", async () => {
    const portfolio = await db.withConnection((sql) => loadPortfolio(sql, ASOF, defaultPolicy, "Europe/Paris"));
    const robin = portfolio.find((p) => p.externalId === "R1");
    expect(robin?.account.stepsDone).toEqual([
      { levelId: "first-reminder", on: "2025-11-25" },
      { levelId: "first-call", on: "2025-12-02" },
    ]);
    const review = reviewAccount(robin!.account, ASOF, defaultPolicy);
    expect(review.step).toMatchObject({ level: { id: "second-reminder" } });
    expect(review.proposals.map((p) => p.kind)).toEqual(["BLOCK_DELIVERIES"]);
    // The bakery has no past step: 19 days late, it starts at the second call its age warrants, and no block.
    const bakery = portfolio.find((p) => p.externalId === "T1");
    const bakeryReview = reviewAccount(bakery!.account, ASOF, defaultPolicy);
    expect(bakeryReview.step).toMatchObject({ level: { id: "second-call" } });
  });
});

describe.each(cliTargets)("ccbot import steps on $name", (target) => {
  it("names the wrong line and exits 1; the good file is imported once", async () => {
    const url = await target.url();
    expect((await ccbot(url, "migrate")).code).toBe(0);
    const customers = writeTemp("cli-steps-customers.csv", csv("external_id;name;segment", "R1;Vins & Spiritueux Robin;sme"));
    expect((await ccbot(url, "import", "customers", customers)).code).toBe(0);
    const bad = await ccbot(
      url,
      "import",
      "steps",
      writeTemp(
        "cli-steps-bad.csv",
        csv("customer_id;level;channel;date;who", "R1;first-reminder;email;2026-11-02;Sophie", "R1;courtesy;email;2026-11-09;Sophie"),
      ),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('cli-steps-bad.csv:3: level: "courtesy" is not a step of the sme calendar of customer R1');
    const good = writeTemp("cli-steps.csv", csv("customer_id;level;channel;date;who", "R1;first-reminder;email;2026-11-02;Sophie"));
    const first = await ccbot(url, "import", "steps", good);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ status: "imported", counts: { steps: { created: 1, unchanged: 0 } } });
    const second = await ccbot(url, "import", "steps", good);
    expect(JSON.parse(second.stdout)).toMatchObject({ status: "imported", counts: { steps: { created: 0, unchanged: 1 } } });
  });
});
