import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const dir = mkdtempSync(path.join(tmpdir(), "ccbot-test-"));

/** Writes a file into a temporary folder and returns its path. */
export function writeTemp(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** Joins lines with CRLF, as spreadsheets export them. */
export function csv(...lines: string[]): string {
  return lines.join("\r\n") + "\r\n";
}
