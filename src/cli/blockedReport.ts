// `ccbot report blocked`: the blocked accounts as a report (table, CSV for an ERP's scheduled import, JSON).
import type { Database } from "../db/database.js";
import { unblockConditions } from "../domain/blocking.js";
import type { Policy } from "../domain/policy.js";
import { blockedAccounts } from "../services/blockedAccounts.js";
import type { Report } from "./report.js";

export async function blockedReport(db: Database, policy: Policy): Promise<Report> {
  const accounts = await blockedAccounts(db);
  const conditions = unblockConditions(policy);
  return {
    title: `Accounts with deliveries blocked: ${accounts.length}`,
    columns: [
      { key: "externalId", label: "customer", kind: "text" },
      { key: "name", label: "name", kind: "text" },
      { key: "since", label: "blocked since (UTC)", kind: "text" },
      { key: "blockedBy", label: "blocked by", kind: "text" },
      { key: "actionId", label: "decision #", kind: "integer" },
      { key: "reason", label: "reason", kind: "text" },
      { key: "unblockConditions", label: "unblock conditions", kind: "text" },
    ],
    rows: accounts.map((a) => ({
      externalId: a.externalId,
      name: a.name,
      since: a.since?.toISOString() ?? null,
      blockedBy: a.approvedBy.length > 0 ? a.approvedBy.join(", ") : "not recorded (no committee decision in the history)",
      actionId: a.actionId,
      reason: a.reason,
      unblockConditions: conditions,
    })),
  };
}
