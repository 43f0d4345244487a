-- AlterTable
ALTER TABLE "customer" ADD COLUMN     "onHold" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "onHoldReason" TEXT;

-- CreateTable
CREATE TABLE "aging_snapshot" (
    "weekStart" DATE NOT NULL,
    "asOf" DATE NOT NULL,
    "buckets" BIGINT[],
    "disputed" BIGINT NOT NULL,
    "credits" BIGINT NOT NULL,
    "overdue" BIGINT NOT NULL,
    "balance" BIGINT NOT NULL,
    "takenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "aging_snapshot_pkey" PRIMARY KEY ("weekStart")
);

