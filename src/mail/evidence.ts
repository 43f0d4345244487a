// The e-mails of a customer as evidence: each message's exact bytes (.eml) with its SHA-256, for
// `ccbot history export --eml DIR` and the evidence file's list (src/documents/evidence.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Database } from "../db/database.js";
import { sha256 } from "./render.js";

export interface EmailEvidence {
  id: number;
  levelId: string;
  toAddress: string;
  messageId: string;
  sha256: string;
  status: string;
  smtpResponse: string | null;
  sentAt: Date | null;
  renderedAt: Date;
}

export async function emailEvidence(db: Database, customerId: number): Promise<EmailEvidence[]> {
  return db.prisma.emailMessage.findMany({
    where: { customerId },
    orderBy: { id: "asc" },
    select: { id: true, levelId: true, toAddress: true, messageId: true, sha256: true, status: true, smtpResponse: true, sentAt: true, renderedAt: true },
  });
}

/** Writes each message of the customer as <dir>/<id>-<level>-<date>.eml, checking each file's hash against the stored one. */
export async function writeEmlFiles(db: Database, customerId: number, dir: string): Promise<Array<{ file: string; sha256: string; intact: boolean }>> {
  mkdirSync(dir, { recursive: true });
  const rows = await db.withConnection((sql) =>
    sql.query<{ id: number; levelId: string; renderedAt: Date | string; eml: Uint8Array; sha256: string }>(
      `SELECT id, "levelId", "renderedAt", eml, sha256 FROM email_message WHERE "customerId" = $1 ORDER BY id`,
      [customerId],
    ),
  );
  return rows.map((r) => {
    const bytes = Buffer.from(r.eml);
    const day = new Date(r.renderedAt).toISOString().slice(0, 10);
    const file = path.join(dir, `${r.id}-${r.levelId.replace(/[^\w-]+/g, "_")}-${day}.eml`);
    writeFileSync(file, bytes);
    return { file, sha256: r.sha256, intact: sha256(bytes) === r.sha256 };
  });
}
