-- AlterTable
ALTER TABLE "company_settings" ADD COLUMN     "companyAddress" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "companyRegistration" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "customer" ADD COLUMN     "address" TEXT;

