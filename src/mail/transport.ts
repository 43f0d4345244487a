// The SMTP connection (nodemailer): implicit TLS or STARTTLS required, AUTH when a user is set. One transport
// per worker, pooled. What an SMTP failure means for the queue is decided here (smtpOutcome).
import { isIP } from "node:net";
import nodemailer, { type Transporter } from "nodemailer";
import type { MailServer } from "./config.js";

export type SmtpTransport = Transporter;

export function createSmtpTransport(server: MailServer, options: { timeoutMs?: number } = {}): SmtpTransport {
  const timeout = options.timeoutMs ?? 60_000;
  return nodemailer.createTransport({
    host: server.host,
    port: server.port,
    secure: server.tls === "implicit",
    requireTLS: server.tls === "starttls",
    ignoreTLS: server.tls === "none",
    auth: server.user ? { user: server.user, pass: server.password ?? "" } : undefined,
    tls: { minVersion: "TLSv1.2", ...(server.ca ? { ca: [server.ca] } : {}), ...(isIP(server.host) ? {} : { servername: server.host }) },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    logger: false,
    debug: false,
  });
}

interface SmtpErrorShape {
  code?: string;
  command?: string;
  responseCode?: number;
  response?: string;
  rejected?: string[];
  rejectedErrors?: Array<{ recipient?: string; responseCode?: number; response?: string }>;
}

export type SmtpOutcome =
  /** 4xx, or the connection failed or timed out: try again later (the same bytes, the same Message-ID). */
  | { kind: "retry"; response: string }
  /** 5xx at RCPT for the billing contact: the address is wrong. */
  | { kind: "bounce"; address: string; response: string }
  /** 5xx elsewhere (AUTH, MAIL FROM, DATA) or a TLS refusal: trying again changes nothing. */
  | { kind: "refused"; response: string };

/** What an SMTP error means for a message to `to`. Server answers are kept verbatim (first 300 characters). */
export function smtpOutcome(error: unknown, to: string): SmtpOutcome {
  const e = (error ?? {}) as SmtpErrorShape;
  const response = String(e.response ?? (error as Error)?.message ?? "no answer").slice(0, 300);
  const code = e.responseCode ?? 0;
  const rcpt = (e.rejectedErrors ?? []).find((r) => (r.recipient ?? "").toLowerCase() === to);
  if (rcpt && (rcpt.responseCode ?? 0) >= 500) return { kind: "bounce", address: to, response: String(rcpt.response ?? response).slice(0, 300) };
  if (rcpt && (rcpt.responseCode ?? 0) >= 400) return { kind: "retry", response: String(rcpt.response ?? response).slice(0, 300) };
  if (code >= 500 && /RCPT/i.test(e.command ?? "") && (e.rejected ?? [to]).map((r) => r.toLowerCase()).includes(to))
    return { kind: "bounce", address: to, response };
  if (code >= 500 || e.code === "EAUTH" || e.code === "ETLS") return { kind: "refused", response };
  return { kind: "retry", response };
}
