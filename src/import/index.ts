import { customersImporter } from "./customers.js";
import { fecImporter } from "./fec.js";
import { invoicesImporter } from "./invoices.js";
import { paymentsImporter } from "./payments.js";
import { stepsImporter } from "./steps.js";
import type { Importer } from "./run.js";

export const IMPORTERS = {
  customers: customersImporter,
  invoices: invoicesImporter,
  payments: paymentsImporter,
  fec: fecImporter,
  steps: stepsImporter,
} as const satisfies Record<string, Importer>;

export type ImportKind = keyof typeof IMPORTERS;

export { runImport, ImportRejectedError, type ImportSummary, type ImportProgress, type Counts } from "./run.js";
