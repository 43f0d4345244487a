// The formal notice letter already issued for an action, read back from the history entry that recorded it
// ("document.formal_notice", with the files and the PDF's SHA-256): what a chat adapter posts in the digest's
// thread once the letter job has issued it. Reading, never issuing: the letter is written once, by its job.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { Database } from "../db/database.js";
import { loadSettings } from "../db/settings.js";
import { formatMoney } from "../domain/money.js";
import { AppError } from "../errors.js";

/** A letter a committee decision produced, as the chat adapters post it in the digest's thread. */
export interface DecisionDocument {
  filename: string;
  title: string;
  pdf: Buffer;
  text: string;
  sha256: string;
  /** One line for the chat: what it is, how much, by when, and its fingerprint. */
  summary: string;
}

const recorded = z.object({
  pdfFile: z.string().min(1),
  textFile: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  total: z.string().regex(/^-?\d+$/),
  deadline: z.string().min(1),
});

/**
 * The issued letter of formal notice `actionId`. AppError "not_found" when none was issued, "conflict" when its
 * history entry or its files are not what the letter job wrote (the files moved out of DOCUMENTS_DIR).
 */
export async function issuedLetter(db: Database, actionId: number): Promise<DecisionDocument> {
  const entry = await db.prisma.historyEntry.findFirst({
    where: { actionId, kind: "document.formal_notice" },
    include: { customer: true },
    orderBy: { id: "asc" },
  });
  if (!entry) throw new AppError("not_found", `No formal notice letter has been issued for action #${actionId}.`);
  const data = recorded.safeParse(entry.data);
  if (!data.success)
    throw new AppError(
      "conflict",
      `The history entry of the letter for action #${actionId} lacks ${data.error.issues.map((i) => i.path.join(".")).join(", ")}.`,
    );
  let pdf: Buffer;
  let text: string;
  try {
    [pdf, text] = await Promise.all([readFile(data.data.pdfFile), readFile(data.data.textFile, "utf8")]);
  } catch {
    throw new AppError(
      "conflict",
      `The files of the letter for action #${actionId} (${path.basename(data.data.pdfFile)}) are no longer in the documents folder (DOCUMENTS_DIR).`,
    );
  }
  const settings = await db.withConnection(loadSettings);
  const name = entry.customer?.name ?? `customer #${entry.customerId}`;
  return {
    filename: path.basename(data.data.pdfFile),
    title: `Formal notice — ${name}`,
    pdf,
    text,
    sha256: data.data.sha256,
    summary: `Formal notice to ${name}: ${formatMoney(BigInt(data.data.total), settings.currency, settings.locale)} claimed, deadline ${data.data.deadline}. PDF SHA-256 ${data.data.sha256} (kept in the history).`,
  };
}
