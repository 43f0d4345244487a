// A throwaway Dovecot IMAP server (Debian's dovecot-imapd, installed by .ci/run): its own configuration in a
// temp dir, one passwd-file user, listening on the loopback only, started as a daemon and stopped after the
// tests. Tests that need it skip with the reason when dovecot is not installed (CI installs it, so CI never
// skips).
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, closeSync, openSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net, { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const DOVECOT = ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"].find((p) => existsSync(p)) ?? null;
export const DOVECOT_MISSING = DOVECOT ? null : "dovecot is not installed (apt-get install -y dovecot-imapd; .ci/run does it)";

export interface Dovecot {
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function startDovecot(): Promise<Dovecot> {
  if (!DOVECOT) throw new Error(DOVECOT_MISSING ?? "dovecot missing");
  const dir = mkdtempSync(path.join(tmpdir(), "ccbot-dovecot-"));
  chmodSync(dir, 0o755);
  const home = path.join(dir, "home");
  mkdirSync(home, { mode: 0o777 });
  chmodSync(home, 0o777);
  const port = await freePort();
  const user = "replies";
  const password = "imap-test-password";
  const uid = "65534";
  const gid = "65534";
  writeFileSync(path.join(dir, "passwd"), `${user}:{PLAIN}${password}:${uid}:${gid}::${home}/${user}\n`);
  const conf = path.join(dir, "dovecot.conf");
  writeFileSync(
    conf,
    [
      `base_dir = ${dir}/run`,
      `state_dir = ${dir}/state`,
      `log_path = ${dir}/dovecot.log`,
      `info_log_path = ${dir}/dovecot.log`,
      "protocols = imap",
      "listen = 127.0.0.1",
      "ssl = no",
      "disable_plaintext_auth = no",
      "auth_mechanisms = plain login",
      "first_valid_uid = 1",
      `mail_location = maildir:${home}/%u/Maildir`,
      "default_internal_user = dovecot",
      "default_login_user = dovenull",
      `passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u ${dir}/passwd\n}`,
      `userdb {\n  driver = passwd-file\n  args = username_format=%u ${dir}/passwd\n}`,
      `service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${port}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
      "service stats {\n  unix_listener stats-reader {\n    mode = 0666\n  }\n  unix_listener stats-writer {\n    mode = 0666\n  }\n}",
      "",
    ].join("\n"),
  );
  // The daemon keeps its standard streams: give it a file, not a pipe (a pipe would never close).
  const out = openSync(path.join(dir, "start.log"), "w");
  const started = spawnSync(DOVECOT, ["-c", conf], { stdio: ["ignore", out, out] });
  closeSync(out);
  if (started.status !== 0) throw new Error(`dovecot did not start: ${readFileSync(path.join(dir, "start.log"), "utf8")}`);
  // Wait for the listener.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new net.Socket();
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
      socket.connect(port, "127.0.0.1");
    });
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`dovecot did not listen on ${port}: ${existsSync(path.join(dir, "dovecot.log")) ? readFileSync(path.join(dir, "dovecot.log"), "utf8").slice(-2000) : "no log"}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    user,
    password,
    async stop() {
      try {
        execFileSync(DOVECOT as string, ["-c", conf, "stop"], { stdio: "ignore" });
      } catch {
        // already stopped
      }
      await new Promise((r) => setTimeout(r, 300));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

