// The published JSON Schema files are the ones the bot's events are built against, and docs/webhooks.md's
// example is a valid event.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EVENT_SCHEMAS, EVENT_TYPES, signatureOf } from "../../src/domain/webhookEvents.js";
import { schemaFiles, SCHEMAS_DIR } from "../../scripts/webhook-schemas.js";
import { verifySignature } from "../helpers/webhookReceiver.js";

describe("webhook schemas", () => {
  it("docs/webhooks/schemas holds one up-to-date file per event type (run npx tsx scripts/webhook-schemas.ts)", () => {
    const expected = schemaFiles();
    expect(readdirSync(SCHEMAS_DIR).sort()).toEqual(expected.map((f) => f.name).sort());
    for (const file of expected) expect(readFileSync(path.join(SCHEMAS_DIR, file.name), "utf8"), file.name).toBe(file.text);
    // Every subscribable type, the reserved payment plan included, has its schema.
    for (const type of EVENT_TYPES) expect(expected.map((f) => f.name)).toContain(`${type}.v1.json`);
  });

  it("the example event and signature in docs/webhooks.md are valid", () => {
    const doc = readFileSync(path.resolve(SCHEMAS_DIR, "../../webhooks.md"), "utf8");
    const example = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(example, "a json example in docs/webhooks.md").toBeDefined();
    const event = JSON.parse(example ?? "{}") as { type: keyof typeof EVENT_SCHEMAS };
    expect(EVENT_SCHEMAS[event.type].safeParse(event).error).toBeUndefined();
    // The worked signature example: secret, timestamp and body as printed, and the signature they give.
    const secret = /Secret: `([^`]+)`/.exec(doc)?.[1] ?? "";
    const timestamp = /Timestamp: `(\d+)`/.exec(doc)?.[1] ?? "";
    const body = /Body: `([^`]+)`/.exec(doc)?.[1] ?? "";
    const signature = /Signature: `(v1=[0-9a-f]{64})`/.exec(doc)?.[1] ?? "";
    expect(signatureOf(secret, timestamp, body)).toBe(signature);
    expect(verifySignature(secret, timestamp, body, signature, Number(timestamp))).toBe(true);
  });
});
