// `ccbot`: the command line of credit-committee-bot. Every command works on the database of DATABASE_URL
// (unset: the embedded database in ./data/pglite), migrating it first if needed.
import { parseArgs } from "node:util";
import type { Database } from "../db/database.js";
import { AppError, exitCodeFor } from "../errors.js";
import { visibleLines } from "../domain/text.js";
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

export const HELP = `ccbot: the credit committee's command line

Usage: ccbot COMMAND [ARGS] [--json] [--help]

Commands:
  migrate                                   create or update the database tables
  import customers|invoices|payments|fec|steps F  import a file, all or nothing (see docs/import-formats.md)
  settings show | set KEY=VALUE ...         company name, currency, time zone, locale, payment terms
  people add ... | list                     who sits on the committee, their roles and chat identities
  history export CUSTOMER                   a customer's reminder history as JSON, CSV or the evidence PDF
  history verify [--anchor DIGEST|FILE]     check the history's seals and anchors (exit 1 if altered)
  history anchor                            record and print the digest of every chain's head
  report aging|dso|kpis|priorities|tasks|blocked  the committee's figures; blocked accounts for an ERP (--format table|csv|json)
  digest [--as-of D] [--format table|json]  the committee's digest now (a preview): totals, agenda by stakes, follow-up
  report penalties                          late-payment penalties per invoice paid late or still open
  letter penalties CUSTOMER                 the invoice of a customer's late-payment penalties (--as-of, --output)
  plan add|list|follow                      payment plans: agree one (--customer, --instalments), follow its instalments
  jobs list | retry ID|--all-failed         the effects queue: letters, message updates, DMs (pending, failed)
  jobs run [--once]                         run the effects that need no chat platform (webhooks, letters, e-mails)
  webhooks add URL | list | remove | test   tell another system (ERP, orders) of each decision, signed
  mail settings | list | inbox | poll | contact  reminder e-mails: sender settings, messages sent, the reply-to mailbox, a corrected contact

Database: DATABASE_URL (unset = embedded database in ./data/pglite; postgresql://... = a server).
Exit codes: 0 done, 1 input rejected (nothing written), 2 wrong usage, 3 failure (database, configuration).
Run "ccbot COMMAND --help" for a command's options.`;

const MIGRATE_HELP = "Usage: ccbot migrate\n\nApplies the pending database migrations (safe to run from several processes at once).";

/** A command's --help, from its module (loaded for it alone). */
const COMMAND_HELP: Record<string, () => Promise<string>> = {
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

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let db: Database | undefined;
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
      print(values.help ? io.stdout : io.stderr, HELP);
      return values.help ? 0 : 2;
    }
    if (values.help) {
      const help = COMMAND_HELP[command];
      if (!help) throw new AppError("input.usage", `Unknown command "${command}".\n\n${HELP}`);
      print(io.stdout, await help());
      return 0;
    }
    const env = (await load.env()).readEnv(io.env);
    const context: CommandContext = {
      io,
      json: values.json ?? false,
      async database() {
        if (!db) {
          db = await (await load.database()).openDatabase(env.DATABASE_URL);
          await (
            await load.migrate()
          ).migrate(db, { onApplied: (name) => io.interactive && print(io.stderr, `Applied migration ${name}`) });
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
        throw new AppError("input.usage", `Unknown command "${command}".\n\n${HELP}`);
    }
  } catch (error) {
    return reportError(io, error);
  } finally {
    await db?.close();
  }
}

async function migrateCommand(context: CommandContext, args: string[]): Promise<number> {
  if (args.length > 0) throw new AppError("input.usage", MIGRATE_HELP);
  const env = (await load.env()).readEnv(context.io.env);
  const db = await (await load.database()).openDatabase(env.DATABASE_URL);
  try {
    const report = await (
      await load.migrate()
    ).migrate(db, { onApplied: (name) => context.io.interactive && print(context.io.stderr, `Applied ${name}`) });
    if (context.json || !context.io.interactive) printJson(context.io, { database: db.kind, location: db.location, ...report });
    else
      print(
        context.io.stdout,
        report.applied.length === 0
          ? `Database up to date (${db.kind}, ${db.location}): ${report.alreadyApplied} migrations already applied.`
          : `Applied ${report.applied.length} migration(s) to ${db.kind} (${db.location}).`,
      );
    return 0;
  } finally {
    await db.close();
  }
}

function reportError(io: CliIO, error: unknown): number {
  if (error instanceof AppError) {
    // Rejected imports have already listed their lines.
    // Messages may quote a file or the database (a customer's name): control characters are made visible.
    if (error.code !== "import.rejected") print(io.stderr, visibleLines(error.message));
    return exitCodeFor(error);
  }
  if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
    print(io.stderr, `${error.message}\n\nRun "ccbot --help" for usage.`);
    return 2;
  }
  print(io.stderr, `Unexpected error: ${(error as Error)?.stack ?? String(error)}`);
  if (!io.interactive) printJson(io, { status: "failed", error: String((error as Error)?.message ?? error) });
  return exitCodeFor(error);
}
