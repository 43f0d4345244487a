// `ccbot`: the command line of credit-committee-bot. Every command works on the database of DATABASE_URL
// (unset: the embedded database in ./data/pglite), migrating it first if needed.
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Database } from "../db/database.js";
import { loadLocale } from "../db/settings.js";
import { AppError, errorText, EXIT, exitCodeFor } from "../errors.js";
import { visibleLines } from "../domain/text.js";
import { DEFAULT_LOCALE, phrase, say, t, type Phrase } from "../i18n/index.js";
import { print, printJson, type CliIO, type CommandContext } from "./io.js";

// The commands, the database and the configuration are loaded when a command needs them, not at start:
// `ccbot --help` must not wait for the database drivers, Prisma, the PDF library (npm run bench, cold start).
const load = {
  env: () => import("../config/env.js"),
  database: () => import("../db/database.js"),
  migrate: () => import("../db/migrate.js"),
  history: () => import("./commands/historyCommand.js"),
  import: () => import("./commands/importCommand.js"),
  jobs: () => import("./commands/jobsCommand.js"),
  letter: () => import("./commands/letterCommand.js"),
  people: () => import("./commands/peopleCommand.js"),
  report: () => import("./commands/reportCommand.js"),
  settings: () => import("./commands/settingsCommand.js"),
  webhooks: () => import("./commands/webhooksCommand.js"),
  mail: () => import("./commands/mailCommand.js"),
  digest: () => import("./commands/digestCommand.js"),
  plan: () => import("./commands/planCommand.js"),
};

/** ccbot's general help, in the language of `locale`. */
export const helpText = (locale: string) => t(locale, "cli.help");

const MIGRATE_HELP = phrase("cli.migrateHelp");

/** A command's --help, from its module (loaded for it alone): a catalogue phrase, or text not migrated yet. */
const COMMAND_HELP: Record<string, () => Promise<Phrase | string>> = {
  migrate: async () => MIGRATE_HELP,
  import: async () => (await load.import()).IMPORT_HELP,
  settings: async () => (await load.settings()).SETTINGS_HELP,
  people: async () => (await load.people()).PEOPLE_HELP,
  history: async () => (await load.history()).HISTORY_HELP,
  report: async () => (await load.report()).REPORT_HELP,
  jobs: async () => (await load.jobs()).JOBS_HELP,
  letter: async () => (await load.letter()).LETTER_HELP,
  webhooks: async () => (await load.webhooks()).WEBHOOKS_HELP,
  mail: async () => (await load.mail()).MAIL_HELP,
  digest: async () => (await load.digest()).DIGEST_HELP,
  plan: async () => (await load.plan()).PLAN_HELP,
};

const said = (locale: string, text: Phrase | string) => (typeof text === "string" ? text : say(locale, text));

/**
 * The company's locale for what ccbot says before or without a command's database work (help, usage and
 * other errors): read from the database of DATABASE_URL when one is there (without creating or migrating
 * it), fr-FR otherwise (no database yet, no settings table yet, a database that does not open).
 */
async function companyLocale(io: CliIO, opened: Database | undefined): Promise<string> {
  try {
    if (opened) return await opened.withConnection(loadLocale);
    if (io.database) return await io.database.withConnection(loadLocale);
    const { parseDatabaseUrl, openDatabase } = await load.database();
    const target = parseDatabaseUrl(io.env.DATABASE_URL);
    if (target.kind === "pglite" && (target.dataDir === null || !existsSync(target.dataDir))) return DEFAULT_LOCALE;
    const db = await openDatabase(io.env.DATABASE_URL);
    try {
      return await db.withConnection(loadLocale);
    } finally {
      await db.close();
    }
  } catch {
    return DEFAULT_LOCALE;
  }
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let db: Database | undefined;
  /** Opened here, so closed here; a database given in `io` stays open. */
  let opened = false;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: "boolean", short: "h" },
        json: { type: "boolean" },
        encoding: { type: "string" },
        name: { type: "string" },
        email: { type: "string" },
        roles: { type: "string" },
        slack: { type: "string", multiple: true },
        teams: { type: "string", multiple: true },
        format: { type: "string" },
        output: { type: "string", short: "o" },
        "as-of": { type: "string" },
        customer: { type: "string" },
        collector: { type: "string" },
        state: { type: "string" },
        "all-failed": { type: "boolean" },
        once: { type: "boolean" },
        anchor: { type: "string" },
        events: { type: "string" },
        eml: { type: "string" },
        instalments: { type: "string" },
        "from-promise": { type: "string" },
        note: { type: "string" },
        "confirm-above-open": { type: "boolean" },
      },
    });
    const [command, ...args] = positionals;
    if (!command) {
      print(values.help ? io.stdout : io.stderr, helpText(await companyLocale(io, db)));
      return values.help ? 0 : 2;
    }
    if (values.help) {
      const help = COMMAND_HELP[command];
      if (!help) return unknownCommand(io, command, await companyLocale(io, db));
      print(io.stdout, said(await companyLocale(io, db), await help()));
      return 0;
    }
    const env = (await load.env()).readEnv(io.env);
    const context: CommandContext = {
      io,
      json: values.json ?? false,
      async database() {
        if (!db) {
          db = io.database;
          if (!db) {
            db = await (await load.database()).openDatabase(env.DATABASE_URL);
            opened = true;
          }
          await (
            await load.migrate()
          ).migrate(db, { onApplied: (name) => io.interactive && print(io.stderr, t(DEFAULT_LOCALE, "cli.appliedMigration", { name })) });
        }
        return db;
      },
    };
    switch (command) {
      case "migrate":
        return await migrateCommand(context, args);
      case "import":
        return await (await load.import()).importCommand(context, args, values);
      case "settings":
        return await (await load.settings()).settingsCommand(context, args);
      case "people":
        return await (await load.people()).peopleCommand(context, args, values);
      case "history":
        return await (await load.history()).historyCommand(context, args, values);
      case "report":
        return await (await load.report()).reportCommand(context, args, { ...values, asOf: values["as-of"] });
      case "digest":
        return await (await load.digest()).digestCommand(context, args, { asOf: values["as-of"], format: values.format });
      case "letter":
        return await (await load.letter()).letterCommand(context, args, { asOf: values["as-of"], output: values.output });
      case "jobs":
        return await (await load.jobs()).jobsCommand(context, args, values);
      case "webhooks":
        return await (await load.webhooks()).webhooksCommand(context, args, values);
      case "mail":
        return await (await load.mail()).mailCommand(context, args, values);
      case "plan":
        return await (await load.plan()).planCommand(context, args, values);
      default:
        return unknownCommand(io, command, await companyLocale(io, db));
    }
  } catch (error) {
    return reportError(io, error, await companyLocale(io, db));
  } finally {
    if (opened) await db?.close();
  }
}

async function migrateCommand(context: CommandContext, args: string[]): Promise<number> {
  if (args.length > 0) throw new AppError("input.usage", MIGRATE_HELP);
  const env = (await load.env()).readEnv(context.io.env);
  const given = context.io.database;
  const db = given ?? (await (await load.database()).openDatabase(env.DATABASE_URL));
  try {
    const report = await (
      await load.migrate()
    ).migrate(db, { onApplied: (name) => context.io.interactive && print(context.io.stderr, t(DEFAULT_LOCALE, "cli.appliedMigration", { name })) });
    if (context.json || !context.io.interactive) printJson(context.io, { database: db.kind, location: db.location, ...report });
    else {
      const locale = await db.withConnection(loadLocale);
      const where = { kind: db.kind, location: db.location };
      print(
        context.io.stdout,
        report.applied.length === 0
          ? t(locale, "cli.migrateUpToDate", { ...where, count: report.alreadyApplied })
          : t(locale, "cli.migrateApplied", { ...where, count: report.applied.length }),
      );
    }
    return 0;
  } finally {
    if (!given) await db.close();
  }
}

function unknownCommand(io: CliIO, command: string, locale: string): number {
  print(io.stderr, `${t(locale, "cli.unknownCommand", { command: visibleLines(command) })}\n\n${helpText(locale)}`);
  return EXIT.usage;
}

/** What went wrong, on stderr, in the company's language when the error comes from the catalogue. */
function reportError(io: CliIO, error: unknown, locale: string): number {
  if (error instanceof AppError) {
    // Rejected imports have already listed their lines.
    // Messages may quote a file or the database (a customer's name): control characters are made visible.
    if (error.code !== "import.rejected") print(io.stderr, visibleLines(errorText(error, locale)));
    return exitCodeFor(error);
  }
  if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
    // Node's own message (English, naming the option), then where to look.
    print(io.stderr, t(locale, "cli.parseArgs", { detail: error.message }));
    return EXIT.usage;
  }
  // An internal error: its stack is for whoever reports the bug (not translated).
  print(io.stderr, t(locale, "cli.unexpected", { detail: (error as Error)?.stack ?? String(error) }));
  if (!io.interactive) printJson(io, { status: "failed", error: String((error as Error)?.message ?? error) });
  return exitCodeFor(error);
}
