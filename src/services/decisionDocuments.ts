// The documents a committee decision produces, for the chat adapters to attach where the decision was made:
// today, the formal notice letter when a formal notice is approved (written, and recorded in the history
// with its SHA-256, by issueFormalNotice). Approving the same decision twice yields the same letter.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Database } from "../db/database.js";
import { loadSettings } from "../db/settings.js";
import { calendarDateAt } from "../domain/calendarDate.js";
import { formatMoney } from "../domain/money.js";
import type { Policy } from "../domain/policy.js";
import type { Actor } from "../usecases/actor.js";
import { issueFormalNotice } from "../usecases/formalNotice.js";
import type { VoteResult } from "../usecases/votes.js";

export interface DecisionDocument {
  filename: string;
  title: string;
  pdf: Buffer;
  text: string;
  sha256: string;
  /** One line for the chat: what it is, how much, by when, and its fingerprint. */
  summary: string;
}

export async function decisionDocuments(
  db: Database,
  policy: Policy,
  actor: Actor,
  result: VoteResult,
  documentsDir: string,
  now = new Date(),
): Promise<DecisionDocument[]> {
  if (result.status !== "APPLIED") return [];
  const action = await db.prisma.proposedAction.findUnique({ where: { id: result.actionId }, include: { customer: true } });
  if (action?.kind !== "FORMAL_NOTICE") return [];
  const settings = await db.withConnection(loadSettings);
  const issued = await issueFormalNotice(
    db,
    policy,
    actor,
    { actionId: action.id, letterDate: calendarDateAt(now, settings.timeZone), outDir: documentsDir },
    now,
  );
  return [
    {
      filename: path.basename(issued.pdfFile),
      title: `Formal notice — ${action.customer.name}`,
      pdf: readFileSync(issued.pdfFile),
      text: readFileSync(issued.textFile, "utf8"),
      sha256: issued.sha256,
      summary: `Formal notice to ${action.customer.name}: ${formatMoney(issued.total, settings.currency, settings.locale)} claimed, deadline ${issued.deadline}. PDF SHA-256 ${issued.sha256} (kept in the history).`,
    },
  ];
}
