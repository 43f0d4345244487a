-- CreateEnum
CREATE TYPE "Segment" AS ENUM ('LARGE_ACCOUNT', 'SME', 'VERY_SMALL_BUSINESS', 'PUBLIC_SECTOR');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('SALES', 'FINANCE', 'BACK_OFFICE', 'COLLECTOR', 'ADMIN');

-- CreateEnum
CREATE TYPE "ChatPlatform" AS ENUM ('SLACK', 'TEAMS');

-- CreateEnum
CREATE TYPE "EndOfMonthRule" AS ENUM ('DAYS_THEN_END_OF_MONTH', 'END_OF_MONTH_THEN_DAYS');

-- CreateEnum
CREATE TYPE "DocumentKind" AS ENUM ('INVOICE', 'CREDIT_NOTE');

-- CreateEnum
CREATE TYPE "InvoiceStatus" AS ENUM ('OPEN', 'CLOSED', 'LITIGATION', 'WRITTEN_OFF');

-- CreateEnum
CREATE TYPE "RecordSource" AS ENUM ('CSV', 'FEC', 'CHAT', 'CLI');

-- CreateEnum
CREATE TYPE "DisputeStatus" AS ENUM ('OPEN', 'RESOLVED', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "DisputeCategory" AS ENUM ('PRICE', 'QUANTITY', 'QUALITY', 'DELIVERY', 'BILLING_ERROR', 'OTHER');

-- CreateEnum
CREATE TYPE "PromiseStatus" AS ENUM ('PENDING', 'KEPT', 'BROKEN', 'CANCELLED');

-- CreateEnum
CREATE TYPE "PaymentPlanStatus" AS ENUM ('ACTIVE', 'COMPLETED', 'BROKEN', 'CANCELLED');

-- CreateEnum
CREATE TYPE "ActionKind" AS ENUM ('REMINDER', 'CALL', 'BLOCK_DELIVERIES', 'UNBLOCK_DELIVERIES', 'FORMAL_NOTICE', 'LITIGATION', 'CREDIT_LIMIT_CHANGE', 'HOLD');

-- CreateEnum
CREATE TYPE "ActionStatus" AS ENUM ('PROPOSED', 'APPROVED', 'APPLIED', 'REJECTED', 'EXPIRED', 'SUPERSEDED');

-- CreateEnum
CREATE TYPE "VoteDecision" AS ENUM ('APPROVE', 'REJECT');

-- CreateEnum
CREATE TYPE "HistoryChannel" AS ENUM ('EMAIL', 'PHONE', 'LETTER', 'VISIT', 'CHAT', 'SYSTEM');

-- CreateEnum
CREATE TYPE "HistoryOrigin" AS ENUM ('SLACK', 'TEAMS', 'CLI', 'JOB', 'IMPORT');

-- CreateTable
CREATE TABLE "company_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "companyName" TEXT NOT NULL DEFAULT 'My company',
    "currency" CHAR(3) NOT NULL DEFAULT 'EUR',
    "timeZone" TEXT NOT NULL DEFAULT 'Europe/Paris',
    "locale" TEXT NOT NULL DEFAULT 'fr-FR',
    "defaultPaymentTerms" TEXT NOT NULL DEFAULT '30 days',
    "endOfMonthRule" "EndOfMonthRule" NOT NULL DEFAULT 'DAYS_THEN_END_OF_MONTH',
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "company_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "person" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "roles" "Role"[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chat_identity" (
    "id" SERIAL NOT NULL,
    "personId" INTEGER NOT NULL,
    "platform" "ChatPlatform" NOT NULL,
    "workspace" TEXT NOT NULL DEFAULT '',
    "externalId" TEXT NOT NULL,

    CONSTRAINT "chat_identity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "customer" (
    "id" SERIAL NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "segment" "Segment" NOT NULL DEFAULT 'SME',
    "creditLimit" BIGINT,
    "currency" CHAR(3) NOT NULL,
    "paymentTerms" TEXT,
    "registrationNumber" TEXT,
    "locale" TEXT,
    "salesOwnerId" INTEGER,
    "collectorId" INTEGER,
    "blocked" BOOLEAN NOT NULL DEFAULT false,
    "blockedReason" TEXT,
    "blockedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contact" (
    "id" SERIAL NOT NULL,
    "customerId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "jobTitle" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "isPrimary" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "contact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invoice" (
    "id" SERIAL NOT NULL,
    "customerId" INTEGER NOT NULL,
    "kind" "DocumentKind" NOT NULL DEFAULT 'INVOICE',
    "number" TEXT NOT NULL,
    "issueDate" DATE NOT NULL,
    "dueDate" DATE NOT NULL,
    "dueDateDerived" BOOLEAN NOT NULL DEFAULT false,
    "amount" BIGINT NOT NULL,
    "openAmount" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" "InvoiceStatus" NOT NULL DEFAULT 'OPEN',
    "source" "RecordSource" NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invoice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment" (
    "id" SERIAL NOT NULL,
    "customerId" INTEGER NOT NULL,
    "reference" TEXT NOT NULL,
    "paymentDate" DATE NOT NULL,
    "amount" BIGINT NOT NULL,
    "unallocatedAmount" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "method" TEXT,
    "source" "RecordSource" NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "allocation" (
    "id" SERIAL NOT NULL,
    "invoiceId" INTEGER NOT NULL,
    "paymentId" INTEGER,
    "creditNoteId" INTEGER,
    "amount" BIGINT NOT NULL,
    "allocatedOn" DATE NOT NULL,
    "letteringCode" TEXT,
    "source" "RecordSource" NOT NULL,

    CONSTRAINT "allocation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dispute" (
    "id" SERIAL NOT NULL,
    "invoiceId" INTEGER NOT NULL,
    "customerId" INTEGER NOT NULL,
    "status" "DisputeStatus" NOT NULL DEFAULT 'OPEN',
    "category" "DisputeCategory" NOT NULL,
    "reason" TEXT NOT NULL,
    "amountDisputed" BIGINT,
    "openedById" INTEGER,
    "openedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedById" INTEGER,
    "resolvedAt" TIMESTAMPTZ(3),
    "resolution" TEXT,

    CONSTRAINT "dispute_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_plan" (
    "id" SERIAL NOT NULL,
    "customerId" INTEGER NOT NULL,
    "status" "PaymentPlanStatus" NOT NULL DEFAULT 'ACTIVE',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_plan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "promise_to_pay" (
    "id" SERIAL NOT NULL,
    "customerId" INTEGER NOT NULL,
    "paymentPlanId" INTEGER,
    "installmentNo" INTEGER,
    "promisedDate" DATE NOT NULL,
    "amount" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" "PromiseStatus" NOT NULL DEFAULT 'PENDING',
    "recordedById" INTEGER,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settledAt" TIMESTAMPTZ(3),

    CONSTRAINT "promise_to_pay_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "promise_invoice" (
    "promiseId" INTEGER NOT NULL,
    "invoiceId" INTEGER NOT NULL,

    CONSTRAINT "promise_invoice_pkey" PRIMARY KEY ("promiseId","invoiceId")
);

-- CreateTable
CREATE TABLE "proposed_action" (
    "id" SERIAL NOT NULL,
    "customerId" INTEGER NOT NULL,
    "kind" "ActionKind" NOT NULL,
    "status" "ActionStatus" NOT NULL DEFAULT 'PROPOSED',
    "reason" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "period" TEXT NOT NULL,
    "proposedById" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMPTZ(3),
    "appliedAt" TIMESTAMPTZ(3),

    CONSTRAINT "proposed_action_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "action_invoice" (
    "actionId" INTEGER NOT NULL,
    "invoiceId" INTEGER NOT NULL,

    CONSTRAINT "action_invoice_pkey" PRIMARY KEY ("actionId","invoiceId")
);

-- CreateTable
CREATE TABLE "vote" (
    "id" SERIAL NOT NULL,
    "actionId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "decision" "VoteDecision" NOT NULL,
    "asRole" "Role" NOT NULL,
    "comment" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "vote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "history_entry" (
    "id" BIGSERIAL NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "customerId" INTEGER,
    "actorId" INTEGER,
    "actorLabel" TEXT,
    "origin" "HistoryOrigin" NOT NULL,
    "channel" "HistoryChannel" NOT NULL,
    "kind" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "actionId" INTEGER,
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "history_entry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "history_entry_invoice" (
    "entryId" BIGINT NOT NULL,
    "invoiceId" INTEGER NOT NULL,

    CONSTRAINT "history_entry_invoice_pkey" PRIMARY KEY ("entryId","invoiceId")
);

-- CreateTable
CREATE TABLE "import_run" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),
    "lines" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "import_run_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "person_email_key" ON "person"("email");

-- CreateIndex
CREATE UNIQUE INDEX "chat_identity_platform_workspace_externalId_key" ON "chat_identity"("platform", "workspace", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "customer_externalId_key" ON "customer"("externalId");

-- CreateIndex
CREATE INDEX "customer_collectorId_idx" ON "customer"("collectorId");

-- CreateIndex
CREATE INDEX "customer_salesOwnerId_idx" ON "customer"("salesOwnerId");

-- CreateIndex
CREATE INDEX "contact_customerId_idx" ON "contact"("customerId");

-- CreateIndex
CREATE INDEX "invoice_customerId_status_idx" ON "invoice"("customerId", "status");

-- CreateIndex
CREATE INDEX "invoice_dueDate_idx" ON "invoice"("dueDate");

-- CreateIndex
CREATE UNIQUE INDEX "invoice_kind_number_key" ON "invoice"("kind", "number");

-- CreateIndex
CREATE UNIQUE INDEX "payment_reference_key" ON "payment"("reference");

-- CreateIndex
CREATE INDEX "payment_customerId_paymentDate_idx" ON "payment"("customerId", "paymentDate");

-- CreateIndex
CREATE INDEX "allocation_paymentId_idx" ON "allocation"("paymentId");

-- CreateIndex
CREATE INDEX "allocation_creditNoteId_idx" ON "allocation"("creditNoteId");

-- CreateIndex
CREATE UNIQUE INDEX "allocation_invoiceId_paymentId_key" ON "allocation"("invoiceId", "paymentId");

-- CreateIndex
CREATE UNIQUE INDEX "allocation_invoiceId_creditNoteId_key" ON "allocation"("invoiceId", "creditNoteId");

-- CreateIndex
CREATE INDEX "dispute_invoiceId_status_idx" ON "dispute"("invoiceId", "status");

-- CreateIndex
CREATE INDEX "dispute_customerId_status_idx" ON "dispute"("customerId", "status");

-- CreateIndex
CREATE INDEX "promise_to_pay_customerId_status_idx" ON "promise_to_pay"("customerId", "status");

-- CreateIndex
CREATE INDEX "promise_to_pay_status_promisedDate_idx" ON "promise_to_pay"("status", "promisedDate");

-- CreateIndex
CREATE INDEX "proposed_action_status_period_idx" ON "proposed_action"("status", "period");

-- CreateIndex
CREATE INDEX "proposed_action_customerId_idx" ON "proposed_action"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "vote_actionId_personId_key" ON "vote"("actionId", "personId");

-- CreateIndex
CREATE INDEX "history_entry_customerId_occurredAt_idx" ON "history_entry"("customerId", "occurredAt");

-- AddForeignKey
ALTER TABLE "chat_identity" ADD CONSTRAINT "chat_identity_personId_fkey" FOREIGN KEY ("personId") REFERENCES "person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer" ADD CONSTRAINT "customer_salesOwnerId_fkey" FOREIGN KEY ("salesOwnerId") REFERENCES "person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer" ADD CONSTRAINT "customer_collectorId_fkey" FOREIGN KEY ("collectorId") REFERENCES "person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contact" ADD CONSTRAINT "contact_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoice" ADD CONSTRAINT "invoice_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment" ADD CONSTRAINT "payment_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "invoice"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "payment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_creditNoteId_fkey" FOREIGN KEY ("creditNoteId") REFERENCES "invoice"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dispute" ADD CONSTRAINT "dispute_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "invoice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dispute" ADD CONSTRAINT "dispute_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dispute" ADD CONSTRAINT "dispute_openedById_fkey" FOREIGN KEY ("openedById") REFERENCES "person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dispute" ADD CONSTRAINT "dispute_resolvedById_fkey" FOREIGN KEY ("resolvedById") REFERENCES "person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_plan" ADD CONSTRAINT "payment_plan_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "promise_to_pay" ADD CONSTRAINT "promise_to_pay_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "promise_to_pay" ADD CONSTRAINT "promise_to_pay_paymentPlanId_fkey" FOREIGN KEY ("paymentPlanId") REFERENCES "payment_plan"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "promise_to_pay" ADD CONSTRAINT "promise_to_pay_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "promise_invoice" ADD CONSTRAINT "promise_invoice_promiseId_fkey" FOREIGN KEY ("promiseId") REFERENCES "promise_to_pay"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "promise_invoice" ADD CONSTRAINT "promise_invoice_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "invoice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "proposed_action" ADD CONSTRAINT "proposed_action_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "proposed_action" ADD CONSTRAINT "proposed_action_proposedById_fkey" FOREIGN KEY ("proposedById") REFERENCES "person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_invoice" ADD CONSTRAINT "action_invoice_actionId_fkey" FOREIGN KEY ("actionId") REFERENCES "proposed_action"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "action_invoice" ADD CONSTRAINT "action_invoice_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "invoice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vote" ADD CONSTRAINT "vote_actionId_fkey" FOREIGN KEY ("actionId") REFERENCES "proposed_action"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vote" ADD CONSTRAINT "vote_personId_fkey" FOREIGN KEY ("personId") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "history_entry" ADD CONSTRAINT "history_entry_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "history_entry" ADD CONSTRAINT "history_entry_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "history_entry" ADD CONSTRAINT "history_entry_actionId_fkey" FOREIGN KEY ("actionId") REFERENCES "proposed_action"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "history_entry_invoice" ADD CONSTRAINT "history_entry_invoice_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "history_entry"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "history_entry_invoice" ADD CONSTRAINT "history_entry_invoice_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "invoice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Append-only reminder history: the database itself refuses edits and deletions.
CREATE FUNCTION "history_entry_is_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'history entries are append-only: % refused on %', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "history_entry_no_update_delete" BEFORE UPDATE OR DELETE ON "history_entry"
  FOR EACH ROW EXECUTE FUNCTION "history_entry_is_append_only"();
CREATE TRIGGER "history_entry_invoice_no_update_delete" BEFORE UPDATE OR DELETE ON "history_entry_invoice"
  FOR EACH ROW EXECUTE FUNCTION "history_entry_is_append_only"();
CREATE TRIGGER "history_entry_no_truncate" BEFORE TRUNCATE ON "history_entry"
  FOR EACH STATEMENT EXECUTE FUNCTION "history_entry_is_append_only"();
