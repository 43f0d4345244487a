import { existsSync } from "node:fs";
import path from "node:path";
import { readEnv } from "../../config/env.js";
import { loadPolicy } from "../../config/policyFile.js";
import { AppError } from "../../errors.js";
import { DEFAULT_LOCALE, formatNumber, phrase, t } from "../../i18n/index.js";
import { IMPORTERS, ImportRejectedError, runImport, type ImportKind, type ImportProgress, type ImportSummary } from "../../import/index.js";
import { ENCODING_OPTIONS, type EncodingOption } from "../../import/scan.js";
import { visibleCell, visibleLines } from "../../domain/text.js";
import { print, printJson, table, type CommandContext } from "../io.js";
import { randomBytes } from "node:crypto";
import type { Database } from "../../db/database.js";
import { loadLocale, loadSettings } from "../../db/settings.js";
import {
  announcementJobs,
  errorsText,
  importedOutcome,
  rejectedOutcome,
  summaryText,
  type AnnouncePlatform,
  type FileOutcome,
} from "../../import/inbox.js";
import { enqueue } from "../../jobs/queue.js";

export const IMPORT_HELP = phrase("cli.import.help");

export async function importCommand(context: CommandContext, args: string[], options: { encoding?: string }): Promise<number> {
  const [kind, file, ...extra] = args;
  if (!kind || !(kind in IMPORTERS) || !file || extra.length > 0) {
    throw new AppError("input.usage", IMPORT_HELP);
  }
  const encoding = (options.encoding ?? "auto") as EncodingOption;
  if (!ENCODING_OPTIONS.includes(encoding)) {
    throw new AppError("input.usage", phrase("cli.import.badEncoding", { choices: ENCODING_OPTIONS.join(", "), encoding: String(options.encoding) }));
  }
  if (!existsSync(file)) throw new AppError("input.file", phrase("cli.import.noFile", { file }));
  const { io } = context;
  // The steps file names levels of the company's own calendars.
  const policy = kind === "steps" ? loadPolicy(readEnv(io.env).POLICY_FILE) : undefined;
  const db = await context.database();
  const locale = await db.withConnection(loadLocale);
  const showProgress = io.interactive && !context.json;
  let summary: ImportSummary;
  try {
    summary = await runImport(db, IMPORTERS[kind as ImportKind], file, {
      encoding,
      policy,
      progressEvery: 5_000,
      onProgress: showProgress ? (p) => io.stderr.write(`\r${progressLine(p, locale)}\u001b[K`) : undefined,
    });
  } catch (error) {
    if (showProgress) io.stderr.write("\r\u001b[K");
    if (error instanceof ImportRejectedError || (error instanceof AppError && error.code.startsWith("input."))) {
      await announce(db, io.env, (locale) => rejectedOutcome(path.basename(file), kind as ImportKind, error, locale));
    }
    if (error instanceof ImportRejectedError) {
      if (context.json || !io.interactive) {
        printJson(io, {
          status: "rejected",
          file: error.file,
          lines: error.lines,
          rejected: error.rejectedCount,
          rejections: error.rejections,
        });
      }
      print(io.stderr, visibleLines(error.message));
      for (const r of error.rejections.slice(0, context.json || !io.interactive ? 20 : error.rejections.length)) {
        print(io.stderr, `  ${visibleCell(error.file)}:${r.line}: ${visibleCell(r.reason)}`);
      }
      if (error.rejectedCount > error.rejections.length) {
        print(io.stderr, t(locale, "cli.import.more", { count: error.rejectedCount - error.rejections.length }));
      }
    }
    throw error;
  }
  if (showProgress) io.stderr.write("\r\u001b[K");
  const imported = summary;
  await announce(db, io.env, (locale) => importedOutcome(imported, kind as ImportKind, locale));
  if (context.json || !io.interactive) {
    printJson(io, { status: "imported", ...summary });
  } else {
    const n = (value: number) => formatNumber(value, locale);
    print(
      io.stdout,
      t(locale, "cli.import.imported", {
        file: summary.file,
        kind,
        encoding: summary.encoding,
        lines: summary.lines,
        seconds: formatNumber(summary.durationMs / 1000, locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
      }),
    );
    print(
      io.stdout,
      table(
        ["", t(locale, "cli.import.created"), t(locale, "cli.import.updated"), t(locale, "cli.import.unchanged")],
        Object.entries(summary.counts).map(([what, c]) => [what, n(c.created), n(c.updated), n(c.unchanged)]),
      ),
    );
    print(io.stdout, t(locale, "cli.import.rejectedNone"));
    for (const note of summary.notes) print(io.stdout, t(locale, "cli.import.note", { note: visibleCell(note) }));
  }
  return 0;
}

/** The chat platforms a running bot would post to: those configured in the same environment. */
export function configuredPlatforms(env: NodeJS.ProcessEnv): AnnouncePlatform[] {
  return [...(env.SLACK_BOT_TOKEN ? (["slack"] as const) : []), ...(env.TEAMS_APP_ID ? (["teams"] as const) : [])];
}

/**
 * When the bot is configured, the same summary as the import inbox's: jobs the running bot's worker posts (the
 * committee channel; a rejected file's wrong lines to the admins). Nothing when no chat platform is configured.
 */
async function announce(db: Database, env: NodeJS.ProcessEnv, outcomeFor: (locale: string) => FileOutcome): Promise<void> {
  const platforms = configuredPlatforms(env);
  if (platforms.length === 0) return;
  const settings = await db.withConnection(loadSettings);
  const outcome = outcomeFor(settings.locale);
  const origin = "ccbot import"; // i18n-exempt: the command's name, the same in every language
  const key = `cli:${new Date().toISOString()}-${randomBytes(4).toString("hex")}`;
  await db.transaction((sql) =>
    enqueue(sql, announcementJobs(key, platforms, summaryText(origin, [outcome]), errorsText(origin, [outcome]))),
  );
}

export function progressLine(p: ImportProgress, locale: string = DEFAULT_LOCALE): string {
  const rate = p.elapsedMs > 0 ? (p.lines * 1000) / p.elapsedMs : 0;
  const share = p.totalBytes > 0 ? p.bytesRead / p.totalBytes : 0;
  const left = share > 0.01 ? ((p.elapsedMs / share) * (1 - share)) / 1000 : NaN;
  return t(locale, "cli.import.progress", {
    lines: p.lines,
    rate: formatNumber(Math.round(rate), locale),
    percent: Math.round(share * 100),
    left: Number.isFinite(left) ? t(locale, "cli.import.left", { seconds: Math.ceil(left) }) : "",
  });
}
