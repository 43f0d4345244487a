// No user-facing text is built outside the catalogues in the migrated files. Every source file under
// src/bot, src/cli, src/documents, src/domain (the engine's reasons, refusals) and src/usecases (answers and
// history written for people) is either MIGRATED (no words in its literals but log messages,
// imports, keys and internal errors) or listed in NOT_MIGRATED with why; a migrated file that gains a
// sentence fails, and so does a listed file that has none left (move it to MIGRATED).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scanFile, sourceFiles } from "./scan.js";

const SCANNED = ["src/bot", "src/cli", "src/documents", "src/domain", "src/usecases"];

/** Files that still build texts outside the catalogues, and why. */
const NOT_MIGRATED: Record<string, string> = {
  "src/bot/limiter.ts": "LimiterFullError's message (caught, answered with bot.busy)",
  "src/bot/slack/receiver.ts": "HTTP refusals to Slack's servers, not to a person",
  "src/bot/slack/trust.ts": "SLACK_BOT_TOKEN errors at start-up, for the operator (stderr)",
  "src/bot/teams/http.ts": "HTTP refusals to the Bot Framework, not to a person",
  "src/bot/teams/jobs.ts": "job reasons quoted in the admins' failed-job notice, and a SQL query",
  "src/bot/teams/logging.ts": "log field values",
  "src/bot/teams/publisher.ts": "the missing-channel error for the operator",
  "src/domain/legal.ts": "legal references (article numbers and code names, quoted as the law writes them)",
  "src/domain/policy.ts": "policy file errors, for the operator at start-up",
  "src/domain/webhookEvents.ts": "the webhook schema's descriptions, for the ERP's developers (docs/webhooks), not a person's message",
};

/** Lines exempted in migrated files, each with its reason written beside it. */
const EXEMPTIONS = [
  "src/cli/commands/importCommand.ts: ccbot import",
  "src/cli/commands/reportCommand.ts: Usage: ccbot report",
  "src/cli/commands/reportCommand.ts: credit note",
  "src/documents/charts.ts: DejaVu Sans",
  "src/bot/teams/messenger.ts: Teams answered HTTP",
  // The history checks' coded findings (--json, the evidence file says them with domain.sealProblem.*).
  "src/domain/evidence.ts: not sealed",
  "src/domain/evidence.ts: chain broken",
  "src/domain/evidence.ts: content changed",
  "src/domain/historyAnchor.ts: tail cut",
  "src/domain/historyAnchor.ts: chain removed",
  "src/domain/historyAnchor.ts: head changed",
  "src/domain/historyAnchor.ts: entries removed",
  // Coded states in JSON output (docs/i18n.md: `paid late`), the same in every language.
  "src/domain/paymentPlan.ts: paid late",
  "src/domain/latePenalties.ts: paid on time",
  "src/domain/latePenalties.ts: still open",
  "src/domain/latePenalties.ts: paid late",
  // The test event's payload message, a machine text (the receiver's developers read it).
  "src/usecases/webhooks.ts: Test event from credit-committee-bot",
];

const files = SCANNED.flatMap(sourceFiles);
const migrated = files.filter((f) => !(f in NOT_MIGRATED));

describe("no user-facing text outside the catalogues", () => {
  it("the scan finds a sentence given to Slack, and ignores log messages, imports and catalogue keys", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "i18n-scan-"));
    const file = path.join(dir, "sample.ts");
    writeFileSync(
      file,
      [
        'import { t } from "../../i18n/index.js";',
        'logger.info({ id: 1 }, "vote recorded for an action");',
        'await respond({ text: t(locale, "bot.voteRecorded", { decision: "APPROVE", actionId: 1 }) });',
        'await respond({ text: `Your vote on #${id} is recorded.` });',
        'throw new AppError("input.invalid", "This button is out of date");',
        'const label = "Échéance";',
        'type Kind = "credit note" | "payment";',
        'await sql.query(`SELECT locale FROM company_settings WHERE id = 1`);',
      ].join("\n"),
    );
    const { findings } = scanFile(file);
    expect(findings.map((f) => f.line)).toEqual([4, 5, 6]);
  });

  it("every scanned file is either migrated or listed with the reason it is not", () => {
    for (const listed of Object.keys(NOT_MIGRATED)) expect(files, listed).toContain(listed);
    expect(migrated.length).toBeGreaterThan(40);
  });

  it.each(migrated)("%s builds no text outside the catalogues", (file) => {
    expect(scanFile(file).findings).toEqual([]);
  });

  it.each(Object.keys(NOT_MIGRATED))("%s, listed as not migrated, still has texts of its own (else move it to the migrated files)", (file) => {
    expect(scanFile(file).findings.length).toBeGreaterThan(0);
  });

  it("the exemptions in migrated files are these and no others", () => {
    const found = migrated.flatMap((f) => scanFile(f).exemptions.map((e) => `${e.file}: ${e.text}`));
    expect(found.map((e) => EXEMPTIONS.find((x) => e.startsWith(x)) ?? e).sort()).toEqual([...EXEMPTIONS].sort());
  });
});
