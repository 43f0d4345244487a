-- Reminders that go out by e-mail (issue #14, docs/email.md): the company's mail settings, every message
-- rendered and sent (the exact .eml bytes with their SHA-256), the addresses that bounced, and what came
-- back in the reply-to mailbox.

-- CreateTable
CREATE TABLE "mail_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "fromAddress" TEXT NOT NULL DEFAULT '',
    "fromName" TEXT NOT NULL DEFAULT '',
    "replyTo" TEXT NOT NULL DEFAULT '',
    "windowStart" TEXT NOT NULL DEFAULT '08:30',
    "windowEnd" TEXT NOT NULL DEFAULT '18:00',
    "ratePerMinute" INTEGER NOT NULL DEFAULT 30,
    "paymentInstructions" TEXT NOT NULL DEFAULT '',
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mail_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "email_message" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "customerId" INTEGER NOT NULL,
    "levelId" TEXT NOT NULL,
    "toAddress" TEXT NOT NULL,
    "ccAddresses" TEXT[],
    "messageId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "eml" BYTEA NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "invoiceIds" INTEGER[],
    "status" TEXT NOT NULL DEFAULT 'RENDERED',
    "smtpResponse" TEXT,
    "renderedAt" TIMESTAMPTZ(3) NOT NULL,
    "attemptedAt" TIMESTAMPTZ(3),
    "sentAt" TIMESTAMPTZ(3),
    "bouncedAt" TIMESTAMPTZ(3),
    "historyEntryId" BIGINT,

    CONSTRAINT "email_message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "email_suppression" (
    "address" TEXT NOT NULL,
    "customerId" INTEGER,
    "reason" TEXT NOT NULL,
    "emailMessageId" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "email_suppression_pkey" PRIMARY KEY ("address")
);

-- CreateTable
CREATE TABLE "email_inbound" (
    "id" SERIAL NOT NULL,
    "mailbox" TEXT NOT NULL,
    "uidValidity" BIGINT NOT NULL,
    "uid" BIGINT NOT NULL,
    "messageId" TEXT,
    "kind" TEXT NOT NULL,
    "customerId" INTEGER,
    "emailMessageId" INTEGER,
    "fromAddress" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "attachmentNames" TEXT[],
    "receivedAt" TIMESTAMPTZ(3) NOT NULL,
    "historyEntryId" BIGINT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "email_inbound_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mail_inbox_state" (
    "mailbox" TEXT NOT NULL,
    "uidValidity" BIGINT NOT NULL,
    "lastUid" BIGINT NOT NULL,

    CONSTRAINT "mail_inbox_state_pkey" PRIMARY KEY ("mailbox")
);

-- CreateIndex
CREATE UNIQUE INDEX "email_message_key_key" ON "email_message"("key");
CREATE UNIQUE INDEX "email_message_messageId_key" ON "email_message"("messageId");
CREATE INDEX "email_message_customerId_idx" ON "email_message"("customerId");
CREATE INDEX "email_message_toAddress_idx" ON "email_message"("toAddress");
CREATE UNIQUE INDEX "email_inbound_mailbox_uidValidity_uid_key" ON "email_inbound"("mailbox", "uidValidity", "uid");
CREATE INDEX "email_inbound_customerId_idx" ON "email_inbound"("customerId");

-- What was sent is evidence: the bytes, their hash, the Message-ID and the recipients never change once
-- written, and no message is ever deleted (only its status, the server's answer and the dates move on).
CREATE FUNCTION email_message_keep_evidence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'email_message is evidence: rows cannot be deleted';
  END IF;
  IF NEW."eml" IS DISTINCT FROM OLD."eml" OR NEW."sha256" IS DISTINCT FROM OLD."sha256"
     OR NEW."messageId" IS DISTINCT FROM OLD."messageId" OR NEW."toAddress" IS DISTINCT FROM OLD."toAddress"
     OR NEW."ccAddresses" IS DISTINCT FROM OLD."ccAddresses" OR NEW."key" IS DISTINCT FROM OLD."key" THEN
    RAISE EXCEPTION 'email_message is evidence: the message, its hash, Message-ID and recipients cannot change';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER email_message_keep_evidence BEFORE UPDATE OR DELETE ON "email_message"
  FOR EACH ROW EXECUTE FUNCTION email_message_keep_evidence();
