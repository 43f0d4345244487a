import { writeFileSync } from "node:fs";
import { readEnv } from "../../config/env.js";
import { loadPolicy } from "../../config/policyFile.js";
import { calendarDateAt, parseCalendarDate, type CalendarDate } from "../../domain/calendarDate.js";
import { composePenaltyInvoice, NothingToClaimError, type PenaltyInvoice } from "../../domain/penaltyInvoice.js";
import { loadSettings } from "../../db/settings.js";
import { formatMinor } from "../../domain/money.js";
import { letterPdf } from "../../documents/pdf.js";
import { languageOf, render } from "../../documents/templates.js";
import { AppError } from "../../errors.js";
import { penaltiesAsOf } from "../../services/penalties.js";
import { customersNamed } from "../../usecases/accounts.js";
import { print, type CommandContext } from "../io.js";

export const LETTER_HELP = `Usage: ccbot letter penalties CUSTOMER [--as-of YYYY-MM-DD] [--output FILE]

  penalties   the invoice of the late-payment interest and 40 EUR indemnities owed by CUSTOMER (id or name)
              on its invoices paid late or still open past due on --as-of (default: today), under its
              segment's legal regime (public bodies: to the authorising officer, copy to the public
              accountant); the contractual rate of settings penalty-rate replaces ECB + 10 when set

The letter is in the customer's language (French unless its locale is another one). Without --output it is
printed; --output FILE writes it to FILE, as a PDF when FILE ends with .pdf, as text otherwise.`;

export async function letterCommand(
  context: CommandContext,
  args: string[],
  options: { asOf?: string; output?: string },
  now = new Date(),
): Promise<number> {
  const [kind, reference, ...extra] = args;
  if (kind !== "penalties" || !reference || extra.length > 0) throw new AppError("input.usage", LETTER_HELP);
  const db = await context.database();
  const found =
    (await db.prisma.customer.findUnique({ where: { externalId: reference } })) ?? (await customersNamed(db, reference, 1))[0];
  const customer = found ? await db.prisma.customer.findUnique({ where: { id: found.id } }) : null;
  if (!customer) throw new AppError("not_found", `No customer with id or name "${reference}".`);
  const policy = loadPolicy(readEnv(context.io.env).POLICY_FILE);
  let asOf: CalendarDate;
  if (options.asOf) {
    const parsed = parseCalendarDate(options.asOf);
    if (!parsed) throw new AppError("input.invalid", `--as-of ${options.asOf} is not a date (write YYYY-MM-DD).`);
    asOf = parsed;
  } else asOf = calendarDateAt(now, (await db.withConnection(loadSettings)).timeZone);
  const { settings, invoices } = await penaltiesAsOf(db, policy, asOf, [customer.id]);
  let letter: PenaltyInvoice;
  try {
    letter = composePenaltyInvoice({
      letterDate: asOf,
      creditor: {
        name: settings.companyName,
        address: settings.companyAddress.split("\n").filter(Boolean),
        registration: settings.companyRegistration || null,
      },
      debtor: {
        name: customer.name,
        address: (customer.address ?? "").split("\n").filter(Boolean),
        registration: customer.registrationNumber,
        reference: customer.externalId,
      },
      regime: policy.segments[customer.segment].regime,
      contractRatePercent: settings.penaltyRatePercent,
      lines: invoices,
    });
  } catch (error) {
    if (error instanceof NothingToClaimError) throw new AppError("conflict", `${error.message} No letter to send.`);
    throw error;
  }
  const language = languageOf(customer.locale ?? settings.locale);
  const text = render("penalty-invoice", language, settings.currency, letter);
  if (!options.output) {
    print(context.io.stdout, text);
    return 0;
  }
  if (options.output.toLowerCase().endsWith(".pdf")) {
    const pdf = await letterPdf(text, {
      title: `${language === "fr" ? "Facture de pénalités de retard" : "Late-payment penalty invoice"} ${letter.debtor.name}`,
      author: settings.companyName,
      createdAt: now,
    });
    writeFileSync(options.output, pdf);
  } else writeFileSync(options.output, text);
  print(
    context.io.stderr,
    `Penalty invoice for ${customer.externalId} written to ${options.output}: ${letter.lines.length} invoice(s), total ${formatMinor(letter.totals.total)} ${settings.currency}.`,
  );
  return 0;
}
