-- CreateTable
CREATE TABLE "job_run" (
    "job" TEXT NOT NULL,
    "slot" TEXT NOT NULL,
    "claimedBy" TEXT NOT NULL,
    "claimedAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "job_run_pkey" PRIMARY KEY ("job","slot")
);

-- CreateTable
CREATE TABLE "posted_message" (
    "id" SERIAL NOT NULL,
    "platform" "ChatPlatform" NOT NULL,
    "job" TEXT NOT NULL,
    "slot" TEXT NOT NULL,
    "part" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "ts" TEXT NOT NULL,
    "actionIds" INTEGER[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "posted_message_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "posted_message_platform_channel_ts_idx" ON "posted_message"("platform", "channel", "ts");

-- CreateIndex
CREATE UNIQUE INDEX "posted_message_platform_job_slot_part_key" ON "posted_message"("platform", "job", "slot", "part");

