-- The history anchored outside the database (docs/evidence.md).

-- A second seal per entry: HMAC-SHA256 of its hash, keyed by HISTORY_SEAL_KEY (kept outside the database),
-- so an entry forged with a recomputed SHA-256 by someone without the key is told apart.
ALTER TABLE "history_entry" ADD COLUMN "hmac" CHAR(64);

-- Anchors: the heads of every customer's chain (last id, count, head hash) at one moment, with a digest of
-- them all that is published outside the database (printed, posted in the committee channel).
CREATE TABLE "history_anchor" (
    "id" SERIAL NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "prevDigest" CHAR(64),
    "customers" INTEGER NOT NULL,
    "entries" INTEGER NOT NULL,
    "sealedFrom" BIGINT,
    "heads" JSONB NOT NULL,
    "digest" CHAR(64) NOT NULL,
    "hmac" CHAR(64),

    CONSTRAINT "history_anchor_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "history_anchor_digest_key" ON "history_anchor"("digest");

-- Where an anchor was published (e.g. the committee channel and the message's id).
CREATE TABLE "history_anchor_publication" (
    "id" SERIAL NOT NULL,
    "anchorId" INTEGER NOT NULL,
    "place" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "publishedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "history_anchor_publication_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "history_anchor_publication_anchorId_place_messageId_key" ON "history_anchor_publication"("anchorId", "place", "messageId");
ALTER TABLE "history_anchor_publication" ADD CONSTRAINT "history_anchor_publication_anchorId_fkey" FOREIGN KEY ("anchorId") REFERENCES "history_anchor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Append-only, like the entries; TRUNCATE refused on every history table (history_entry had it already).
CREATE TRIGGER "history_anchor_no_update_delete" BEFORE UPDATE OR DELETE ON "history_anchor"
  FOR EACH ROW EXECUTE FUNCTION "history_entry_is_append_only"();
CREATE TRIGGER "history_anchor_publication_no_update_delete" BEFORE UPDATE OR DELETE ON "history_anchor_publication"
  FOR EACH ROW EXECUTE FUNCTION "history_entry_is_append_only"();
CREATE TRIGGER "history_entry_invoice_no_truncate" BEFORE TRUNCATE ON "history_entry_invoice"
  FOR EACH STATEMENT EXECUTE FUNCTION "history_entry_is_append_only"();
CREATE TRIGGER "history_anchor_no_truncate" BEFORE TRUNCATE ON "history_anchor"
  FOR EACH STATEMENT EXECUTE FUNCTION "history_entry_is_append_only"();
CREATE TRIGGER "history_anchor_publication_no_truncate" BEFORE TRUNCATE ON "history_anchor_publication"
  FOR EACH STATEMENT EXECUTE FUNCTION "history_entry_is_append_only"();
