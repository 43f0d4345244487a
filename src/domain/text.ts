// Text that came from outside (an import file, a person): what makes it unsafe to show or print as it is.
// Names, addresses and references are single-line: a line break in a customer's name would print as a
// line of its own in a letter; ESC and BEL drive a terminal. Pure functions, no I/O.
import { t } from "../i18n/index.js";

/** C0 controls (U+0000–U+001F, line breaks and tab included), DEL (U+007F) and C1 controls (U+0080–U+009F). */
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/u;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/gu;
const CONTROL_CHARACTERS_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/gu;

type ControlName = "null" | "bell" | "backspace" | "tab" | "lineBreak" | "verticalTab" | "formFeed" | "carriageReturn" | "escape" | "delete";
const CONTROL_NAMES: Record<number, ControlName> = {
  0x00: "null",
  0x07: "bell",
  0x08: "backspace",
  0x09: "tab",
  0x0a: "lineBreak",
  0x0b: "verticalTab",
  0x0c: "formFeed",
  0x0d: "carriageReturn",
  0x1b: "escape",
  0x7f: "delete",
};

/** "U+001B (escape)": how a control character is named in an error message, in the language of `locale`. */
export function describeControlCharacter(char: string, locale = "en-GB"): string {
  const code = char.codePointAt(0) ?? 0;
  const name = t(locale, `domain.controlName.${CONTROL_NAMES[code] ?? "other"}`);
  return t(locale, "domain.control.name", { code: `U+${code.toString(16).toUpperCase().padStart(4, "0")}`, name });
}

/**
 * Why a single-line text is refused, or null when it is fine: the first control character and its
 * 1-based position ("contains U+000A (line break) at character 5; names, addresses and references
 * are single-line…"), in the language of `locale`.
 */
export function singleLineProblem(text: string, locale = "en-GB"): string | null {
  const match = CONTROL_CHARACTER.exec(text);
  if (!match) return null;
  const position = [...text.slice(0, match.index)].length + 1;
  return t(locale, "domain.control.singleLine", { character: describeControlCharacter(match[0], locale), position });
}

/** The text on one line: every run of control characters (line breaks included) becomes one space. */
export function singleLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/gu, " ").trim();
}

/**
 * The symbol a terminal shows instead of a control character: the Unicode "control pictures" for C0 and
 * DEL (ESC -> ␛, BEL -> ␇, line break -> ␊), the replacement character for C1.
 */
function picture(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20) return String.fromCodePoint(0x2400 + code);
  if (code === 0x7f) return "\u2421";
  return "\ufffd";
}

/** A table cell or a value inside a line, for a terminal: every control character, line breaks included, made visible. */
export function visibleCell(text: string): string {
  return text.replace(CONTROL_CHARACTERS, picture);
}

/** Several lines for a terminal: line breaks kept, every other control character (ESC, BEL, CR, tab…) made visible. */
export function visibleLines(text: string): string {
  return text.replace(CONTROL_CHARACTERS_BUT_NEWLINE, picture);
}

/** At most `max` characters (code points), the last one an ellipsis when the text was cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
}
