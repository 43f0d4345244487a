// The company's locale read inside a use case's transaction: the history texts and answers it writes are in
// the company's language on the day (docs/i18n.md: stored texts are kept as recorded).
import type { Prisma } from "../generated/prisma/client.js";
import { DEFAULT_LOCALE } from "../i18n/index.js";

export async function companyLocale(tx: Pick<Prisma.TransactionClient, "companySettings">): Promise<string> {
  const row = await tx.companySettings.findUnique({ where: { id: 1 }, select: { locale: true } });
  return row?.locale ?? DEFAULT_LOCALE;
}
