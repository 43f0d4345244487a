// Messages and letters from templates/<language>/<name>.hbs (Handlebars), French by default, English for
// customers whose locale is not French. Helpers: money (company currency, letter's locale), date (long
// form), eq, percent (a rate in percent, in the letter's locale).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import type { CalendarDate } from "../domain/calendarDate.js";
import { formatMoney } from "../domain/money.js";

export const TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../templates");
export type Language = "fr" | "en";
export const TEMPLATE_NAMES = [
  "reminder-courtesy",
  "reminder-first",
  "reminder-second",
  "reminder-last",
  "call-checklist",
  "formal-notice",
  // Public bodies (Code de la commande publique): to the authorising officer, copy to the public accountant.
  "reminder-public",
  "reminder-public-last",
  "call-checklist-public",
  "formal-notice-public",
  // Late-payment interest and indemnities on invoices paid late or still open (both regimes).
  "penalty-invoice",
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export function languageOf(locale: string | null | undefined): Language {
  return (locale ?? "fr").toLowerCase().startsWith("fr") ? "fr" : "en";
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();

function template(language: Language, name: TemplateName): HandlebarsTemplateDelegate {
  const key = `${language}/${name}`;
  let t = compiled.get(key);
  if (!t) {
    const source = readFileSync(path.join(TEMPLATES_DIR, language, `${name}.hbs`), "utf8");
    // Letters are plain text: nothing to HTML-escape.
    t = Handlebars.compile(source, { noEscape: true, strict: true });
    compiled.set(key, t);
  }
  return t;
}

export function render(name: TemplateName, language: Language, currency: string, context: object): string {
  const locale = language === "fr" ? "fr-FR" : "en-GB";
  const helpers = {
    money: (minor: bigint) => formatMoney(minor, currency, locale).replace(/[\u00a0\u202f]/g, " "),
    date: (date: CalendarDate) =>
      new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(
        new Date(`${date}T00:00:00Z`),
      ),
    eq: (a: unknown, b: unknown) => a === b,
    percent: (value: number) =>
      new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(value / 100).replace(/[\u00a0\u202f]/g, " "),
  };
  return (
    template(language, name)(context, { helpers })
      .replace(/\n{3,}/g, "\n\n")
      .trim() + "\n"
  );
}

/** A message template's first line is its subject ("Objet : ..." / "Subject: ..."). */
export function splitSubject(text: string): { subject: string; body: string } {
  const [first = "", ...rest] = text.split("\n");
  return { subject: first.replace(/^(Objet|Subject)\s*:\s*/, ""), body: rest.join("\n").trim() + "\n" };
}
