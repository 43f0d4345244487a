// `ccbot plan`: payment plans agreed with customers (seed 002, "échéancier"): agree one, list them with each
// instalment's standing, and follow them (instalments paid, missed ones escalated) as the daily job does.
import { readEnv } from "../../config/env.js";
import { loadPolicy } from "../../config/policyFile.js";
import { loadSettings } from "../../db/settings.js";
import { calendarDateAt, parseCalendarDate, type CalendarDate } from "../../domain/calendarDate.js";
import { minorDigits } from "../../domain/money.js";
import { listSeparator } from "../../domain/digest.js";
import { parseInstalments } from "../../domain/paymentPlan.js";
import { AppError } from "../../errors.js";
import { customersNamed } from "../../usecases/accounts.js";
import { FormError } from "../../usecases/contacts.js";
import { agreePaymentPlan, followPaymentPlans, paymentPlans } from "../../usecases/paymentPlans.js";
import { phrase, t } from "../../i18n/index.js";
import { print, printJson, shown, type CommandContext } from "../io.js";
import { formatReport, type ReportFormat } from "../report.js";

export const PLAN_HELP = phrase("cli.plan.help");

export async function planCommand(
  context: CommandContext,
  args: string[],
  options: {
    customer?: string;
    instalments?: string;
    "from-promise"?: string;
    note?: string;
    "confirm-above-open"?: boolean;
    "as-of"?: string;
    format?: string;
  },
): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || rest.length > 0 || !["add", "list", "follow"].includes(sub)) throw new AppError("input.usage", PLAN_HELP);
  const db = await context.database();
  const settings = await db.withConnection(loadSettings);
  const locale = settings.locale;
  const policy = loadPolicy(readEnv(context.io.env).POLICY_FILE);
  let asOf: CalendarDate = calendarDateAt(new Date(), settings.timeZone);
  if (options["as-of"]) {
    const parsed = parseCalendarDate(options["as-of"]);
    if (!parsed) throw new AppError("input.invalid", phrase("cli.badAsOf", { value: options["as-of"] }));
    asOf = parsed;
  }
  const customerOf = async (text: string) => {
    const found = (await db.prisma.customer.findUnique({ where: { externalId: text } })) ?? (await customersNamed(db, text, 1))[0];
    if (!found) throw new AppError("not_found", phrase("cli.noCustomer", { customer: text }));
    return db.prisma.customer.findUniqueOrThrow({ where: { id: found.id } });
  };

  if (sub === "add") {
    if (!options.customer) throw new AppError("input.usage", phrase("cli.optionRequired", { option: "--customer", help: t(locale, "cli.plan.help") }));
    if (!options.instalments) throw new AppError("input.usage", phrase("cli.optionRequired", { option: "--instalments", help: t(locale, "cli.plan.help") }));
    const customer = await customerOf(options.customer);
    const parsed = parseInstalments(options.instalments, minorDigits(customer.currency), locale);
    if (!parsed.ok) throw new AppError("input.invalid", phrase("cli.plan.badInstalments", { errors: parsed.errors.join(listSeparator(locale)) }));
    let fromPromiseId: number | undefined;
    if (options["from-promise"] !== undefined) {
      if (!/^\d{1,9}$/.test(options["from-promise"]))
        throw new AppError("input.invalid", phrase("cli.plan.badPromise", { value: options["from-promise"].slice(0, 40) }));
      fromPromiseId = Number(options["from-promise"]);
    }
    try {
      const result = await agreePaymentPlan(
        db,
        { personId: null, label: "cli", origin: "CLI" },
        {
          customerId: customer.id,
          instalments: parsed.instalments,
          ...(fromPromiseId !== undefined ? { fromPromiseId } : {}),
          ...(options.note ? { note: options.note } : {}),
          ...(options["confirm-above-open"] ? { confirmAboveOpen: true } : {}),
        },
      );
      if (context.json || !context.io.interactive)
        printJson(context.io, { status: result.status, planId: result.planId, total: result.total.toString(), currency: result.currency });
      else print(context.io.stdout, t(locale, "cli.plan.agreed", { customer: shown(customer.name), text: result.text, planId: result.planId }));
      return 0;
    } catch (error) {
      // Field errors of the form, named by their option.
      if (error instanceof FormError) {
        const option = (field: string) => (field === "fromPromise" ? "--from-promise" : "--instalments");
        throw new AppError("input.invalid", Object.entries(error.fieldsIn(locale)).map(([f, m]) => `${option(f)}: ${m}`).join("\n"));
      }
      throw error;
    }
  }

  if (sub === "follow") {
    const result = await followPaymentPlans(db, policy, asOf);
    if (context.json || !context.io.interactive) printJson(context.io, { asOf, ...result });
    else
      print(
        context.io.stdout,
        t(locale, "cli.plan.followed", {
          asOf,
          paid: result.paid,
          missed: result.missed,
          escalations: result.escalations,
          completed: result.completed,
          broken: result.broken,
        }),
      );
    return 0;
  }

  const format = (options.format ?? (context.json ? "json" : "table")) as ReportFormat;
  type Column = "plan" | "customer" | "name" | "status" | "agreed" | "instalment" | "due" | "amount" | "received" | "paidOn" | "state" | "daysLate" | "indemnity";
  const label = (column: Column) => (format === "json" ? column : t(locale, `cli.plan.col.${column}`));
  if (!["table", "csv", "json"].includes(format)) throw new AppError("input.usage", phrase("cli.badFormatTableCsvJson", { format: String(options.format) }));
  const customerId = options.customer ? (await customerOf(options.customer)).id : undefined;
  const plans = await paymentPlans(db, policy, asOf, customerId === undefined ? {} : { customerId });
  print(
    context.io.stdout,
    formatReport(
      {
        title: t(locale, "cli.plan.title", { asOf }),
        columns: [
          { key: "plan", label: label("plan"), kind: "integer" },
          { key: "externalId", label: label("customer"), kind: "text" },
          { key: "name", label: label("name"), kind: "text" },
          { key: "status", label: label("status"), kind: "text" },
          { key: "agreedOn", label: label("agreed"), kind: "text" },
          { key: "no", label: label("instalment"), kind: "integer" },
          { key: "dueDate", label: label("due"), kind: "text" },
          { key: "amount", label: label("amount"), kind: "money" },
          { key: "paid", label: label("received"), kind: "money" },
          { key: "paidOn", label: label("paidOn"), kind: "text" },
          { key: "state", label: label("state"), kind: "text" },
          { key: "daysLate", label: label("daysLate"), kind: "integer" },
          { key: "indemnity", label: label("indemnity"), kind: "money" },
        ],
        rows: plans.flatMap((p) =>
          p.standing.instalments.map((i) => ({
            plan: p.planId,
            externalId: p.externalId,
            name: p.customerName,
            // JSON keeps the stable value ("active", "paid late"); a table or CSV for people says it in words.
            status: format === "json" ? p.status.toLowerCase() : t(locale, `cli.plan.status.${p.status}`),
            agreedOn: p.agreedOn,
            no: i.no,
            dueDate: i.dueDate,
            amount: i.amount,
            paid: i.paid,
            paidOn: i.paidOn ?? "",
            state: format === "json" ? i.state : t(locale, `cli.plan.state.${i.state}`),
            daysLate: i.daysLate,
            indemnity: i.indemnity,
          })),
        ),
      },
      format,
      settings.currency,
      settings.locale,
    ),
  );
  return 0;
}
