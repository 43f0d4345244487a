import { readEnv } from "../../config/env.js";
import { loadPolicy } from "../../config/policyFile.js";
import { loadSettings } from "../../db/settings.js";
import { bucketLabels, bucketOf, daysPastDue } from "../../domain/aging.js";
import { calendarDateAt, parseCalendarDate, type CalendarDate } from "../../domain/calendarDate.js";
import { describeKind } from "../../domain/approvals.js";
import { rankAccounts } from "../../domain/priority.js";
import { priorityInputOf } from "../../domain/digest.js";
import { countbackDso, receivablesOf, simpleDso } from "../../domain/kpis.js";
import { formatMoney } from "../../domain/money.js";
import { loadOpenItems } from "../../db/asOfItems.js";
import { AppError } from "../../errors.js";
import { t, type MessageKey } from "../../i18n/index.js";
import { collectorTasks, kpisAsOf, reviewPortfolio } from "../../services/committeeViews.js";
import { print, TABLE_CELL_MAX_WIDTH, type CommandContext } from "../io.js";
import { renderTasks } from "../render.js";
import { formatReport, type Report, type ReportFormat } from "../report.js";
import { loadRecoveryTotals, monthRange } from "../../db/portfolioQueries.js";
import { recoveryRates } from "../../domain/kpis.js";
import { addDays } from "../../domain/calendarDate.js";
import { customersNamed } from "../../usecases/accounts.js";
import { describeRates, penaltiesAsOf } from "../../services/penalties.js";
import { blockedReport } from "../blockedReport.js";

// i18n-exempt: ccbot's help is English until the help texts move to the catalogues (printed before the database is open)
export const REPORT_HELP = `Usage: ccbot report aging|dso|kpis|priorities|tasks|penalties|blocked [--as-of YYYY-MM-DD] [--customer ID] [--collector EMAIL] [--format table|csv|json]

  aging       aged balance per customer; with --customer, every line of its balance: open invoices (due date,
              days past due, bucket), open credit notes and unallocated payments, and the balance they add up to
  dso         DSO month by month over 12 months (simple and countback), with sales and receivables
  kpis        receivables, overdue, overdue rate, DSO, recovery rates at 1 and 3 months by month of due date
  priorities  accounts ranked by priority, with the reasons and what the engine proposes
  tasks       a collector's tasks for the day (--collector EMAIL; default: every collector)
  penalties   late-payment penalties per invoice paid late or still open past due (--customer ID): days late,
              legal regime, rate per half-year, interest (each payment closing its share) and the 40 EUR
              indemnity; the contractual rate of settings penalty-rate replaces ECB + 10 when set
  blocked     accounts with deliveries blocked: since, by whom, reason, unblock conditions (csv/json for an ERP)

--as-of defaults to today in the company's time zone; every figure is what was known at the end of that day
(invoices, credit notes, payments, disputes and promises recorded after it are left out). CSV follows the company's locale (French: ";" and
decimal comma); a text cell starting with = + - @ gets a leading ' (no formula runs in a spreadsheet);
amounts stay numbers. JSON gives amounts as decimal strings. Tables cut cells at ${TABLE_CELL_MAX_WIDTH} characters with "…"
and show control characters as symbols; csv and json keep every value whole.`;

const KINDS = ["aging", "dso", "kpis", "priorities", "tasks", "penalties", "blocked"] as const;

/** A column's or a figure's name in the catalogues: report.label.<id>. */
type LabelId = MessageKey extends infer K ? (K extends `report.label.${infer I}` ? I : never) : never;

export async function reportCommand(
  context: CommandContext,
  args: string[],
  options: { asOf?: string; customer?: string; collector?: string; format?: string },
): Promise<number> {
  const [kind, ...extra] = args;
  if (!kind || !(KINDS as readonly string[]).includes(kind) || extra.length > 0) throw new AppError("input.usage", REPORT_HELP);
  const format = (options.format ?? (context.json ? "json" : "table")) as ReportFormat;
  if (!["table", "csv", "json"].includes(format))
    throw new AppError("input.usage", t("en-GB", "report.badFormat", { format: String(options.format) }));
  const db = await context.database();
  const settings = await db.withConnection(loadSettings);
  // Titles, column names and the words in cells are in the company's language; JSON keys stay as they are.
  const locale = settings.locale;
  const L = (id: LabelId) => t(locale, `report.label.${id}`);
  // Words inside cells (TOTAL, a bucket's name): for people in table and csv; JSON, read by scripts, keeps English.
  const words = format === "json" ? "en-GB" : locale;
  let asOf: CalendarDate;
  if (options.asOf) {
    const parsed = parseCalendarDate(options.asOf);
    if (!parsed) throw new AppError("input.invalid", t(locale, "report.badAsOf", { value: options.asOf }));
    asOf = parsed;
  } else asOf = calendarDateAt(new Date(), settings.timeZone);
  const policy = loadPolicy(readEnv(context.io.env).POLICY_FILE);
  const show = (report: Report) => print(context.io.stdout, formatReport(report, format, settings.currency, settings.locale));

  let customerId: number | undefined;
  if (options.customer) {
    const customer =
      (await db.prisma.customer.findUnique({ where: { externalId: options.customer } })) ??
      (await customersNamed(db, options.customer, 1))[0];
    if (!customer) throw new AppError("not_found", t(locale, "report.noCustomer", { customer: options.customer }));
    customerId = customer.id;
  }

  switch (kind) {
    case "blocked":
      show(await blockedReport(db, policy, format === "table" ? locale : null));
      return 0;
    case "aging": {
      const labels = bucketLabels(policy.agingBuckets, locale);
      if (customerId !== undefined) {
        // Every line that makes up the balance, as of the date: open invoices, then open credit notes and
        // unallocated payments (negative), then the balance, the same as this customer's line of the full report.
        const customerIds = [customerId];
        const [items, review] = await Promise.all([
          db.withConnection((sql) => loadOpenItems(sql, asOf, settings.timeZone, customerIds)),
          reviewPortfolio(db, policy, asOf, { customerIds }),
        ]);
        const balance = review.accounts[0]?.aging.balance ?? 0n;
        show({
          title: t(locale, "report.agingOfCustomer", { customer: options.customer ?? "", asOf }),
          columns: [
            { key: "number", label: L("document"), kind: "text" },
            { key: "issueDate", label: L("dated"), kind: "text" },
            { key: "dueDate", label: L("due"), kind: "text" },
            { key: "daysPastDue", label: L("daysPastDue"), kind: "integer" },
            { key: "bucket", label: L("bucket"), kind: "text" },
            { key: "openAmount", label: L("open"), kind: "money" },
          ],
          rows: [
            // A partly disputed invoice is two lines: the disputed part, and the rest in its age bucket.
            ...items.invoices.flatMap((i) => {
              const days = daysPastDue(i.dueDate, asOf);
              const line = { number: i.number, issueDate: i.issueDate, dueDate: i.dueDate, daysPastDue: days };
              const disputed = i.disputedAmount > i.open ? i.open : i.disputedAmount;
              return [
                ...(disputed > 0n ? [{ ...line, bucket: t(words, "report.bucketDisputed"), openAmount: disputed }] : []),
                ...(i.open - disputed > 0n ? [{ ...line, bucket: bucketLabels(policy.agingBuckets, words)[bucketOf(days, policy.agingBuckets)], openAmount: i.open - disputed }] : []),
              ];
            }),
            ...items.credits.map((c) => ({
              number: c.reference,
              issueDate: c.on,
              dueDate: null,
              daysPastDue: null,
              // i18n-exempt: compares the query's kind of credit, not shown
              bucket: t(words, c.kind === "credit note" ? "report.creditNote" : "report.unallocatedPayment"),
              openAmount: -c.open,
            })),
            { number: t(words, "report.balanceLine"), issueDate: null, dueDate: null, daysPastDue: null, bucket: null, openAmount: balance },
          ],
        });
        return 0;
      }
      const { accounts, totals } = await reviewPortfolio(db, policy, asOf);
      const bucketColumns = labels.map((label, i) => ({ key: `b${i}`, label, kind: "money" as const }));
      const row = (name: string, externalId: string, a: typeof totals) => ({
        externalId,
        name,
        ...Object.fromEntries(a.buckets.map((v, i) => [`b${i}`, v])),
        disputed: a.disputed,
        credits: a.credits,
        balance: a.balance,
      });
      show({
        title: t(locale, "report.aging", { asOf }),
        columns: [
          { key: "externalId", label: L("customer"), kind: "text" },
          { key: "name", label: L("name"), kind: "text" },
          ...bucketColumns,
          { key: "disputed", label: L("disputed"), kind: "money" },
          { key: "credits", label: L("credits"), kind: "money" },
          { key: "balance", label: L("balance"), kind: "money" },
        ],
        rows: [
          ...accounts.filter((a) => a.aging.balance !== 0n || a.aging.credits !== 0n).map((a) => row(a.name, a.externalId, a.aging)),
          row(t(words, "report.total"), "", totals),
        ],
      });
      return 0;
    }
    case "dso": {
      const { totals } = await reviewPortfolio(db, policy, asOf);
      const { months } = await kpisAsOf(db, policy, asOf, totals, null);
      const convention = {
        yearDays: policy.kpis.dsoYearDays,
        salesIncludeVat: policy.kpis.dsoSalesIncludeVat,
        vatRatePercent: policy.kpis.vatRatePercent,
      };
      const rows = months.map((m, i) => ({
        month: m.month,
        sales: m.sales,
        receivables: m.receivablesAtEnd,
        simple: simpleDso(months, i, convention),
        countback: countbackDso(months, i, convention),
      }));
      show({
        title: t(locale, "report.dso", { yearDays: policy.kpis.dsoYearDays, vat: policy.kpis.dsoSalesIncludeVat ? "with" : "without" }),
        columns: [
          { key: "month", label: L("month"), kind: "text" },
          { key: "sales", label: L("sales"), kind: "money" },
          { key: "receivables", label: L("receivablesAtEnd"), kind: "money" },
          { key: "simple", label: L("dsoSimpleDays"), kind: "decimal" },
          { key: "countback", label: L("dsoCountbackDays"), kind: "decimal" },
        ],
        rows: rows.slice(-12),
      });
      return 0;
    }
    case "kpis": {
      const { totals } = await reviewPortfolio(db, policy, asOf);
      const { kpis } = await kpisAsOf(db, policy, asOf, totals, null);
      const months = monthRange(addDays(asOf, -365).slice(0, 7), asOf.slice(0, 7));
      const rates = recoveryRates(await db.withConnection((sql) => loadRecoveryTotals(sql, months, asOf)), asOf);
      show({
        title: t(locale, "report.kpis", { asOf }),
        headline: [
          { key: "asOf", label: L("asOf"), kind: "text", value: asOf },
          { key: "receivables", label: L("receivables"), kind: "money", value: receivablesOf(totals) },
          { key: "overdue", label: L("overdue"), kind: "money", value: totals.overdue },
          { key: "overdueRate", label: L("overdueRate"), kind: "percent", value: kpis.overdueRate },
          { key: "dsoCountback", label: L("dsoCountbackDays"), kind: "decimal", value: kpis.dsoCountback },
          { key: "dsoSimple", label: L("dsoSimpleDays"), kind: "decimal", value: kpis.dsoSimple },
        ],
        subtitle: t(locale, "report.recoverySubtitle"),
        columns: [
          { key: "month", label: L("dueIn"), kind: "text" },
          { key: "due", label: L("fellDue"), kind: "money" },
          { key: "within1Month", label: L("collectedWithin1Month"), kind: "percent" },
          { key: "within3Months", label: L("collectedWithin3Months"), kind: "percent" },
        ],
        rows: rates.map((r) => ({ ...r })),
      });
      return 0;
    }
    case "priorities": {
      const { accounts } = await reviewPortfolio(db, policy, asOf, customerId === undefined ? {} : { customerIds: [customerId] });
      const money = (minor: bigint) => formatMoney(minor, settings.currency, settings.locale);
      const ranked = rankAccounts(accounts, (a) => priorityInputOf(a, money, locale), policy, Infinity, money, locale);
      show({
        title: t(locale, "report.priorities", { asOf }),
        columns: [
          { key: "rank", label: L("rank"), kind: "integer" },
          { key: "externalId", label: L("customer"), kind: "text" },
          { key: "name", label: L("name"), kind: "text" },
          { key: "score", label: L("score"), kind: "decimal" },
          { key: "overdue", label: L("overdue"), kind: "money" },
          { key: "maxDaysLate", label: L("daysLate"), kind: "integer" },
          { key: "payer", label: L("payer"), kind: "text" },
          { key: "why", label: L("why"), kind: "text" },
          { key: "proposals", label: L("engineProposes"), kind: "text" },
        ],
        rows: ranked.map((p) => ({
          rank: p.rank,
          externalId: p.account.externalId,
          name: p.account.name,
          score: p.score,
          overdue: p.account.review.figures.overdue,
          maxDaysLate: p.account.review.figures.maxDaysLate,
          payer: p.account.payer.grade ? `${p.account.payer.grade} (${p.account.payer.score}/100)` : "",
          why: p.reasons.join("; "),
          proposals: p.account.review.proposals.map((x) => describeKind(x.kind)).join("; "),
        })),
      });
      return 0;
    }
    case "penalties": {
      const { invoices } = await penaltiesAsOf(db, policy, asOf, customerId === undefined ? undefined : [customerId]);
      const total = (pick: (i: (typeof invoices)[number]) => bigint) => invoices.reduce((s, i) => s + pick(i), 0n);
      show({
        title: t(locale, "report.penalties", { asOf }),
        columns: [
          { key: "externalId", label: L("customer"), kind: "text" },
          { key: "name", label: L("name"), kind: "text" },
          { key: "number", label: L("invoice"), kind: "text" },
          { key: "dueDate", label: L("due"), kind: "text" },
          { key: "amount", label: L("amount"), kind: "money" },
          { key: "status", label: L("status"), kind: "text" },
          { key: "open", label: L("open"), kind: "money" },
          { key: "daysLate", label: L("daysLate"), kind: "integer" },
          { key: "regime", label: L("regime"), kind: "text" },
          { key: "rates", label: L("ratePerHalfYear"), kind: "text" },
          { key: "interest", label: L("interest"), kind: "money" },
          { key: "indemnity", label: L("indemnity"), kind: "money" },
        ],
        rows: [
          ...invoices.map((i) => ({
            externalId: i.externalId,
            name: i.customerName,
            number: i.number,
            dueDate: i.dueDate,
            amount: i.amount,
            status: i.status,
            open: i.open,
            daysLate: i.daysLate,
            regime: i.regime,
            rates: describeRates(i.periods),
            interest: i.interest,
            indemnity: i.indemnity,
          })),
          ...(invoices.length > 0
            ? [
                {
                  externalId: t(words, "report.total"),
                  name: null,
                  number: null,
                  dueDate: null,
                  amount: total((i) => i.amount),
                  status: null,
                  open: total((i) => i.open),
                  daysLate: null,
                  regime: null,
                  rates: null,
                  interest: total((i) => i.interest),
                  indemnity: total((i) => i.indemnity),
                },
              ]
            : []),
        ],
      });
      return 0;
    }
    case "tasks": {
      const collectors = options.collector
        ? await db.prisma.person.findMany({ where: { email: options.collector.toLowerCase() } })
        : // Roles filtered here: pglite-prisma-adapter 0.6 mis-sends array filters ("has").
          (await db.prisma.person.findMany({ where: { active: true }, orderBy: { id: "asc" } })).filter((p) =>
            p.roles.includes("COLLECTOR"),
          );
      if (collectors.length === 0)
        throw new AppError(
          "not_found",
          options.collector ? t(locale, "report.noPersonWithEmail", { email: options.collector }) : t(locale, "report.noCollector"),
        );
      for (const collector of collectors) {
        const list = await collectorTasks(db, policy, asOf, collector.id);
        if (format === "table") print(context.io.stdout, renderTasks(list, settings.currency, settings.locale) + "\n");
        else
          show({
            title: t(locale, "report.tasks", { collector: list.collectorName }),
            columns: [
              { key: "collector", label: L("collector"), kind: "text" },
              { key: "externalId", label: L("customer"), kind: "text" },
              { key: "customerName", label: L("name"), kind: "text" },
              { key: "title", label: L("task"), kind: "text" },
              { key: "reason", label: L("why"), kind: "text" },
              { key: "overdue", label: L("overdue"), kind: "money" },
              { key: "maxDaysLate", label: L("daysLate"), kind: "integer" },
            ],
            rows: list.tasks.map((t) => ({ ...t, collector: list.collectorName })),
          });
      }
      return 0;
    }
  }
  return 0;
}
