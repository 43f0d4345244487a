// `ccbot plan`: payment plans agreed with customers (seed 002, "échéancier"): agree one, list them with each
// instalment's standing, and follow them (instalments paid, missed ones escalated) as the daily job does.
import { readEnv } from "../../config/env.js";
import { loadPolicy } from "../../config/policyFile.js";
import { loadSettings } from "../../db/settings.js";
import { calendarDateAt, parseCalendarDate, type CalendarDate } from "../../domain/calendarDate.js";
import { minorDigits } from "../../domain/money.js";
import { parseInstalments } from "../../domain/paymentPlan.js";
import { AppError } from "../../errors.js";
import { customersNamed } from "../../usecases/accounts.js";
import { FormError } from "../../usecases/contacts.js";
import { agreePaymentPlan, followPaymentPlans, paymentPlans } from "../../usecases/paymentPlans.js";
import { print, printJson, type CommandContext } from "../io.js";
import { formatReport, type ReportFormat } from "../report.js";

export const PLAN_HELP = `Usage: ccbot plan add --customer ID --instalments "YYYY-MM-DD:AMOUNT,YYYY-MM-DD:AMOUNT,..." [--from-promise ID] [--note TEXT] [--confirm-above-open]
       ccbot plan list [--customer ID] [--as-of YYYY-MM-DD] [--format table|csv|json]
       ccbot plan follow [--as-of YYYY-MM-DD]

  add     agree a payment plan with a customer (id or name): at least two instalments, in date order, none
          before today, adding up to at most what the customer owes undisputed (--confirm-above-open to go
          beyond). --from-promise replaces a pending or broken promise to pay (it is cancelled).
  list    every plan and its instalments as of the date: paid, paid late, due, upcoming or missed, what was
          received, days late, and the 40 EUR recovery indemnity each late instalment bears
  follow  record the instalments paid and the ones missed (past their date plus the policy's grace,
          rules.promises.toleranceDays); each missed instalment is escalated once (the next reminder step
          brought forward, a formal notice proposed after the last reminder). The bot does this every day.`;

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
  const policy = loadPolicy(readEnv(context.io.env).POLICY_FILE);
  let asOf: CalendarDate = calendarDateAt(new Date(), settings.timeZone);
  if (options["as-of"]) {
    const parsed = parseCalendarDate(options["as-of"]);
    if (!parsed) throw new AppError("input.invalid", `--as-of ${options["as-of"]} is not a date (write YYYY-MM-DD).`);
    asOf = parsed;
  }
  const customerOf = async (text: string) => {
    const found = (await db.prisma.customer.findUnique({ where: { externalId: text } })) ?? (await customersNamed(db, text, 1))[0];
    if (!found) throw new AppError("not_found", `No customer with id or name "${text}".`);
    return db.prisma.customer.findUniqueOrThrow({ where: { id: found.id } });
  };

  if (sub === "add") {
    if (!options.customer) throw new AppError("input.usage", `--customer is required.\n\n${PLAN_HELP}`);
    if (!options.instalments) throw new AppError("input.usage", `--instalments is required.\n\n${PLAN_HELP}`);
    const customer = await customerOf(options.customer);
    const parsed = parseInstalments(options.instalments, minorDigits(customer.currency));
    if (!parsed.ok) throw new AppError("input.invalid", `--instalments: ${parsed.errors.join("; ")}.`);
    let fromPromiseId: number | undefined;
    if (options["from-promise"] !== undefined) {
      if (!/^\d{1,9}$/.test(options["from-promise"]))
        throw new AppError("input.invalid", `--from-promise: "${options["from-promise"].slice(0, 40)}" is not a promise number.`);
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
      else print(context.io.stdout, `${customer.name}: ${result.text} (plan #${result.planId}).`);
      return 0;
    } catch (error) {
      // Field errors of the form, named by their option.
      if (error instanceof FormError) {
        const option = (field: string) => (field === "fromPromise" ? "--from-promise" : "--instalments");
        throw new AppError("input.invalid", Object.entries(error.fields).map(([f, m]) => `${option(f)}: ${m}`).join("\n"));
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
        `Payment plans as of ${asOf}: ${result.paid} instalment(s) paid, ${result.missed} missed (${result.escalations} escalation(s)), ${result.completed} plan(s) completed, ${result.broken} broken.`,
      );
    return 0;
  }

  const format = (options.format ?? (context.json ? "json" : "table")) as ReportFormat;
  if (!["table", "csv", "json"].includes(format)) throw new AppError("input.usage", `--format must be table, csv or json (got ${options.format})`);
  const customerId = options.customer ? (await customerOf(options.customer)).id : undefined;
  const plans = await paymentPlans(db, policy, asOf, customerId === undefined ? {} : { customerId });
  print(
    context.io.stdout,
    formatReport(
      {
        title: `Payment plans as of ${asOf}`,
        columns: [
          { key: "plan", label: "plan", kind: "integer" },
          { key: "externalId", label: "customer", kind: "text" },
          { key: "name", label: "name", kind: "text" },
          { key: "status", label: "plan status", kind: "text" },
          { key: "agreedOn", label: "agreed", kind: "text" },
          { key: "no", label: "instalment", kind: "integer" },
          { key: "dueDate", label: "due", kind: "text" },
          { key: "amount", label: "amount", kind: "money" },
          { key: "paid", label: "received", kind: "money" },
          { key: "paidOn", label: "paid on", kind: "text" },
          { key: "state", label: "state", kind: "text" },
          { key: "daysLate", label: "days late", kind: "integer" },
          { key: "indemnity", label: "indemnity", kind: "money" },
        ],
        rows: plans.flatMap((p) =>
          p.standing.instalments.map((i) => ({
            plan: p.planId,
            externalId: p.externalId,
            name: p.customerName,
            status: p.status.toLowerCase(),
            agreedOn: p.agreedOn,
            no: i.no,
            dueDate: i.dueDate,
            amount: i.amount,
            paid: i.paid,
            paidOn: i.paidOn ?? "",
            state: i.state,
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
