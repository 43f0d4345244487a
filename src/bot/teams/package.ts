// The Teams app package an admin uploads (Teams admin center > Manage apps > Upload, or Apps > Manage your
// apps > Upload an app): manifest.json with a pinned schema version, a 192x192 colour icon and a 32x32
// transparent outline icon, and fr.json, the French localisation file of the manifest's texts (Teams shows it
// to people whose Teams speaks French; localizationInfo names it), zipped flat. The texts come from the
// catalogues (src/i18n). Icons are drawn in-process; the zip is written here (store + deflate).
import { crc32, deflateRawSync } from "node:zlib";
import { PassThrough } from "node:stream";
import * as PImage from "pureimage";
import { t } from "../../i18n/index.js";

export const MANIFEST_VERSION = "1.19";
export const MANIFEST_SCHEMA = `https://developer.microsoft.com/en-us/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`;
export const LOCALIZATION_SCHEMA = `https://developer.microsoft.com/en-us/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.Localization.schema.json`;
/** The manifest's own language (Teams' fallback) and the localisation files beside it. */
const DEFAULT_LANGUAGE = { tag: "en", locale: "en-GB" };
export const ADDITIONAL_LANGUAGES = [{ tag: "fr", locale: "fr-FR", file: "fr.json" }] as const;

/**
 * The manifest's localisable texts in the language of `locale`, keyed as the localization schema names them
 * ("name.short", "bots[0].commandLists[0].commands[0].title"…); teamsManifest reads the same texts.
 */
export function manifestTexts(locale: string): Record<string, string> {
  return {
    "name.short": t(locale, "teamsApp.nameShort"),
    "name.full": t(locale, "teamsApp.nameFull"),
    "description.short": t(locale, "teamsApp.descriptionShort"),
    "description.full": t(locale, "teamsApp.descriptionFull"),
    "bots[0].commandLists[0].commands[0].description": t(locale, "teamsApp.commandCredit"),
    "bots[0].commandLists[0].commands[1].description": t(locale, "teamsApp.commandDispute"),
    "bots[0].commandLists[0].commands[2].description": t(locale, "teamsApp.commandHelp"),
    "composeExtensions[0].commands[0].title": t(locale, "teamsApp.findAccountTitle"),
    "composeExtensions[0].commands[0].description": t(locale, "teamsApp.findAccountDescription"),
    "composeExtensions[0].commands[0].parameters[0].title": t(locale, "teamsApp.findAccountParameterTitle"),
    "composeExtensions[0].commands[0].parameters[0].description": t(locale, "teamsApp.findAccountParameterDescription"),
    "composeExtensions[0].commands[1].title": t(locale, "teamsApp.flagDisputeTitle"),
    "composeExtensions[0].commands[1].description": t(locale, "teamsApp.flagDisputeDescription"),
  };
}

/** A localisation file (fr.json): the schema, then every localisable text of the manifest in that language. */
export function teamsLocalization(locale: string): Record<string, string> {
  return { $schema: LOCALIZATION_SCHEMA, ...manifestTexts(locale) };
}

export interface PackageInput {
  /** The bot's Microsoft App ID; also used as the Teams app id. */
  appId: string;
  /** Semantic version of the package (Teams wants x.y.z and a higher one for each update). */
  version: string;
  /** Host name of the messaging endpoint (no scheme), listed as a valid domain. */
  botDomain?: string;
  developer?: { name: string; websiteUrl: string; privacyUrl: string; termsOfUseUrl: string };
}

const SCOPES = ["personal", "team", "groupChat"] as const;

export function teamsManifest(input: PackageInput): Record<string, unknown> {
  const developer = input.developer ?? {
    name: "credit-committee-bot",
    websiteUrl: "https://github.com/credit-committee-bot/credit-committee-bot",
    privacyUrl: "https://github.com/credit-committee-bot/credit-committee-bot#privacy",
    termsOfUseUrl: "https://github.com/credit-committee-bot/credit-committee-bot#license",
  };
  const text = manifestTexts(DEFAULT_LANGUAGE.locale);
  const say = (key: string) => text[key] ?? "";
  return {
    $schema: MANIFEST_SCHEMA,
    manifestVersion: MANIFEST_VERSION,
    version: input.version,
    id: input.appId,
    developer,
    name: { short: say("name.short"), full: say("name.full") },
    description: { short: say("description.short"), full: say("description.full") },
    localizationInfo: {
      defaultLanguageTag: DEFAULT_LANGUAGE.tag,
      additionalLanguages: ADDITIONAL_LANGUAGES.map((l) => ({ languageTag: l.tag, file: l.file })),
    },
    icons: { color: "color.png", outline: "outline.png" },
    accentColor: "#1D4ED8",
    bots: [
      {
        botId: input.appId,
        scopes: [...SCOPES],
        // The evidence file is sent in the personal chat after the person accepts it (file consent).
        supportsFiles: true,
        isNotificationOnly: false,
        commandLists: [
          {
            scopes: [...SCOPES],
            commands: [
              // The titles are what people type: the same in every language.
              { title: "credit", description: say("bots[0].commandLists[0].commands[0].description") },
              { title: "dispute", description: say("bots[0].commandLists[0].commands[1].description") },
              { title: "help", description: say("bots[0].commandLists[0].commands[2].description") },
            ],
          },
        ],
      },
    ],
    composeExtensions: [
      {
        botId: input.appId,
        commands: [
          {
            id: "findAccount",
            type: "query",
            title: say("composeExtensions[0].commands[0].title"),
            description: say("composeExtensions[0].commands[0].description"),
            initialRun: false,
            parameters: [
              {
                name: "query",
                title: say("composeExtensions[0].commands[0].parameters[0].title"),
                description: say("composeExtensions[0].commands[0].parameters[0].description"),
              },
            ],
          },
          {
            id: "flagDispute",
            type: "action",
            title: say("composeExtensions[0].commands[1].title"),
            description: say("composeExtensions[0].commands[1].description"),
            context: ["message", "compose", "commandBox"],
            fetchTask: true,
          },
        ],
      },
    ],
    permissions: ["identity", "messageTeamMembers"],
    // Read the messages of the team's channels (granted per team at install): what the committee writes in
    // the digest's thread is recorded as discussion without having to mention the bot.
    webApplicationInfo: { id: input.appId, resource: "https://RscBasedStoreApp" },
    authorization: { permissions: { resourceSpecific: [{ name: "ChannelMessage.Read.Group", type: "Application" }] } },
    validDomains: input.botDomain ? [input.botDomain] : [],
  };
}

async function png(image: ReturnType<typeof PImage.make>): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  await PImage.encodePNGToStream(image, stream);
  return Buffer.concat(chunks);
}

/** The colour icon: a blue square with three rising white bars (the aged balance, read the other way). */
export async function colorIcon(): Promise<Buffer> {
  const image = PImage.make(192, 192);
  const ctx = image.getContext("2d");
  ctx.fillStyle = "#1D4ED8";
  ctx.fillRect(0, 0, 192, 192);
  ctx.fillStyle = "#FFFFFF";
  for (const [i, h] of [60, 95, 130].entries()) ctx.fillRect(38 + i * 42, 156 - h, 30, h);
  return png(image);
}

/** The outline icon: white on transparent, 32x32, as Teams requires. */
export async function outlineIcon(): Promise<Buffer> {
  const image = PImage.make(32, 32);
  const ctx = image.getContext("2d");
  ctx.clearRect(0, 0, 32, 32);
  ctx.fillStyle = "#FFFFFF";
  for (const [i, h] of [10, 16, 22].entries()) ctx.fillRect(6 + i * 7, 27 - h, 5, h);
  return png(image);
}

/** A zip archive of `files` (deflated), as the Teams upload expects: files at the root. */
export function zip(files: Array<{ name: string; data: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  // 1980-01-01 00:00, the DOS epoch: the archive is byte-for-byte reproducible.
  const dosTime = 0;
  const dosDate = (0 << 9) | (1 << 5) | 1;
  for (const file of files) {
    const name = Buffer.from(file.name, "utf8");
    const data = deflateRawSync(file.data);
    const crc = crc32(file.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

export async function buildTeamsPackage(input: PackageInput): Promise<Buffer> {
  return zip([
    { name: "manifest.json", data: Buffer.from(`${JSON.stringify(teamsManifest(input), null, 2)}\n`) },
    { name: "color.png", data: await colorIcon() },
    { name: "outline.png", data: await outlineIcon() },
    ...ADDITIONAL_LANGUAGES.map((l) => ({ name: l.file, data: Buffer.from(`${JSON.stringify(teamsLocalization(l.locale), null, 2)}\n`) })),
  ]);
}
