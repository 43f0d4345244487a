-- Payment plans (seed 002, "échéancier"): the plan agreed with the customer, where it came from, and its
-- instalments (promise_to_pay rows with "paymentPlanId" and "installmentNo", already in the first migration).
ALTER TABLE "payment_plan" ADD COLUMN "agreedOn" DATE NOT NULL DEFAULT CURRENT_DATE;
ALTER TABLE "payment_plan" ADD COLUMN "amount" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "payment_plan" ADD COLUMN "currency" CHAR(3) NOT NULL DEFAULT 'EUR';
ALTER TABLE "payment_plan" ADD COLUMN "agreedById" INTEGER;
-- The promise the plan replaces (cancelled when the plan is agreed), or the task level it was agreed on.
ALTER TABLE "payment_plan" ADD COLUMN "fromPromiseId" INTEGER;
ALTER TABLE "payment_plan" ADD COLUMN "fromLevelId" TEXT;
ALTER TABLE "payment_plan" ADD COLUMN "note" TEXT;
-- A chat form delivered twice (retry, double click) agrees one plan.
ALTER TABLE "payment_plan" ADD COLUMN "idempotencyKey" TEXT;
ALTER TABLE "payment_plan" ADD COLUMN "settledAt" TIMESTAMPTZ(3);
CREATE UNIQUE INDEX "payment_plan_idempotencyKey_key" ON "payment_plan"("idempotencyKey");
CREATE UNIQUE INDEX "payment_plan_fromPromiseId_key" ON "payment_plan"("fromPromiseId");
CREATE INDEX "payment_plan_customerId_status_idx" ON "payment_plan"("customerId", "status");
-- One instalment number per plan.
CREATE UNIQUE INDEX "promise_to_pay_paymentPlanId_installmentNo_key" ON "promise_to_pay"("paymentPlanId", "installmentNo");
