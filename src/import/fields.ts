// zod building blocks for import rows: every field arrives as trimmed text and leaves typed, or with a
// reason a credit manager can act on ("credit_limit: "12,5,0" is not an amount").
import { z } from "zod";
import { parseCalendarDate, type CalendarDate } from "../domain/calendarDate.js";
import { parseAmount } from "../domain/money.js";

export const requiredText = (what: string) => z.string().min(1, `${what} is empty`);

export const optionalText = z.string().transform((value) => (value === "" ? null : value));

export function amount(digits: number, options: { positive?: boolean } = {}) {
  return z.string().transform((text, ctx): bigint => {
    const parsed = parseAmount(text, digits);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.reason });
      return z.NEVER;
    }
    if (options.positive && parsed.minor <= 0n) {
      ctx.addIssue({ code: "custom", message: `must be greater than zero (got "${text}")` });
      return z.NEVER;
    }
    return parsed.minor;
  });
}

export function optionalAmount(digits: number) {
  return z.string().transform((text, ctx): bigint | null => {
    if (text === "") return null;
    const parsed = parseAmount(text, digits);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.reason });
      return z.NEVER;
    }
    return parsed.minor;
  });
}

function dateTransform(text: string, ctx: z.RefinementCtx, compact: boolean): CalendarDate {
  const date = parseCalendarDate(text, { compact });
  if (date === null) {
    ctx.addIssue({
      code: "custom",
      message: text === "" ? "date is empty" : `"${text}" is not a date (write ${compact ? "YYYYMMDD" : "YYYY-MM-DD or DD/MM/YYYY"})`,
    });
    return z.NEVER;
  }
  return date;
}

export const date = z.string().transform((text, ctx) => dateTransform(text, ctx, false));
export const fecDate = z.string().transform((text, ctx) => dateTransform(text, ctx, true));
export const optionalDate = z
  .string()
  .transform((text, ctx): CalendarDate | null => (text === "" ? null : dateTransform(text, ctx, false)));

/** "column: reason; column: reason" from a failed parse. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const column = issue.path.join(".");
      return column ? `${column}: ${issue.message}` : issue.message;
    })
    .join("; ");
}
