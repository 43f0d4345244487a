-- The committee's agenda: each proposal's amount at risk and stakes (refreshed while undecided), and why a
-- proposal rejected before is back.
ALTER TABLE "proposed_action" ADD COLUMN "amountAtRisk" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "proposed_action" ADD COLUMN "stakes" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "proposed_action" ADD COLUMN "refreshedAt" TIMESTAMPTZ(3);
ALTER TABLE "proposed_action" ADD COLUMN "backBecause" TEXT;
CREATE INDEX "proposed_action_customerId_kind_status_idx" ON "proposed_action" ("customerId", "kind", "status");
