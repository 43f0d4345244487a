// Finds user-facing text written in the code instead of the catalogues: string and template literals that read
// as words ("two words", or accented letters), wherever they are not a log message, an import, a type, a
// property name, a catalogue key, an internal Error's message or an SQL query. A line may be exempted with a comment
// `i18n-exempt: <why>` on it or just above it; the test lists every exemption so none goes unseen.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

export interface Finding {
  file: string;
  line: number;
  text: string;
}

const LOG_METHODS = new Set(["trace", "debug", "info", "warn", "error", "fatal"]);
const CATALOGUE_CALLS = new Set(["t", "tr", "phrase", "say"]);

/** Text that reads as words a person is told: two words in a row, or a letter outside ASCII. */
export function readsAsWords(text: string): boolean {
  return /\p{L}{2,}[ \u00a0]+\p{L}{2,}/u.test(text) || /[À-ÿ]/u.test(text);
}

function calleeName(call: ts.CallExpression | ts.NewExpression): string {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return "";
}

/** True when `node` sits where its text is not shown to a person. */
function exempted(node: ts.Node): boolean {
  for (let at: ts.Node = node, parent = node.parent; parent; at = parent, parent = parent.parent) {
    if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent) || ts.isLiteralTypeNode(parent)) return true;
    if (ts.isPropertyAssignment(parent) && parent.name === at) return true;
    if (ts.isCallExpression(parent)) {
      const name = calleeName(parent);
      if (ts.isPropertyAccessExpression(parent.expression) && LOG_METHODS.has(name)) return true;
      if (CATALOGUE_CALLS.has(name) && parent.arguments[1] !== at && parent.arguments[0] === at) return true;
      if (parent.expression.kind === ts.SyntaxKind.ImportKeyword) return true;
    }
    if (ts.isNewExpression(parent) && /Error$/.test(calleeName(parent)) && calleeName(parent) !== "AppError") return true;
  }
  return false;
}

/** A query for the database (SQL starts with its verb), not a sentence for a person. */
export function isSql(text: string): boolean {
  return /^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\s/.test(text);
}

function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(" {} ");
  return null;
}

export function scanFile(file: string): { findings: Finding[]; exemptions: Finding[] } {
  const source = readFileSync(file, "utf8");
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const lines = source.split("\n");
  const findings: Finding[] = [];
  const exemptions: Finding[] = [];
  const visit = (node: ts.Node) => {
    const text = literalText(node);
    if (text !== null) {
      if (readsAsWords(text) && !isSql(text) && !exempted(node)) {
        const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
        const finding = { file, line: line + 1, text: text.slice(0, 80) };
        const comment = /i18n-exempt: \S/;
        if (comment.test(lines[line] ?? "") || comment.test(lines[line - 1] ?? "")) exemptions.push(finding);
        else findings.push(finding);
      }
      if (!ts.isTemplateExpression(node)) return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { findings, exemptions };
}

/** Every .ts file under `dir`, relative to the working directory, sorted. */
export function sourceFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.join(dir, f))
    .sort();
}
