import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { inflateRawSync } from "node:zlib";
import * as PImage from "pureimage";
import { describe, expect, it } from "vitest";
import { MANIFEST_SCHEMA } from "../../src/bot/teams/package.js";

/** Reads a zip's entries from its central directory (what Teams' upload does). */
function unzip(archive: Buffer): Map<string, Buffer> {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(archive.readUInt32LE(at)).toBe(0x02014b50);
    const method = archive.readUInt16LE(at + 10);
    const size = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const extra = archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
    const local = archive.readUInt32LE(at + 42);
    const name = archive.toString("utf8", at + 46, at + 46 + nameLength);
    const dataAt = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const raw = archive.subarray(dataAt, dataAt + size);
    files.set(name, method === 8 ? inflateRawSync(raw) : raw);
    at += 46 + nameLength + extra;
  }
  return files;
}

async function decode(png: Buffer) {
  const stream = new PassThrough();
  stream.end(png);
  return PImage.decodePNGFromStream(stream);
}

const APP_ID = "00000000-0000-4000-8000-00000000b0b0";

describe("npm run teams:package", () => {
  it("builds an uploadable package: pinned manifest, both icons at Teams' sizes, files at the root", async () => {
    const out = join(tmpdir(), `teams-app-${process.pid}.zip`);
    execFileSync("npx", ["tsx", "scripts/teams-package.ts"], {
      env: {
        ...process.env,
        TEAMS_APP_ID: APP_ID,
        TEAMS_BOT_DOMAIN: "bot.example.com",
        TEAMS_PACKAGE_OUT: out,
        TEAMS_PUBLISHER_NAME: "Acme SAS",
        TEAMS_PUBLISHER_URL: "https://acme.example",
      },
    });
    const files = unzip(readFileSync(out));
    expect([...files.keys()].sort()).toEqual(["color.png", "fr.json", "manifest.json", "outline.png"]);
    const manifest = JSON.parse(files.get("manifest.json")?.toString("utf8") ?? "{}") as Record<string, unknown> & {
      bots: Array<{ botId: string; scopes: string[] }>;
      composeExtensions: Array<{ commands: Array<{ id: string; type: string }> }>;
    };
    expect(manifest).toMatchObject({ developer: { name: "Acme SAS", websiteUrl: "https://acme.example" } });
    expect(manifest).toMatchObject({ $schema: MANIFEST_SCHEMA, manifestVersion: "1.19", id: APP_ID, validDomains: ["bot.example.com"] });
    expect(manifest.bots[0]).toMatchObject({ botId: APP_ID, scopes: ["personal", "team", "groupChat"] });
    expect(manifest.composeExtensions[0]?.commands.map((c) => `${c.id}:${c.type}`)).toEqual(["findAccount:query", "flagDispute:action"]);
    // French localisation: named by localizationInfo, every key a text of the manifest, every text in French.
    expect(manifest.localizationInfo).toEqual({ defaultLanguageTag: "en", additionalLanguages: [{ languageTag: "fr", file: "fr.json" }] });
    const french = JSON.parse(files.get("fr.json")?.toString("utf8") ?? "{}") as Record<string, string>;
    expect(french.$schema).toBe(MANIFEST_SCHEMA.replace("MicrosoftTeams.schema.json", "MicrosoftTeams.Localization.schema.json"));
    const at = (path: string): unknown =>
      path
        .split(/\.|\[(\d+)\]/)
        .filter((part) => part !== undefined && part !== "")
        .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], manifest);
    const keys = Object.keys(french).filter((k) => k !== "$schema");
    expect(keys.length).toBe(13);
    for (const key of keys) {
      expect(typeof at(key), key).toBe("string");
      expect(french[key], key).not.toBe(at(key));
    }
    expect(french["name.short"]).toBe("Comité de crédit");
    expect(french["composeExtensions[0].commands[1].title"]).toBe("Signaler un litige");
    expect(manifest).toMatchObject({ name: { short: "Credit committee" } });
    const color = await decode(files.get("color.png") as Buffer);
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = await decode(files.get("outline.png") as Buffer);
    expect([outline.width, outline.height]).toEqual([32, 32]);
    // outline: white on transparent
    expect(outline.getPixelRGBA(0, 0) & 0xff).toBe(0);
    expect(outline.getPixelRGBA(8, 26) >>> 0).toBe(0xffffffff);
  });

  it("says which variable is missing", () => {
    const run = spawnSync("npx", ["tsx", "scripts/teams-package.ts"], { env: { ...process.env, TEAMS_APP_ID: "" }, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("TEAMS_APP_ID: must be a GUID");
  });
});
