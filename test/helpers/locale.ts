// The company's locale for a test: the settings row as `ccbot settings set locale=…` leaves it.
import type { Database } from "../../src/db/database.js";
import { loadSettings } from "../../src/db/settings.js";

export async function setCompanyLocale(db: Database, locale: string): Promise<void> {
  await db.withConnection(loadSettings); // creates the row with its defaults
  await db.prisma.companySettings.update({ where: { id: 1 }, data: { locale } });
}
