// Mail settings from the environment and the company's sender settings: each mistake is named with how to fix it.
import { afterAll, describe, expect, it } from "vitest";
import { readMailConfig } from "../../src/mail/config.js";
import { ccbot, heldCliTargets } from "../helpers/cli.js";
import { dropTestSchemas } from "../helpers/databases.js";

afterAll(async () => {
  await dropTestSchemas();
});

describe("SMTP and IMAP configuration", () => {
  it("nothing set: no e-mail, no error", () => {
    expect(readMailConfig({})).toBeNull();
  });
  it("reads an smtps URL with an encoded user and password, implicit TLS on 465", () => {
    const c = readMailConfig({ SMTP_URL: "smtps://credit%40acme.test:p%40ss@smtp.acme.test" });
    expect(c?.smtp).toEqual({ host: "smtp.acme.test", port: 465, tls: "implicit", user: "credit@acme.test", password: "p@ss", ca: null });
    expect(c?.cron).toBe("0 9 * * 1-5");
  });
  it("reads host variables: 587 is STARTTLS by default", () => {
    const c = readMailConfig({ SMTP_HOST: "smtp.acme.test", SMTP_USER: "bot", SMTP_PASSWORD: "x", IMAP_HOST: "imap.acme.test", IMAP_PORT: "993", IMAP_TLS: "implicit", IMAP_USER: "r", IMAP_PASSWORD: "y" });
    expect(c?.smtp).toMatchObject({ port: 587, tls: "starttls" });
    expect(c?.imap).toMatchObject({ port: 993, tls: "implicit", mailbox: "INBOX", pollSeconds: 300 });
  });
  it.each([
    [{ SMTP_URL: "http://x" }, /SMTP_URL: the scheme must be smtp or smtps/],
    [{ SMTP_HOST: "smtp.acme.test", SMTP_USER: "bot" }, /SMTP_PASSWORD: is required with SMTP_USER/],
    [{ SMTP_HOST: "smtp.acme.test", SMTP_TLS: "none" }, /SMTP_TLS: "none" is only allowed on the loopback/],
    [{ SMTP_HOST: "smtp.acme.test", SMTP_PORT: "70000" }, /SMTP_PORT: must be a port number/],
    [{ SMTP_HOST: "a", SMTP_URL: "smtp://b" }, /set one of them, not both/],
    [{ IMAP_HOST: "imap.acme.test", IMAP_USER: "r", IMAP_PASSWORD: "y" }, /IMAP is configured but no SMTP server/],
    [{ SMTP_HOST: "smtp.acme.test", MAIL_CRON: "every day" }, /MAIL_CRON: is not a cron expression/],
    [{ SMTP_HOST: "smtp.acme.test", SMTP_CA_FILE: "/nonexistent/ca.pem" }, /SMTP_CA_FILE: cannot read the file/],
  ])("refuses %j", (env, message) => {
    expect(() => readMailConfig(env)).toThrow(message);
  });
});

describe.each(heldCliTargets)("ccbot mail settings ($name)", (target) => {
  it("sets the sender, refuses a bad address or window by name, and shows what is set", async () => {
    const url = await target.url();
    const bad = await ccbot(url, "mail", "settings", "set", "from=not-an-address");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('from must be an e-mail address such as credit@yourcompany.com (got "not-an-address")');
    const window = await ccbot(url, "mail", "settings", "set", "window=18:00-08:00");
    expect(window.code).toBe(1);
    expect(window.stderr).toContain("window must be HH:MM-HH:MM");
    const ok = await ccbot(url, "mail", "settings", "set", "from=Credit@Seller.test", "window=09:00-17:30", "rate=10", "payment-instructions=IBAN FR76 1 | BIC X");
    expect(ok.code).toBe(0);
    const shown = JSON.parse((await ccbot(url, "mail", "settings", "show", "--json")).stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ fromAddress: "credit@seller.test", windowStart: "09:00", windowEnd: "17:30", ratePerMinute: 10, paymentInstructions: "IBAN FR76 1\nBIC X" });
  });
});
