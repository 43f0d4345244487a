// Mail servers, read once from the environment with errors that name the variable (README, "E-mail"). The
// passwords are kept in the returned object and never logged (src/log.ts redacts "*.password" as well).
// The sender's identity (from, reply-to), the sending window and the rate limit are company settings in the
// database (src/mail/settings.ts, `ccbot mail settings`).
import { readFileSync } from "node:fs";
import { z } from "zod";
import { cronExpression } from "../config/cron.js";
import { AppError } from "../errors.js";

export const TLS_MODES = ["starttls", "implicit", "none"] as const;
export type TlsMode = (typeof TLS_MODES)[number];

export interface MailServer {
  host: string;
  port: number;
  /** implicit: TLS from the first byte (465, 993); starttls: upgrade required (587, 143); none: loopback only. */
  tls: TlsMode;
  user: string | null;
  password: string | null;
  /** Extra certificate authority (PEM) to trust: a company relay with its own CA, or the tests' self-signed one. */
  ca: string | null;
}

export interface ImapConfig extends MailServer {
  mailbox: string;
  pollSeconds: number;
}

export interface MailConfig {
  smtp: MailServer;
  imap: ImapConfig | null;
  /** When the day's automatic reminders are queued (cron, company time zone; working days only). */
  cron: string;
}

const port = z.coerce.number().int().min(1, "must be a port number (1-65535)").max(65535, "must be a port number (1-65535)");
const tls = z.enum(TLS_MODES, { message: `must be one of ${TLS_MODES.join(", ")}` });

const schema = z.object({
  SMTP_URL: z.string().optional(),
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: port.optional(),
  SMTP_TLS: tls.optional(),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  SMTP_CA_FILE: z.string().min(1).optional(),
  IMAP_URL: z.string().optional(),
  IMAP_HOST: z.string().min(1).optional(),
  IMAP_PORT: port.optional(),
  IMAP_TLS: tls.optional(),
  IMAP_USER: z.string().min(1).optional(),
  IMAP_PASSWORD: z.string().min(1).optional(),
  IMAP_CA_FILE: z.string().min(1).optional(),
  IMAP_MAILBOX: z.string().min(1).default("INBOX"),
  MAIL_CRON: cronExpression("0 9 * * 1-5", "0 9 * * 1-5 for working days at 09:00"),
  IMAP_POLL_SECONDS: z.coerce.number().int().min(30, "must be at least 30 (seconds)").max(86_400, "must be at most 86400 (a day)").default(300),
});

type Raw = z.infer<typeof schema>;

function fail(problems: string[]): never {
  throw new AppError("config.invalid", `E-mail is not configured correctly:\n  ${problems.join("\n  ")}`);
}

/** smtp://user:pass@host:587, smtps://host:465 (implicit TLS), ?tls=none for a loopback sink. */
function fromUrl(name: string, value: string, schemes: Record<string, TlsMode>, defaults: Record<TlsMode, number>): MailServer {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail([`${name}: is not a URL (e.g. ${Object.keys(schemes)[0]}://user:password@mail.example.com:${Object.values(defaults)[0]})`]);
  }
  const scheme = url.protocol.replace(/:$/, "");
  const implied = schemes[scheme];
  if (!implied) return fail([`${name}: the scheme must be ${Object.keys(schemes).join(" or ")} (got ${scheme})`]);
  const override = url.searchParams.get("tls");
  if (override !== null && !(TLS_MODES as readonly string[]).includes(override))
    return fail([`${name}: tls= must be one of ${TLS_MODES.join(", ")} (got ${override})`]);
  const mode = (override as TlsMode | null) ?? implied;
  if (!url.hostname) return fail([`${name}: names no host`]);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : defaults[mode],
    tls: mode,
    user: url.username ? decodeURIComponent(url.username) : null,
    password: url.password ? decodeURIComponent(url.password) : null,
    ca: null,
  };
}

function readCa(name: string, file: string | undefined): string | null {
  if (!file) return null;
  try {
    return readFileSync(file, "utf8");
  } catch {
    return fail([`${name}: cannot read the file ${file}`]);
  }
}

function server(
  raw: Raw,
  prefix: "SMTP" | "IMAP",
  schemes: Record<string, TlsMode>,
  defaults: Record<TlsMode, number>,
): MailServer | null {
  const url = raw[`${prefix}_URL`];
  const host = raw[`${prefix}_HOST`];
  if (!url && !host) return null;
  if (url && host) fail([`${prefix}_URL and ${prefix}_HOST: set one of them, not both`]);
  let s: MailServer;
  if (url) s = fromUrl(`${prefix}_URL`, url, schemes, defaults);
  else {
    const p = raw[`${prefix}_PORT`];
    const mode = raw[`${prefix}_TLS`] ?? (p === defaults.implicit ? "implicit" : "starttls");
    s = { host: host as string, port: p ?? defaults[mode], tls: mode, user: raw[`${prefix}_USER`] ?? null, password: raw[`${prefix}_PASSWORD`] ?? null, ca: null };
  }
  if (s.user && !s.password) fail([`${prefix}_PASSWORD: is required with ${prefix}_USER (or give both in ${prefix}_URL)`]);
  if (s.tls === "none" && !["127.0.0.1", "localhost", "::1"].includes(s.host))
    fail([`${prefix}_TLS: "none" is only allowed on the loopback (127.0.0.1); ${s.host} needs starttls or implicit`]);
  return { ...s, ca: readCa(`${prefix}_CA_FILE`, raw[`${prefix}_CA_FILE`]) };
}

/** Null when no SMTP server is configured (nothing is sent; e-mail tasks stay manual). */
export function readMailConfig(env: NodeJS.ProcessEnv = process.env): MailConfig | null {
  const parsed = schema.safeParse(env);
  if (!parsed.success) fail(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  const raw = parsed.data;
  const smtp = server(raw, "SMTP", { smtp: "starttls", smtps: "implicit" }, { starttls: 587, implicit: 465, none: 25 });
  const imapServer = server(raw, "IMAP", { imap: "starttls", imaps: "implicit" }, { starttls: 143, implicit: 993, none: 143 });
  if (!smtp) {
    if (imapServer) fail(["SMTP_URL or SMTP_HOST: IMAP is configured but no SMTP server to send the reminders it reads replies to"]);
    return null;
  }
  if (imapServer && !imapServer.user) fail(["IMAP_USER: the reply-to mailbox needs a user and a password"]);
  return { smtp, imap: imapServer ? { ...imapServer, mailbox: raw.IMAP_MAILBOX, pollSeconds: raw.IMAP_POLL_SECONDS } : null, cron: raw.MAIL_CRON };
}
