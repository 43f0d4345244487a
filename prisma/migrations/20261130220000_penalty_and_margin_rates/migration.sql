-- Terms of sale: a contractual late-payment penalty rate, and the gross margin rate for the cost of an unpaid invoice.
ALTER TABLE "company_settings" ADD COLUMN "penaltyRatePercent" DOUBLE PRECISION;
ALTER TABLE "company_settings" ADD COLUMN "marginRatePercent" DOUBLE PRECISION;
