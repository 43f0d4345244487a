// The catalogues: every key in both languages, with the same parameters; every message parses and formats;
// the type-level parameter names (ArgsOf in src/i18n/index.ts) agree with the ICU parser's.
import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { CATALOGUES, t, type MessageKey } from "../../src/i18n/index.js";

type Node = { type: number; value?: string; options?: Record<string, { value: Node[] }> };

/** The argument names of a message, from the ICU parser's tree (arguments, numbers, dates, plurals, selects). */
function argumentsOf(message: string): string[] {
  const names = new Set<string>();
  const walk = (nodes: Node[]) => {
    for (const node of nodes) {
      // 1 argument, 2 number, 3 date, 4 time, 5 select, 6 plural
      if (node.type >= 1 && node.type <= 6 && node.value) names.add(node.value);
      for (const option of Object.values(node.options ?? {})) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(message, "fr-FR", undefined, { ignoreTag: true }).getAst() as Node[]);
  return [...names].sort();
}

/** The same names as the type-level ArgsOf reads them (a mirror of its rules), to check it against the parser. */
function typeLevelArguments(message: string): string[] {
  const names = new Set<string>();
  let rest = message;
  for (let open = rest.indexOf("{"); open >= 0; open = rest.indexOf("{")) {
    rest = rest.slice(open + 1);
    const close = rest.indexOf("}");
    if (close < 0) break;
    const head = rest.slice(0, close);
    const name = (head.includes(",") ? head.slice(0, head.indexOf(",")) : head).trim();
    if (name && !/[ #{'\n]/.test(name)) names.add(name);
  }
  return [...names].sort();
}

const keys = (language: "fr" | "en") => Object.keys(CATALOGUES[language]).sort();

describe("message catalogues", () => {
  it("the French and English catalogues have exactly the same keys", () => {
    expect(keys("en")).toEqual(keys("fr"));
    expect(keys("fr").length).toBeGreaterThan(50);
  });

  it.each(keys("fr"))("%s: same parameters in French and English, as the types read them", (key) => {
    const fr = CATALOGUES.fr[key as MessageKey];
    const en = CATALOGUES.en[key as MessageKey];
    expect(argumentsOf(en)).toEqual(argumentsOf(fr));
    expect(typeLevelArguments(fr)).toEqual(argumentsOf(fr));
  });

  it("every message formats in fr-FR and en-GB with sample values, and none is left empty", () => {
    for (const key of keys("fr") as MessageKey[]) {
      const values = Object.fromEntries(argumentsOf(CATALOGUES.fr[key]).map((name) => [name, 2]));
      for (const locale of ["fr-FR", "en-GB", "en-US"]) {
        const text = (t as (l: string, k: MessageKey, p?: Record<string, number>) => string)(locale, key, values);
        expect(text.trim().length, `${key} in ${locale}`).toBeGreaterThan(0);
      }
    }
  });

  it("a missing parameter is an error, not a silent blank", () => {
    expect(() => (t as (l: string, k: MessageKey, p?: object) => string)("fr-FR", "bot.failedJob", { kind: "x" })).toThrow();
  });

  it("plurals and numbers follow the locale: French 1 entrée / 2 entrées, grouped digits in each locale", () => {
    expect(t("fr-FR", "bot.evidenceComment", { customer: "K1", entries: 1, intact: "yes" })).toContain("1 entrée d’historique, scellés intacts");
    expect(t("fr-FR", "bot.evidenceComment", { customer: "K1", entries: 2, intact: "no" })).toContain("2 entrées d’historique, SCELLÉS ROMPUS");
    expect(t("fr-FR", "slack.noteTooLong", { length: 2001, max: 2000 })).toMatch(/^Trop long : 2\u202f001 caractères, 2\u202f000 au plus\.$/);
    expect(t("en-GB", "slack.noteTooLong", { length: 2001, max: 2000 })).toBe("Too long: 2,001 characters, at most 2,000.");
  });

  it("any locale that is not French speaks English; French ones (fr-BE, fr-CA) speak French", () => {
    expect(t("de-DE", "chart.thisWeek")).toBe("this week");
    expect(t("en-US", "chart.thisWeek")).toBe("this week");
    expect(t("fr-BE", "chart.thisWeek")).toBe("cette semaine");
    expect(t("fr-CA", "chart.thisWeek")).toBe("cette semaine");
  });
});
