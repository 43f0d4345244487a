-- AlterTable
ALTER TABLE "history_entry" ADD COLUMN     "hash" CHAR(64),
ADD COLUMN     "prevHash" CHAR(64);

-- CreateIndex
CREATE INDEX "history_entry_customerId_id_idx" ON "history_entry"("customerId", "id");

