import { parseRole, ROLE_HELP, type Role } from "../../domain/parties.js";
import { AppError } from "../../errors.js";
import { print, printJson, table, type CommandContext } from "../io.js";

export const PEOPLE_HELP = `Usage: ccbot people add --name NAME --roles ROLE[,ROLE] [--email EMAIL] [--slack USER_ID[@TEAM_ID]] [--teams AAD_OBJECT_ID[@TENANT_ID]]
       ccbot people list [--json]

Roles: ${ROLE_HELP}.
A person's chat identities let the bot recognise them in Slack or Teams and apply their roles.`;

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
  if (!externalId.trim()) throw new AppError("input.invalid", `--${platform.toLowerCase()} needs a user id, e.g. U0123ABCD`);
  return { platform, externalId: externalId.trim(), workspace: workspace.trim() };
}

async function add(context: CommandContext, options: PeopleOptions): Promise<number> {
  const problems: string[] = [];
  const name = options.name?.trim();
  if (!name) problems.push("--name is required");
  const roles: Role[] = [];
  for (const word of (options.roles ?? "").split(",").filter((w) => w.trim())) {
    const role = parseRole(word);
    if (role === null) problems.push(`"${word}" is not a role (use ${ROLE_HELP})`);
    else if (!roles.includes(role)) roles.push(role);
  }
  if (roles.length === 0 && !problems.some((p) => p.includes("role"))) problems.push(`--roles is required (${ROLE_HELP})`);
  const email = options.email?.trim().toLowerCase() || null;
  if (email !== null && !/^[^@\s]+@[^@\s]+$/.test(email)) problems.push(`${options.email} is not an e-mail address`);
  if (problems.length > 0) throw new AppError("input.invalid", `Person not added:\n  ${problems.join("\n  ")}`);
  const identities = [...(options.slack ?? []).map((s) => identity("SLACK", s)), ...(options.teams ?? []).map((t) => identity("TEAMS", t))];
  const db = await context.database();
  if (email !== null) {
    const existing = await db.prisma.person.findUnique({ where: { email } });
    if (existing) throw new AppError("input.invalid", `Person not added: ${email} is already ${existing.name} (person #${existing.id}).`);
  }
  for (const id of identities) {
    const taken = await db.prisma.chatIdentity.findUnique({
      where: { platform_workspace_externalId: { platform: id.platform, workspace: id.workspace, externalId: id.externalId } },
      include: { person: true },
    });
    if (taken)
      throw new AppError("input.invalid", `Person not added: ${id.platform} user ${id.externalId} is already ${taken.person.name}.`);
  }
  const person = await db.prisma.person.create({
    data: { name: name as string, email, roles, identities: { create: identities } },
  });
  if (context.json || !context.io.interactive) printJson(context.io, { id: person.id, name: person.name, email, roles, identities });
  else print(context.io.stdout, `Added ${person.name} (person #${person.id}): ${roles.join(", ").toLowerCase()}.`);
  return 0;
}

async function list(context: CommandContext): Promise<number> {
  const db = await context.database();
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
        ["#", "name", "e-mail", "roles", "chat"],
        rows.map((p) => [
          String(p.id),
          p.name,
          p.email ?? "",
          p.roles.join(",").toLowerCase(),
          p.identities.map((i) => `${i.platform.toLowerCase()}:${i.externalId}`).join(" "),
        ]),
      ),
    );
  return 0;
}
