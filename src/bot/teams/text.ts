// What people typed, shown back as text in Teams. Teams renders markdown and some HTML in bot messages, and
// Adaptive Card TextBlocks render a markdown subset: a comment "**Urgent** <at>Finance</at> [click](https://…)"
// must show those characters, not bold, a mention or a disguised link. Every value from a person or an import
// (reasons, comments, names, search text, error messages that quote them) goes through `inert` or the `md` tag;
// the bot's own formatting (bold labels) stays in the template's literal parts.

/** The longest value echoed in a message or card line, in characters; longer ones end with "…". */
export const ECHO_MAX = 500;

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]+/g;

/** `value` clipped to `max` characters (whole code points), with an ellipsis when cut. */
export function clip(value: string, max = ECHO_MAX): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
}

/**
 * One line of inert text: control characters and line breaks become a space (no headings, lists or quotes can
 * start), HTML is escaped (no `<at>` mention, no tag), markdown's inline markers are backslash-escaped (no bold,
 * no link), a scheme's `://` is broken with a zero-width space so a typed address is not a link, and the whole
 * is clipped to `max` characters.
 */
export function inert(value: unknown, max = ECHO_MAX): string {
  const line = clip(
    String(value ?? "")
      .replace(CONTROL, " ")
      .trim(),
    max,
  );
  return line
    .replace(/[\\`*_~[\]]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/:\/\//g, ":\u200b//")
    .replace(/^(#{1,6}|[-+]|\d{1,9}[.)])(?=\s|$)/, (m) => `\\${m}`);
}

/** A template whose interpolated values are made inert: md`**${name}** said ${comment}`. */
export function md(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((out, literal, i) => out + literal + (i < values.length ? inert(values[i]) : ""), "");
}

/** Several lines of inert text (a letter): each line as `inert` makes it, the line breaks kept. */
export function inertLines(value: string, maxLine = 2000): string {
  return value
    .split(/\r?\n/)
    .map((line) => inert(line, maxLine))
    .join("\n");
}
