// Prisma CLI configuration (Prisma 6.19, JavaScript schema engine, no native binary).
// The CLI works on an in-memory PGlite: it is only used to generate the client and to write
// migrations with `prisma migrate diff`. The application applies migrations itself (src/db/migrate.ts).
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { defineConfig } from "prisma/config";

process.env.DATABASE_URL ??= "postgresql://prisma-cli@localhost/unused";

export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    return new PrismaPGlite(new PGlite());
  },
});
