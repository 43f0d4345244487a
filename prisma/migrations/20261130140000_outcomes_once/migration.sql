-- Outcomes exactly once (issue 11): one row per outcome of a task and per promise form submission; their
-- unique keys, not a check-then-insert, decide which of several deliveries writes.

-- CreateTable
CREATE TABLE "task_outcome" (
    "id" SERIAL NOT NULL,
    "customerId" INTEGER NOT NULL,
    "levelId" TEXT NOT NULL,
    "taskDate" DATE NOT NULL,
    "outcome" TEXT NOT NULL,
    "recordedById" INTEGER,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL,
    "historyEntryId" BIGINT,

    CONSTRAINT "task_outcome_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "promise_submission" (
    "id" SERIAL NOT NULL,
    "idempotencyKey" TEXT,
    "customerId" INTEGER NOT NULL,
    "levelId" TEXT,
    "taskDate" DATE,
    "recordedById" INTEGER,
    "amount" BIGINT NOT NULL,
    "promisedDate" DATE NOT NULL,
    "promiseId" INTEGER,
    "submittedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "promise_submission_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "task_outcome_customerId_levelId_taskDate_outcome_key" ON "task_outcome"("customerId", "levelId", "taskDate", "outcome");

-- CreateIndex
CREATE UNIQUE INDEX "promise_submission_idempotencyKey_key" ON "promise_submission"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "promise_submission_customerId_levelId_taskDate_recordedById_key" ON "promise_submission"("customerId", "levelId", "taskDate", "recordedById", "amount", "promisedDate");

