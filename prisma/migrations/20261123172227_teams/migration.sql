-- AlterTable
ALTER TABLE "chat_identity" ADD COLUMN     "botUserId" TEXT;

-- CreateTable
CREATE TABLE "conversation_ref" (
    "id" SERIAL NOT NULL,
    "platform" "ChatPlatform" NOT NULL,
    "scope" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "serviceUrl" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL DEFAULT '',
    "userAadId" TEXT,
    "userId" TEXT,
    "teamId" TEXT,
    "teamName" TEXT,
    "installedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removedAt" TIMESTAMPTZ(3),

    CONSTRAINT "conversation_ref_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "conversation_ref_platform_userAadId_idx" ON "conversation_ref"("platform", "userAadId");

-- CreateIndex
CREATE UNIQUE INDEX "conversation_ref_platform_conversationId_key" ON "conversation_ref"("platform", "conversationId");

