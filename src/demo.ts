// `npm run demo`: the whole foundation on the embedded database, no server and no chat account.
// Creates a fresh database in ./data/demo, sets up a sample company and its committee, imports the bundled
// sample files (CSV, an ISO-8859-15 FEC and the past dunning steps of a few accounts) and prints what was
// loaded, then replays the first days after going live on that backlog.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase } from "./db/database.js";
import { migrate } from "./db/migrate.js";
import { demoReminderEmails } from "./mail/demoSink.js";
import { createLogger } from "./log.js";
import type { Database } from "./db/database.js";
import { addDays } from "./domain/calendarDate.js";
import { defaultPolicy } from "./domain/policy.js";
import { stepAssignee } from "./domain/taskWork.js";
import { renderDigest, renderPreparation, renderTasks } from "./cli/render.js";
import { buildDigest, collectorTasks, reviewPortfolio } from "./services/committeeViews.js";
import { prepareCommittee } from "./usecases/committee.js";
import { recordPromise, recordStep } from "./usecases/contacts.js";
import { flagDispute } from "./usecases/disputes.js";
import { recordVote } from "./usecases/votes.js";
import { agreePaymentPlan, followPaymentPlans, paymentPlans } from "./usecases/paymentPlans.js";
import { penaltiesAsOf } from "./services/penalties.js";
import { issueFormalNotice } from "./usecases/formalNotice.js";
import { digestCharts } from "./documents/digestCharts.js";
import { loadSettings } from "./db/settings.js";
import { calendarDate, type CalendarDate } from "./domain/calendarDate.js";
import { formatMoney } from "./domain/money.js";
import { IMPORTERS, runImport, type ImportKind } from "./import/index.js";
import { integer, print, table } from "./cli/io.js";
import { formatDate, t } from "./i18n/index.js";
import { levelName } from "./domain/policy.js";
import type { Role } from "./domain/parties.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DEMO_DIR = path.join(ROOT, "data", "demo");
const OUT_DIR = path.join(ROOT, "out");
/** The sample files are written as of this date (scripts/generate-samples.ts). */
const SAMPLE_AS_OF = calendarDate("2026-11-20");

const COMMITTEE: Array<{ name: string; email: string; roles: Role[]; slack: string }> = [
  { name: "Nathalie Roche", email: "nathalie.roche@demo.example", roles: ["FINANCE", "ADMIN"], slack: "U0DEMOFIN" },
  { name: "Claire Dumont", email: "claire.dumont@demo.example", roles: ["SALES"], slack: "U0DEMOSA1" },
  { name: "Marc Petit", email: "marc.petit@demo.example", roles: ["SALES"], slack: "U0DEMOSA2" },
  { name: "Sophie Leroy", email: "sophie.leroy@demo.example", roles: ["COLLECTOR", "BACK_OFFICE"], slack: "U0DEMOCO1" },
  { name: "Karim Benali", email: "karim.benali@demo.example", roles: ["COLLECTOR"], slack: "U0DEMOCO2" },
];

const FILES: Array<[ImportKind, string]> = [
  ["customers", "samples/customers.csv"],
  ["invoices", "samples/invoices.csv"],
  ["payments", "samples/payments.csv"],
  ["fec", "samples/FEC-sample.txt"],
  // Reminders done before the bot, for three accounts: the calendar follows them (docs/policy.md, "Catching up").
  ["steps", "samples/steps.csv"],
];

const out = process.stdout;
// The default policy, plus the ECB rate for the second half of 2026 that the sample's letters need.
// DEMO VALUE (the rate in force in late 2025, assumed unchanged): a real company enters the rate the
// Banque de France publishes, in legal.referenceRates of its policy file.
const policy = { ...defaultPolicy, legal: { ...defaultPolicy.legal, referenceRates: { ...defaultPolicy.legal.referenceRates, "2026-07-01": 2.15 } } };
rmSync(DEMO_DIR, { recursive: true, force: true });
for (const file of existsSync(OUT_DIR) ? readdirSync(OUT_DIR) : []) {
  if (file.startsWith("formal-notice-") || file === "aging.png" || file === "dso.png") rmSync(path.join(OUT_DIR, file));
}
const db = await openDatabase(DEMO_DIR);
try {
  const migrations = await migrate(db);
  // The sample company is French: the demo speaks its locale, as the bot does.
  const locale = "fr-FR";
  print(out, t(locale, "demo.dbCreated", { dir: path.relative(process.cwd(), DEMO_DIR) || DEMO_DIR, count: migrations.applied.length }));
  await db.withConnection(loadSettings);
  await db.prisma.companySettings.update({
    where: { id: 1 },
    data: {
      companyName: "Démo Industries SAS",
      companyAddress: "12 rue de la Paix\n75002 Paris",
      companyRegistration: "SAS au capital de 50 000 €, RCS Paris 123 456 789",
      currency: "EUR",
      timeZone: "Europe/Paris",
      locale,
      defaultPaymentTerms: "30 days",
    },
  });
  for (const person of COMMITTEE) {
    await db.prisma.person.create({
      data: {
        name: person.name,
        email: person.email,
        roles: person.roles,
        identities: { create: [{ platform: "SLACK", externalId: person.slack }] },
      },
    });
  }
  const members = COMMITTEE.map((p) => t(locale, "demo.member", { name: p.name, roles: p.roles.map((r) => t(locale, `role.${r}`)).join(", ") }));
  print(out, t(locale, "demo.committee", { members: members.join("; ") }));
  print(out);

  const rows: string[][] = [];
  for (const [kind, file] of FILES) {
    const summary = await runImport(db, IMPORTERS[kind], path.join(ROOT, file), { policy });
    for (const [what, c] of Object.entries(summary.counts)) {
      rows.push([
        path.basename(file),
        `${summary.encoding}`,
        what,
        integer.format(c.created),
        integer.format(c.updated),
        integer.format(c.unchanged),
      ]);
    }
  }
  const headers = (["file", "encoding", "records", "created", "updated", "unchanged"] as const).map((h) => t(locale, `demo.table.${h}`));
  print(out, table(headers, rows));
  print(out);

  const again = await runImport(db, IMPORTERS.invoices, path.join(ROOT, "samples/invoices.csv"));
  const c = again.counts.invoices;
  print(
    out,
    t(locale, "demo.reimport", {
      created: integer.format(c?.created ?? 0),
      updated: integer.format(c?.updated ?? 0),
      unchanged: integer.format(c?.unchanged ?? 0),
    }),
  );
  print(out);

  const settings = await db.withConnection(loadSettings);
  const money = (minor: bigint) => formatMoney(minor, settings.currency, settings.locale);
  const { totals } = await reviewPortfolio(db, policy, SAMPLE_AS_OF);
  print(
    out,
    t(locale, "demo.owed", {
      company: settings.companyName,
      balance: money(totals.balance),
      overdue: money(totals.overdue),
      date: formatDate(SAMPLE_AS_OF, locale),
    }),
  );
  print(out);

  await simulateCollection(db, settings.timeZone, locale);
  print(out);
  const digest = await buildDigest(db, policy, SAMPLE_AS_OF);
  print(out, renderDigest(digest, policy.agingBuckets));
  const charts = await digestCharts(db, policy, digest);
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(path.join(OUT_DIR, "aging.png"), charts.aging);
  writeFileSync(path.join(OUT_DIR, "dso.png"), charts.dso);
  print(
    out,
    t(locale, "demo.charts", {
      aging: path.relative(process.cwd(), path.join(OUT_DIR, "aging.png")),
      dso: path.relative(process.cwd(), path.join(OUT_DIR, "dso.png")),
    }),
  );
  print(out);
  print(out, await penaltiesLine(db, money, locale));
  print(out);
  const sophie = await db.prisma.person.findFirstOrThrow({ where: { email: "sophie.leroy@demo.example" } });
  print(out, renderTasks(await collectorTasks(db, policy, SAMPLE_AS_OF, sophie.id), settings.currency, settings.locale));
  print(out);
  // The day's reminder e-mails, sent to a local SMTP sink and written to out/emails (src/mail/demoSink.ts).
  print(out, await demoReminderEmails(db, policy, SAMPLE_AS_OF, OUT_DIR, createLogger("warn"), settings.timeZone, locale));
  print(out);
  print(out, t(locale, "demo.next"));
  print(out, `  DATABASE_URL=${path.relative(process.cwd(), DEMO_DIR) || DEMO_DIR} npx ccbot people list`);
} finally {
  await db.close();
}

/**
 * A few weeks of collection work on the sample, through the same use cases the chat bots call: reminder
 * steps, disputes flagged by sales, promises to pay, last week's committee, and votes on its proposals.
 */
async function simulateCollection(database: Database, timeZone: string, locale: string): Promise<void> {
  const at = (date: string) => new Date(`${date}T09:00:00Z`);
  const person = (email: string) => database.prisma.person.findFirstOrThrow({ where: { email } });
  const finance = await person("nathalie.roche@demo.example");
  const claire = await person("claire.dumont@demo.example");
  const sophie = await person("sophie.leroy@demo.example");
  const karim = await person("karim.benali@demo.example");
  const lastWeek = addDays(SAMPLE_AS_OF, -7);
  const { accounts } = await reviewPortfolio(database, policy, lastWeek);
  const late = accounts
    .filter((a) => a.review.figures.overdue > 0n)
    .sort((x, y) => y.review.figures.maxDaysLate - x.review.figures.maxDaysLate);
  const collectorOf = (a: (typeof late)[number]) => (a.collectorName === karim.name ? karim : sophie);

  // A payment plan agreed in October with a customer in trouble, on the collector's call (seed 002: let the
  // debtor make the first offer, take time before accepting): the first instalment was paid on its day
  // (samples/payments.csv, VIR-PLAN-01), the second is due on 16 November.
  const planCustomer = await database.prisma.customer.findUniqueOrThrow({ where: { externalId: "C020" } });
  const agreedOn = calendarDate("2026-10-05");
  const owedThen = (await reviewPortfolio(database, policy, agreedOn, { customerIds: [planCustomer.id] })).accounts[0]?.review.figures.overdue ?? 0n;
  const first = 120_000n;
  const rest = owedThen > first + 20_000n ? owedThen - first : 240_000n;
  const second = (rest / 2n / 100n) * 100n;
  const plan = await agreePaymentPlan(
    database,
    { personId: karim.id, origin: "SLACK" },
    {
      customerId: planCustomer.id,
      instalments: [
        { no: 1, dueDate: calendarDate("2026-10-15"), amount: first },
        { no: 2, dueDate: calendarDate("2026-11-16"), amount: second },
        { no: 3, dueDate: calendarDate("2026-12-15"), amount: rest - second },
      ],
      fromLevelId: "first-call",
      note: t(locale, "demo.planNote"),
      confirmAboveOpen: true,
    },
    at(agreedOn),
  );

  // Going live on the backlog: the five working days before last week's committee, replayed through the
  // daily task lists, each step done by the person it is given to (the sales visit by the sales owner). An
  // account with no past step starts at the level its debt's age warrants; one with imported steps takes the
  // next; none gets more than one step a week while catching up (docs/policy.md, "Catching up").
  let steps = 0;
  const stepped = new Set<number>();
  const owners = new Map(
    (
      await database.prisma.customer.findMany({
        select: { id: true, salesOwner: { select: { id: true, name: true } }, collector: { select: { id: true, name: true } } },
      })
    ).map((c) => [c.id, { salesOwner: c.salesOwner, collector: c.collector }]),
  );
  for (let day = addDays(lastWeek, -4); day <= lastWeek; day = addDays(day, 1)) {
    // Each morning the bot follows the payment plans (src/jobs/dailyTasks.ts does it before the task lists).
    await followPaymentPlans(database, policy, day, at(day));
    const { accounts: today } = await reviewPortfolio(database, policy, day);
    for (const account of today) {
      const step = account.review.step;
      if (!step) continue;
      const assignee = stepAssignee(step.level.by, owners.get(account.customerId) ?? { salesOwner: null, collector: null });
      await recordStep(
        database,
        { personId: assignee?.person.id ?? collectorOf(account).id, origin: "CLI" },
        {
          customerId: account.customerId,
          levelId: step.level.id,
          channel: step.channel,
          text: t(locale, "demo.stepDone", { level: levelName(step.level) }),
        },
        at(day),
      );
      steps += 1;
      stepped.add(account.customerId);
    }
  }
  // Sales flag two disputes; one customer promises to pay next week, another broke last week's promise.
  const invoices = await database.prisma.invoice.findMany({
    where: {
      kind: "INVOICE",
      openAmount: { gt: 0n },
      dueDate: { lt: new Date(`${lastWeek}T00:00:00Z`) },
      customerId: { in: late.slice(2, 8).map((a) => a.customerId) },
    },
    orderBy: [{ customerId: "asc" }, { dueDate: "asc" }],
  });
  const firstOf = (customerId: number | undefined) => invoices.find((i) => i.customerId === customerId);
  const disputed = [firstOf(late[2]?.customerId), firstOf(late[5]?.customerId)].filter((i) => i !== undefined);
  const categories = ["QUALITY", "PRICE"] as const;
  for (const [i, invoice] of disputed.entries()) {
    await flagDispute(
      database,
      { personId: claire.id, origin: "SLACK" },
      {
        invoiceNumber: invoice.number,
        category: categories[i] ?? "OTHER",
        reason: t(locale, i === 0 ? "demo.disputeDamaged" : "demo.disputePrice"),
      },
      at(addDays(lastWeek, -3 + i)),
    );
  }
  const promiser = late[6];
  const breaker = late[7];
  if (promiser)
    await recordPromise(
      database,
      { personId: collectorOf(promiser).id, origin: "SLACK" },
      {
        customerId: promiser.customerId,
        amount: promiser.review.figures.overdue,
        promisedDate: addDays(SAMPLE_AS_OF, 5),
        note: t(locale, "demo.promiseNote"),
      },
      at(addDays(SAMPLE_AS_OF, -2)),
    );
  if (breaker)
    await recordPromise(
      database,
      { personId: collectorOf(breaker).id, origin: "SLACK" },
      { customerId: breaker.customerId, amount: breaker.review.figures.overdue / 2n, promisedDate: addDays(lastWeek, 2) },
      at(addDays(lastWeek, -5)),
    );

  // Last week's committee, and its decisions.
  const previous = await prepareCommittee(database, policy, lastWeek, at(lastWeek));
  const decided: string[] = [];
  const proposals = await database.prisma.proposedAction.findMany({
    where: { status: "PROPOSED" },
    include: { customer: true },
    orderBy: { id: "asc" },
  });
  const block = proposals.find((p) => p.kind === "BLOCK_DELIVERIES" && p.customer.salesOwnerId === claire.id);
  if (block) {
    await recordVote(
      database,
      policy,
      { personId: finance.id, origin: "SLACK" },
      { actionId: block.id, decision: "APPROVE", comment: t(locale, "demo.blockComment") },
      at(lastWeek),
    );
    const result = await recordVote(
      database,
      policy,
      { personId: claire.id, origin: "SLACK" },
      { actionId: block.id, decision: "APPROVE" },
      at(lastWeek),
    );
    decided.push(t(locale, "demo.decided", { customer: block.customer.name, applied: result.applied ?? "" }));
  }
  // A public body's formal notice when there is one: it shows the public-procurement letter (docs/legal.md).
  const notice =
    proposals.find((p) => p.kind === "FORMAL_NOTICE" && policy.segments[p.customer.segment].regime === "public-procurement") ??
    proposals.find((p) => p.kind === "FORMAL_NOTICE");
  if (notice) {
    await recordVote(
      database,
      policy,
      { personId: finance.id, origin: "SLACK" },
      { actionId: notice.id, decision: "APPROVE" },
      at(lastWeek),
    );
    const owner = notice.customer.salesOwnerId ?? claire.id;
    const result = await recordVote(
      database,
      policy,
      { personId: owner, origin: "SLACK" },
      { actionId: notice.id, decision: "APPROVE" },
      at(lastWeek),
    );
    const letter = await issueFormalNotice(
      database,
      policy,
      { personId: finance.id, origin: "CLI" },
      { actionId: notice.id, letterDate: lastWeek, outDir: OUT_DIR },
      at(lastWeek),
    );
    const regime = policy.segments[notice.customer.segment].regime;
    decided.push(
      t(locale, "demo.letterWritten", {
        customer: notice.customer.name,
        applied: result.applied ?? "",
        file: path.relative(process.cwd(), letter.pdfFile),
        sha: letter.sha256.slice(0, 12),
      }) + (regime === "public-procurement" ? t(locale, "demo.letterPublic") : ""),
    );
  }
  // This morning: the plan's second instalment (16 November, plus the policy's grace) has not come.
  const followed = await followPaymentPlans(database, policy, SAMPLE_AS_OF, at(SAMPLE_AS_OF));
  const thisWeek = await prepareCommittee(database, policy, SAMPLE_AS_OF, at(SAMPLE_AS_OF));
  print(
    out,
    t(locale, "demo.replay", {
      from: formatDate(addDays(lastWeek, -4), locale),
      to: formatDate(lastWeek, locale),
      steps,
      accounts: stepped.size,
      disputes: disputed.length,
    }),
  );
  print(out, t(locale, "demo.committeeDecided", { period: previous.period, count: previous.proposed, decided: decided.join("; ") || t(locale, "demo.nothing") }));
  const [planView] = await paymentPlans(database, policy, SAMPLE_AS_OF, { customerId: planCustomer.id });
  const missed = await database.prisma.historyEntry.findFirst({
    where: { customerId: planCustomer.id, kind: "payment_plan.instalment_missed" },
    orderBy: { id: "desc" },
  });
  print(
    out,
    t(locale, "demo.plan", {
      id: plan.planId,
      customer: planCustomer.name,
      date: formatDate(agreedOn, locale),
      summary: planView?.summary ?? "?",
      missed: followed.missed,
      escalations: followed.escalations,
      quote: missed ? t(locale, "demo.planQuote", { text: missed.text }) : "",
    }),
  );
  print(out, t(locale, "demo.timeZone", { preparation: renderPreparation(thisWeek, locale), timeZone }));
}

/** The late-payment penalties the company could claim (ccbot report penalties): invoices paid late, and open. */
async function penaltiesLine(database: Database, money: (minor: bigint) => string, locale: string): Promise<string> {
  const { invoices } = await penaltiesAsOf(database, policy, SAMPLE_AS_OF);
  const sum = (status: string) => {
    const rows = invoices.filter((i) => i.status === status);
    return { count: rows.length, interest: rows.reduce((s, i) => s + i.interest, 0n), indemnity: rows.reduce((s, i) => s + i.indemnity, 0n) };
  };
  const paidLate = sum("paid late");
  const open = sum("still open");
  const asOf: CalendarDate = SAMPLE_AS_OF;
  return t(locale, "demo.penalties", {
    date: formatDate(asOf, locale),
    paidLate: paidLate.count,
    paidInterest: money(paidLate.interest),
    paidIndemnity: money(paidLate.indemnity),
    open: open.count,
    openInterest: money(open.interest),
    openIndemnity: money(open.indemnity),
  });
}
