// A real SMTP server on the loopback (the smtp-server package): STARTTLS with a self-signed certificate made
// for the test run (openssl), AUTH PLAIN/LOGIN, and answers the test scripts: 421 at MAIL FROM for the next
// n transactions, 550 at RCPT for some addresses. Every accepted message is kept as received (bytes).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SMTPServer } from "smtp-server";

export interface Received {
  envelopeFrom: string;
  recipients: string[];
  bytes: Buffer;
  secure: boolean;
  user: string | null;
}

export interface SmtpPeer {
  port: number;
  /** The self-signed certificate's PEM (the client trusts it through SMTP_CA_FILE / MailServer.ca). */
  ca: string;
  caFile: string;
  received: Received[];
  /** 421 at MAIL FROM for the next n transactions. */
  busyFor(n: number): void;
  /** 550 at RCPT for these addresses. */
  refuse(address: string): void;
  close(): Promise<void>;
}

export function selfSignedCertificate(): { key: string; cert: string; dir: string; certFile: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "ccbot-tls-"));
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
    { stdio: "ignore" },
  );
  return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), dir, certFile };
}

export async function startSmtpPeer(options: { user?: string; password?: string } = {}): Promise<SmtpPeer> {
  const tls = selfSignedCertificate();
  const received: Received[] = [];
  let busy = 0;
  const refused = new Set<string>();
  const server = new SMTPServer({
    key: tls.key,
    cert: tls.cert,
    secure: false,
    logger: false,
    authMethods: ["PLAIN", "LOGIN"],
    authOptional: !options.user,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.password) return callback(null, { user: auth.username });
      return callback(Object.assign(new Error("5.7.8 Authentication credentials invalid"), { responseCode: 535 }));
    },
    onMailFrom(_address, _session, callback) {
      if (busy > 0) {
        busy -= 1;
        return callback(Object.assign(new Error("4.3.2 Service not available, try again later"), { responseCode: 421 }));
      }
      return callback();
    },
    onRcptTo(address, _session, callback) {
      if (refused.has(address.address.toLowerCase()))
        return callback(Object.assign(new Error("5.1.1 <recipient>: Recipient address rejected: User unknown in virtual mailbox table"), { responseCode: 550 }));
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          recipients: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          bytes: Buffer.concat(chunks),
          secure: session.secure,
          user: typeof session.user === "string" ? session.user : null,
        });
        callback(null, "2.0.0 Ok: queued as TEST" + received.length);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    ca: tls.cert,
    caFile: tls.certFile,
    received,
    busyFor: (n) => (busy = n),
    refuse: (a) => refused.add(a.toLowerCase()),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          rmSync(tls.dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
