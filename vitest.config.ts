import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file opens its own databases. Two cores on CI, but the suite waits as much as it computes (the
    // PostgreSQL server, HTTP stand-ins, spawned processes): with two workers a run used ~1.3 cores; a third
    // fills the waits.
    maxWorkers: 3,
    // Every file's logs are captured and searched for secrets and personal data (test/helpers/logCapture.ts).
    setupFiles: ["test/helpers/logCapture.ts"],
    // A migrated embedded database made once per run, copied by each test (test/helpers/databases.ts).
    globalSetup: ["test/helpers/globalSetup.ts"],
  },
});
