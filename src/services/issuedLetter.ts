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
import type { CalendarDate } from "../domain/calendarDate.js";
import { formatDate, phrase, t } from "../i18n/index.js";

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
  if (!entry) throw new AppError("not_found", phrase("usecase.letterDoc.none", { actionId }));
  const data = recorded.safeParse(entry.data);
  if (!data.success)
    throw new AppError(
      "conflict",
      phrase("usecase.letterDoc.lacks", { actionId, fields: data.error.issues.map((i) => i.path.join(".")).join(", ") }),
    );
  let pdf: Buffer;
  let text: string;
  try {
    [pdf, text] = await Promise.all([readFile(data.data.pdfFile), readFile(data.data.textFile, "utf8")]);
  } catch {
    throw new AppError(
      "conflict",
      phrase("usecase.letterDoc.filesGone", { actionId, file: path.basename(data.data.pdfFile) }),
    );
  }
  const settings = await db.withConnection(loadSettings);
  const locale = settings.locale;
  const name = entry.customer?.name ?? t(locale, "usecase.letterDoc.customerN", { customerId: entry.customerId ?? "" });
  return {
    filename: path.basename(data.data.pdfFile),
    title: t(locale, "usecase.letterDoc.title", { name }),
    pdf,
    text,
    sha256: data.data.sha256,
    summary: t(locale, "usecase.letterDoc.summary", {
      name,
      total: formatMoney(BigInt(data.data.total), settings.currency, locale),
      deadline: formatDate(data.data.deadline as CalendarDate, locale),
      sha256: data.data.sha256,
    }),
  };
}
