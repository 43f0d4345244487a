import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file opens its own databases; two cores on CI.
    maxWorkers: 2,
    // Every file's logs are captured and searched for secrets and personal data (test/helpers/logCapture.ts).
    setupFiles: ["test/helpers/logCapture.ts"],
    // A migrated embedded database made once per run, copied by each test (test/helpers/databases.ts).
    globalSetup: ["test/helpers/globalSetup.ts"],
  },
});
