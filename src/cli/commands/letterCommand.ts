import { writeFileSync } from "node:fs";
import { readEnv } from "../../config/env.js";
import { loadPolicy } from "../../config/policyFile.js";
import { calendarDateAt, parseCalendarDate, type CalendarDate } from "../../domain/calendarDate.js";
import { composePenaltyInvoice, NothingToClaimError, type PenaltyInvoice } from "../../domain/penaltyInvoice.js";
import { loadSettings } from "../../db/settings.js";
import { letterPdf } from "../../documents/pdf.js";
import { languageOf, render } from "../../documents/templates.js";
import { AppError } from "../../errors.js";
import { formatMoney, phrase, t } from "../../i18n/index.js";
import { penaltiesAsOf } from "../../services/penalties.js";
import { customersNamed } from "../../usecases/accounts.js";
import { print, type CommandContext } from "../io.js";

export const LETTER_HELP = phrase("cli.letter.help");

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
  if (!customer) throw new AppError("not_found", phrase("cli.noCustomer", { customer: reference }));
  const policy = loadPolicy(readEnv(context.io.env).POLICY_FILE);
  let asOf: CalendarDate;
  if (options.asOf) {
    const parsed = parseCalendarDate(options.asOf);
    if (!parsed) throw new AppError("input.invalid", phrase("cli.badAsOf", { value: options.asOf }));
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
    if (error instanceof NothingToClaimError) throw new AppError("conflict", phrase("cli.letter.nothing", { reason: error.message }));
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
      // The letter's own language (the customer's), not the company's.
      title: t(language === "fr" ? "fr-FR" : "en-GB", "cli.letter.pdfTitle", { debtor: letter.debtor.name }),
      author: settings.companyName,
      createdAt: now,
    });
    writeFileSync(options.output, pdf);
  } else writeFileSync(options.output, text);
  print(
    context.io.stderr,
    t(settings.locale, "cli.letter.written", {
      customer: customer.externalId,
      file: options.output,
      count: letter.lines.length,
      total: formatMoney(letter.totals.total, settings.currency, settings.locale),
    }),
  );
  return 0;
}
