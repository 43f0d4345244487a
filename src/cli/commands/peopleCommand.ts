import { parseRole, ROLE_HELP, type Role } from "../../domain/parties.js";
import { loadLocale } from "../../db/settings.js";
import { AppError } from "../../errors.js";
import { phrase, t } from "../../i18n/index.js";
import { print, printJson, table, type CommandContext } from "../io.js";

export const PEOPLE_HELP = phrase("cli.people.help", { roles: ROLE_HELP });

export interface PeopleOptions {
  name?: string;
  email?: string;
  roles?: string;
  slack?: string[];
  teams?: string[];
}

export async function peopleCommand(context: CommandContext, args: string[], options: PeopleOptions): Promise<number> {
  const [action, ...extra] = args;
  if (extra.length > 0) throw new AppError("input.usage", PEOPLE_HELP);
  if (action === "add") return add(context, options);
  if (action === "list") return list(context);
  throw new AppError("input.usage", PEOPLE_HELP);
}

function identity(platform: "SLACK" | "TEAMS", text: string): { platform: "SLACK" | "TEAMS"; externalId: string; workspace: string } {
  const [externalId = "", workspace = ""] = text.split("@");
  if (!externalId.trim()) throw new AppError("input.invalid", phrase("cli.people.needsUserId", { platform: platform.toLowerCase() }));
  return { platform, externalId: externalId.trim(), workspace: workspace.trim() };
}

async function add(context: CommandContext, options: PeopleOptions): Promise<number> {
  const db = await context.database();
  const locale = await db.withConnection(loadLocale);
  const problems: string[] = [];
  const name = options.name?.trim();
  if (!name) problems.push(t(locale, "cli.people.nameRequired"));
  const roles: Role[] = [];
  for (const word of (options.roles ?? "").split(",").filter((w) => w.trim())) {
    const role = parseRole(word);
    if (role === null) problems.push(t(locale, "cli.people.notARole", { word, roles: ROLE_HELP }));
    else if (!roles.includes(role)) roles.push(role);
  }
  const badRole = problems.length > (name ? 0 : 1);
  if (roles.length === 0 && !badRole) problems.push(t(locale, "cli.people.rolesRequired", { roles: ROLE_HELP }));
  const email = options.email?.trim().toLowerCase() || null;
  if (email !== null && !/^[^@\s]+@[^@\s]+$/.test(email)) problems.push(t(locale, "cli.people.badEmail", { email: options.email ?? "" }));
  if (problems.length > 0) throw new AppError("input.invalid", phrase("cli.people.notAdded", { problems: problems.join("\n  ") }));
  const identities = [...(options.slack ?? []).map((s) => identity("SLACK", s)), ...(options.teams ?? []).map((x) => identity("TEAMS", x))];
  if (email !== null) {
    const existing = await db.prisma.person.findUnique({ where: { email } });
    if (existing) throw new AppError("input.invalid", phrase("cli.people.emailTaken", { email, name: existing.name, id: existing.id }));
  }
  for (const id of identities) {
    const taken = await db.prisma.chatIdentity.findUnique({
      where: { platform_workspace_externalId: { platform: id.platform, workspace: id.workspace, externalId: id.externalId } },
      include: { person: true },
    });
    if (taken)
      throw new AppError(
        "input.invalid",
        phrase("cli.people.identityTaken", { platform: id.platform === "SLACK" ? "Slack" : "Teams", externalId: id.externalId, name: taken.person.name }),
      );
  }
  const person = await db.prisma.person.create({
    data: { name: name as string, email, roles, identities: { create: identities } },
  });
  if (context.json || !context.io.interactive) printJson(context.io, { id: person.id, name: person.name, email, roles, identities });
  else print(context.io.stdout, t(locale, "cli.people.added", { name: person.name, id: person.id, roles: roles.map((r) => t(locale, `role.${r}`)).join(", ") }));
  return 0;
}

async function list(context: CommandContext): Promise<number> {
  const db = await context.database();
  const locale = await db.withConnection(loadLocale);
  const people = await db.prisma.person.findMany({ include: { identities: true }, orderBy: { id: "asc" } });
  const rows = people.map((p) => ({
    id: p.id,
    name: p.name,
    email: p.email,
    roles: p.roles,
    active: p.active,
    identities: p.identities.map((i) => ({ platform: i.platform, externalId: i.externalId, workspace: i.workspace })),
  }));
  if (context.json || !context.io.interactive) printJson(context.io, rows);
  else
    print(
      context.io.stdout,
      table(
        ["#", t(locale, "cli.people.col.name"), t(locale, "cli.people.col.email"), t(locale, "cli.people.col.roles"), t(locale, "cli.people.col.chat")],
        rows.map((p) => [
          String(p.id),
          p.name,
          p.email ?? "",
          p.roles.map((r) => t(locale, `role.${r}`)).join(", "),
          p.identities.map((i) => `${i.platform.toLowerCase()}:${i.externalId}`).join(" "),
        ]),
      ),
    );
  return 0;
}
