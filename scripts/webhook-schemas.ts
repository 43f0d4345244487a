// Writes the JSON Schema of each webhook event (docs/webhooks/schemas/<type>.v1.json) from the zod schemas the
// bot builds its events with (src/domain/webhookEvents.ts). Run after changing an event:
//   npx tsx scripts/webhook-schemas.ts
// test/webhooks/schemas.test.ts fails while the files are out of date.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { EVENT_SCHEMAS, jsonSchemaOf, WEBHOOK_EVENT_VERSION } from "../src/domain/webhookEvents.js";

export const SCHEMAS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../docs/webhooks/schemas");

/** File name and content of every schema file. */
export function schemaFiles(): Array<{ name: string; text: string }> {
  return (Object.keys(EVENT_SCHEMAS) as Array<keyof typeof EVENT_SCHEMAS>).map((type) => ({
    name: `${type}.v${WEBHOOK_EVENT_VERSION}.json`,
    text: `${JSON.stringify(jsonSchemaOf(type), null, 2)}\n`,
  }));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  mkdirSync(SCHEMAS_DIR, { recursive: true });
  for (const file of schemaFiles()) writeFileSync(path.join(SCHEMAS_DIR, file.name), file.text);
  process.stdout.write(`Wrote ${schemaFiles().length} schemas to ${SCHEMAS_DIR}\n`);
}
