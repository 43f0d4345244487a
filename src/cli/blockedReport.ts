// `ccbot report blocked`: the blocked accounts as a report (table, CSV for an ERP's scheduled import, JSON).
// The table is in the company's language; CSV and JSON, read by an ERP, keep the same English headers
// whatever the language (docs/i18n.md), so a scheduled import does not break when the locale changes.
import type { Database } from "../db/database.js";
import { unblockConditions } from "../domain/blocking.js";
import type { Policy } from "../domain/policy.js";
import { t } from "../i18n/index.js";
import { blockedAccounts } from "../services/blockedAccounts.js";
import type { Report } from "./report.js";

/** The headers an ERP reads (CSV and JSON): stable, whatever the company's language. */
const STABLE = "en-GB";

type Column = "customer" | "name" | "since" | "blockedBy" | "actionId" | "reason" | "unblockConditions";

/** The blocked accounts; `locale` is the company's for a table, null for CSV and JSON (stable headers). */
export async function blockedReport(db: Database, policy: Policy, locale: string | null): Promise<Report> {
  const accounts = await blockedAccounts(db);
  const words = locale ?? STABLE;
  const conditions = unblockConditions(policy, words);
  const label = (column: Column) => t(words, `cli.blocked.col.${column}`);
  return {
    title: t(words, "cli.blocked.title", { count: accounts.length }),
    columns: [
      { key: "externalId", label: label("customer"), kind: "text" },
      { key: "name", label: label("name"), kind: "text" },
      { key: "since", label: label("since"), kind: "text" },
      { key: "blockedBy", label: label("blockedBy"), kind: "text" },
      { key: "actionId", label: label("actionId"), kind: "integer" },
      { key: "reason", label: label("reason"), kind: "text" },
      { key: "unblockConditions", label: label("unblockConditions"), kind: "text" },
    ],
    rows: accounts.map((a) => ({
      externalId: a.externalId,
      name: a.name,
      since: a.since?.toISOString() ?? null,
      blockedBy: a.approvedBy.length > 0 ? a.approvedBy.join(", ") : t(words, "cli.blocked.notRecorded"),
      actionId: a.actionId,
      reason: a.reason,
      unblockConditions: conditions,
    })),
  };
}
