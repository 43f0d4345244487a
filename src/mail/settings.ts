// The company's sender identity and sending limits (table mail_settings, one row): `ccbot mail settings`.
import type { Database } from "../db/database.js";
import { AppError } from "../errors.js";

export interface MailSettings {
  fromAddress: string;
  fromName: string;
  replyTo: string;
  windowStart: string;
  windowEnd: string;
  ratePerMinute: number;
  paymentInstructions: string;
}

export async function loadMailSettings(db: Database): Promise<MailSettings> {
  const row = await db.prisma.mailSettings.upsert({ where: { id: 1 }, create: { id: 1 }, update: {} });
  return {
    fromAddress: row.fromAddress,
    fromName: row.fromName,
    replyTo: row.replyTo,
    windowStart: row.windowStart,
    windowEnd: row.windowEnd,
    ratePerMinute: row.ratePerMinute,
    paymentInstructions: row.paymentInstructions,
  };
}

/** A plain mailbox address (no display name): what the envelope and the headers carry. */
export const ADDRESS = /^[^\s@<>(),;:"[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export const MAIL_SETTING_KEYS = {
  from: "fromAddress",
  "from-name": "fromName",
  "reply-to": "replyTo",
  window: "window",
  rate: "ratePerMinute",
  "payment-instructions": "paymentInstructions",
} as const;
export type MailSettingKey = keyof typeof MAIL_SETTING_KEYS;

/** Checks and writes settings given as KEY=VALUE; an error names the key and what it expects. */
export async function updateMailSettings(db: Database, changes: Array<[string, string]>): Promise<MailSettings> {
  const data: Partial<MailSettings> = {};
  for (const [key, raw] of changes) {
    const value = raw.trim();
    switch (key) {
      case "from":
      case "reply-to":
        if (!ADDRESS.test(value)) throw new AppError("input.invalid", `${key} must be an e-mail address such as credit@yourcompany.com (got "${raw}")`);
        data[key === "from" ? "fromAddress" : "replyTo"] = value.toLowerCase();
        break;
      case "from-name":
        if (/[\r\n<>"]/.test(value) || value.length > 100) throw new AppError("input.invalid", `from-name must be one line of at most 100 characters, without < > or "`);
        data.fromName = value;
        break;
      case "window": {
        const [start, end, extra] = value.split("-");
        if (!start || !end || extra !== undefined || !TIME.test(start) || !TIME.test(end) || start >= end)
          throw new AppError("input.invalid", `window must be HH:MM-HH:MM in the company's time zone, start before end (e.g. 08:30-18:00; got "${raw}")`);
        data.windowStart = start;
        data.windowEnd = end;
        break;
      }
      case "rate": {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1 || n > 1000) throw new AppError("input.invalid", `rate must be a whole number of e-mails a minute, 1 to 1000 (got "${raw}")`);
        data.ratePerMinute = n;
        break;
      }
      case "payment-instructions":
        if (value.length > 1000) throw new AppError("input.invalid", "payment-instructions must be at most 1000 characters");
        data.paymentInstructions = value.replace(/\s*\|\s*/g, "\n");
        break;
      default:
        throw new AppError("input.usage", `Unknown mail setting "${key}": use one of ${Object.keys(MAIL_SETTING_KEYS).join(", ")}`);
    }
  }
  await db.prisma.mailSettings.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: { ...data, updatedAt: new Date() } });
  return loadMailSettings(db);
}

/** Why e-mail cannot go out with these settings, or null. */
export function mailSettingsProblem(s: MailSettings): string | null {
  if (!s.fromAddress) return "no sender address: set it with ccbot mail settings set from=credit@yourcompany.com";
  return null;
}
