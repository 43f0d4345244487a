// Every test file runs with its logs captured (vitest setupFiles): every logger the code creates writes at
// debug level to a file of this test file's own, and after the file's tests that file is searched for
// secrets and personal data. A token, a signing secret, an e-mail address or a fixture's customer or person
// name in a log line fails the test file, whatever test wrote it.
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect } from "vitest";

const dir = mkdtempSync(path.join(tmpdir(), "ccbot-logs-"));
const file = path.join(dir, "log.ndjson");
process.env.CCBOT_LOG_CAPTURE = file;

/** What must never be in a log line. */
export const FORBIDDEN_IN_LOGS: Array<[string, RegExp]> = [
  ["a bearer token", /Bearer\s+(?!\[redacted\])[\w.~+/=-]{8,}/i],
  ["a Slack token", /\bxox[abeprs]-[\w-]+/],
  ["a Slack app token", /\bxapp-[\w-]+/],
  ["a JWT", /\beyJ[\w-]{4,}\.[\w-]{4,}/],
  ["the Slack signing secret", /test-signing-secret-1234/],
  ["the Teams app password", /not-used-in-tests/],
  ["an e-mail address", /[\w.+-]+@[\w-]+(\.[\w-]+)*\.(example|com|fr|org|net|test)\b/i],
  [
    "a customer's or a person's name",
    /Café du Port|Sophie Leroy|Nathalie Roche|Claire Dumont|Marc Petit|Karim Benali|Hôpital de Lyon|Démo Industries|Acme SAS|Léa Martin|Anne Martin|Mme Colin/,
  ],
];

afterAll(() => {
  const lines = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
  rmSync(dir, { recursive: true, force: true });
  const leaks: string[] = [];
  for (const line of lines) {
    for (const [what, pattern] of FORBIDDEN_IN_LOGS) {
      const found = pattern.exec(line);
      if (found) leaks.push(`${what} ("${found[0]}") in: ${line.slice(0, 300)}`);
    }
    if (line.length > 16_385) leaks.push(`a log line of ${line.length} characters`);
  }
  expect(leaks, "logs must carry no secret and no personal data").toEqual([]);
});
