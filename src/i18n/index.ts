// The words the bot says, in the company's language: one catalogue per language (fr.ts, the reference, and
// en.ts), ICU MessageFormat messages (plurals, selects, numbers) formatted by intl-messageformat with the
// company locale (docs/adr/0007-message-catalogues.md). Keys and their parameters are typed from the French
// catalogue: a missing key or parameter does not compile. Amounts are passed already formatted (formatMoney:
// integer minor units with their currency), calendar dates as CalendarDate strings formatted by `date`.
import { IntlMessageFormat } from "intl-messageformat";
import type { CalendarDate } from "../domain/calendarDate.js";
import { en } from "./en.js";
import { fr } from "./fr.js";

export type Language = "fr" | "en";
export type Catalogue = typeof fr;
export type MessageKey = keyof Catalogue;

/** The catalogues, one per language. */
export const CATALOGUES: Record<Language, Record<MessageKey, string>> = { fr, en };

/** The locale when the company has none set (company settings `locale`). */
export const DEFAULT_LOCALE = "fr-FR";

/** The catalogue's language for a locale: French for fr-*, English for any other (en-* complete). */
export function languageOf(locale: string | null | undefined): Language {
  return (locale ?? "fr").toLowerCase().startsWith("fr") ? "fr" : "en";
}

type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S;
type Name<S extends string> = S extends "" ? never : S extends `${string}${" " | "#" | "{" | "'" | "\n"}${string}` ? never : S;
/**
 * The argument names of an ICU message: `{name}`, `{n, plural, …}`, `{kind, select, …}` (nested too). A branch
 * of a plural or select is told from an argument by its spaces: write no one-word branch (`{e}`); the catalogue
 * test compares these names with the parser's, so a mistake there fails.
 */
export type ArgsOf<S extends string> = S extends `${string}{${infer Rest}`
  ? (Rest extends `${infer Head}}${string}` ? (Head extends `${infer N},${string}` ? Name<Trim<N>> : Name<Trim<Head>>) : never) | ArgsOf<Rest>
  : never;

/** What a parameter may be: text (an amount already formatted, a name), a number (plurals, counts). */
export type ParamValue = string | number;
export type ParamsOf<K extends MessageKey> = [ArgsOf<Catalogue[K]>] extends [never]
  ? []
  : [params: Record<ArgsOf<Catalogue[K]>, ParamValue>];

const formats = new Map<string, IntlMessageFormat>();

function formatter(locale: string, key: MessageKey): IntlMessageFormat {
  const id = `${locale}\u0000${key}`;
  let format = formats.get(id);
  if (!format) {
    // ignoreTag: Slack's <url|text> and mentions are text here, not ICU rich-text tags.
    format = new IntlMessageFormat(CATALOGUES[languageOf(locale)][key], locale, undefined, { ignoreTag: true });
    formats.set(id, format);
  }
  return format;
}

/** The message `key` in the language of `locale`, its numbers and plurals in that locale. */
export function t<K extends MessageKey>(locale: string, key: K, ...params: ParamsOf<K>): string {
  const out = formatter(locale, key).format(params[0] as Record<string, ParamValue> | undefined);
  if (typeof out !== "string") throw new Error(`message ${key} did not format to text`);
  return out;
}

/** A message to be said later, in a locale not known where it is decided (an error thrown by a use case). */
export interface Phrase {
  key: MessageKey;
  params?: Record<string, PhraseParam>;
}

/**
 * A parameter of a Phrase: a value, another Phrase (said in the same language: a role, a kind of action), a list
 * of Phrases said as a list in the language ("la finance et le commercial du compte", "finance and the account's
 * sales owner"), or `{ anyOf }`, the choices of a list ("chargé de recouvrement, back-office ou finance").
 */
export type PhraseParam = ParamValue | Phrase | readonly Phrase[] | { anyOf: readonly Phrase[] };
type PhraseParamsOf<K extends MessageKey> = [ArgsOf<Catalogue[K]>] extends [never]
  ? []
  : [params: Record<ArgsOf<Catalogue[K]>, PhraseParam>];

export function phrase<K extends MessageKey>(key: K, ...params: PhraseParamsOf<K>): Phrase {
  return params[0] ? { key, params: params[0] as Record<string, PhraseParam> } : { key };
}

function said(locale: string, value: PhraseParam): ParamValue {
  if (typeof value === "string" || typeof value === "number") return value;
  if (Array.isArray(value)) return new Intl.ListFormat(locale, { type: "conjunction" }).format(value.map((p: Phrase) => say(locale, p)));
  if ("anyOf" in value) return new Intl.ListFormat(locale, { type: "disjunction" }).format(value.anyOf.map((p) => say(locale, p)));
  return say(locale, value as Phrase);
}

/** A Phrase in the language of `locale` (its Phrase parameters said in the same language). */
export function say(locale: string, p: Phrase): string {
  const params = p.params ? Object.fromEntries(Object.entries(p.params).map(([name, value]) => [name, said(locale, value)])) : undefined;
  return (t as (locale: string, key: MessageKey, params?: Record<string, ParamValue>) => string)(locale, p.key, params);
}

/** A calendar date as people read it in `locale`: 30/11/2026 (fr-FR), 30/11/2026 (en-GB), 11/30/2026 (en-US). */
export function formatDate(date: CalendarDate, locale: string): string {
  return new Intl.DateTimeFormat(locale, { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

/** A count or a figure in `locale`: 12 345 (fr-FR), 12,345 (en-GB). */
export function formatNumber(value: number, locale: string, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(locale, options).format(value);
}

export { formatMoney } from "../domain/money.js";
