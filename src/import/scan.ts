// One pass over the whole file before any row is read: its SHA-256, its line endings, and its encoding,
// decided on every byte (never on a sample), with the line and byte offset of the evidence. A file is:
// - UTF-8 when every byte sequence is valid UTF-8 (with or without BOM);
// - refused when it holds valid UTF-8 characters *and* bytes that are not UTF-8: two encodings are mixed,
//   and reading it either way would store a wrong character somewhere ("é" as "Ã©", or the reverse);
// - Windows-1252 when a byte 0x80–0x9F appears (a control character in ISO-8859-15, "’ “ ” Œ €" in
//   Windows-1252: French accounting exports often are Windows-1252);
// - ISO-8859-15 otherwise.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { isAscii, isUtf8 } from "node:buffer";

export type Encoding = "utf-8" | "iso-8859-15" | "windows-1252";
export type EncodingOption = Encoding | "auto";
export const ENCODING_OPTIONS: readonly EncodingOption[] = ["auto", "utf-8", "iso-8859-15", "windows-1252"];

export type LineEnding = "lf" | "cr";

/** Where something was found: 0-based byte offset and 1-based physical line. */
export interface Position {
  offset: number;
  line: number;
}

export interface FileScan {
  sha256: string;
  bytes: number;
  /** Line breaks: LF (with or without CR before it), or CR alone (classic Mac OS). */
  lineEnding: LineEnding;
  /** Physical lines (the header included). */
  lines: number;
  utf8Bom: boolean;
  /** The first byte sequence that is not UTF-8, if any. */
  firstInvalidUtf8: (Position & { byte: number }) | null;
  /** The first valid multi-byte UTF-8 character, if any (anywhere in the file). */
  firstUtf8Character: (Position & { char: string }) | null;
  /** The first byte 0x80–0x9F, once the file is known not to be UTF-8. */
  firstC1Byte: (Position & { byte: number }) | null;
}

/** Counts of line-break bytes, to turn an offset into a line number whatever the line endings turn out to be. */
interface Breaks {
  lf: number;
  cr: number;
}

interface RawPosition {
  offset: number;
  before: Breaks;
}

/** A valid multi-byte UTF-8 sequence, matched in text decoded byte for byte (latin1). */
const UTF8_SEQUENCE =
  /[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}/;
const C1_BYTE = /[\x80-\x9f]/;

function countByte(buffer: Buffer, byte: number, end = buffer.length): number {
  let count = 0;
  for (let at = buffer.indexOf(byte); at >= 0 && at < end; at = buffer.indexOf(byte, at + 1)) count += 1;
  return count;
}

/** Length of the UTF-8 sequence a lead byte announces (0: not a lead byte). */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Index where a trailing, possibly incomplete sequence starts (it is checked with the next chunk). */
function completeLength(buffer: Buffer): number {
  for (let back = 1; back <= 3 && back <= buffer.length; back++) {
    const byte = buffer[buffer.length - back] as number;
    if (byte < 0x80) return buffer.length;
    if (byte >= 0xc0) return sequenceLength(byte) > back ? buffer.length - back : buffer.length;
  }
  return buffer.length;
}

/** Index of the first byte that does not start a valid UTF-8 sequence (the buffer is known invalid). */
function firstInvalid(buffer: Buffer): number {
  for (let i = 0; i < buffer.length; ) {
    const length = sequenceLength(buffer[i] as number);
    if (length === 0 || i + length > buffer.length || !isUtf8(buffer.subarray(i, i + length))) return i;
    i += length;
  }
  return buffer.length;
}

/** The first multi-byte character of a valid UTF-8 buffer that is not ASCII. */
function firstNonAscii(buffer: Buffer): { index: number; char: string } {
  let i = 0;
  while (i < buffer.length && (buffer[i] as number) < 0x80) i += 1;
  const length = sequenceLength(buffer[i] as number);
  return { index: i, char: buffer.subarray(i, i + length).toString("utf8") };
}

export async function scanFile(file: string): Promise<FileScan> {
  const hash = createHash("sha256");
  const breaks: Breaks = { lf: 0, cr: 0 };
  let offset = 0;
  let utf8 = true;
  let carry: Buffer = Buffer.alloc(0); // an incomplete UTF-8 sequence cut at the end of the previous chunk
  let overlap: Buffer = Buffer.alloc(0); // the last bytes of the previous chunk, for sequences cut in two
  let invalid: (RawPosition & { byte: number }) | null = null;
  let character: (RawPosition & { char: string }) | null = null;
  let c1: (RawPosition & { byte: number }) | null = null;
  let bom = false;
  let lastByte = -1;

  let chunk: Buffer = Buffer.alloc(0);
  /** The position of an absolute offset: bytes before the current chunk are all counted in `breaks`; a carried
   *  or overlapping byte before it is never followed by a line break within that chunk's tail. */
  const at = (position: number): RawPosition => {
    const within = position - offset;
    return {
      offset: position,
      before: within <= 0 ? { ...breaks } : { lf: breaks.lf + countByte(chunk, 0x0a, within), cr: breaks.cr + countByte(chunk, 0x0d, within) },
    };
  };

  /** Looks for UTF-8 characters and C1 bytes in bytes read as single-byte text. */
  const scanSingleByte = (buffer: Buffer, bufferStart: number) => {
    if (character !== null && c1 !== null) return;
    const text = buffer.toString("latin1");
    if (character === null) {
      const match = UTF8_SEQUENCE.exec(text);
      if (match) {
        const bytes = Buffer.from(match[0], "latin1");
        character = { ...at(bufferStart + match.index), char: bytes.toString("utf8") };
      }
    }
    if (c1 === null) {
      const match = C1_BYTE.exec(text);
      if (match) c1 = { ...at(bufferStart + match.index), byte: text.charCodeAt(match.index) };
    }
  };

  for await (const piece of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    chunk = piece as Buffer;
    hash.update(chunk);
    if (offset === 0) bom = chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
    if (utf8) {
      const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const dataStart = offset - carry.length;
      const end = completeLength(data);
      const body = data.subarray(0, end);
      if (isUtf8(body)) {
        if (character === null && !isAscii(body) && !(bom && dataStart === 0 && isAscii(body.subarray(3)))) {
          const found = firstNonAscii(bom && dataStart === 0 ? body.subarray(3) : body);
          const index = found.index + (bom && dataStart === 0 ? 3 : 0);
          character = { ...at(dataStart + index), char: found.char };
        }
        carry = Buffer.from(data.subarray(end));
      } else {
        utf8 = false;
        const index = firstInvalid(body);
        invalid = { ...at(dataStart + index), byte: data[index] as number };
        const before = data.subarray(bom && dataStart === 0 ? 3 : 0, index);
        if (character === null && !isAscii(before)) {
          const found = firstNonAscii(before);
          character = { ...at(dataStart + found.index + (bom && dataStart === 0 ? 3 : 0)), char: found.char };
        }
        scanSingleByte(data.subarray(index), dataStart + index);
        carry = Buffer.alloc(0);
      }
    } else {
      const data = Buffer.concat([overlap, chunk]);
      scanSingleByte(data, offset - overlap.length);
    }
    overlap = Buffer.from(chunk.subarray(Math.max(0, chunk.length - 3)));
    breaks.lf += countByte(chunk, 0x0a);
    breaks.cr += countByte(chunk, 0x0d);
    lastByte = chunk.length > 0 ? (chunk[chunk.length - 1] as number) : lastByte;
    offset += chunk.length;
  }
  if (utf8 && carry.length > 0) {
    // The file ends in the middle of a UTF-8 sequence.
    utf8 = false;
    invalid = { offset: offset - carry.length, before: { ...breaks }, byte: carry[0] as number };
  }

  const lineEnding: LineEnding = breaks.lf === 0 && breaks.cr > 0 ? "cr" : "lf";
  const located = <T extends RawPosition>(p: T | null): (Omit<T, "before"> & { line: number }) | null => {
    if (p === null) return null;
    const { before, ...rest } = p;
    return { ...rest, line: 1 + (lineEnding === "cr" ? before.cr : before.lf) };
  };
  const breaksCount = lineEnding === "cr" ? breaks.cr : breaks.lf;
  const endsWithBreak = lastByte === (lineEnding === "cr" ? 0x0d : 0x0a);
  return {
    sha256: hash.digest("hex"),
    bytes: offset,
    lineEnding,
    lines: offset === 0 ? 0 : breaksCount + (endsWithBreak ? 0 : 1),
    utf8Bom: bom,
    firstInvalidUtf8: located(invalid),
    firstUtf8Character: located(character),
    // (set inside scanSingleByte, which the compiler's narrowing does not follow)
    firstC1Byte: utf8 ? null : located(c1 as (RawPosition & { byte: number }) | null),
  };
}

/** Windows-1252 bytes 0x80–0x9F (0x81, 0x8D, 0x8F, 0x90 and 0x9D are unassigned and stay C1 controls). */
const WINDOWS_1252_C1 =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

/** Text decoder for one encoding, fed chunk by chunk. */
export interface Decoder {
  decode(bytes: Uint8Array, options?: { stream?: boolean }): string;
}

/**
 * A decoder for the encoding. Windows-1252 is decoded here: Node 20's TextDecoder("windows-1252") reads bytes
 * 0x80–0x9F as C1 controls (as ISO-8859-1 does), which is exactly what must not happen.
 */
export function createDecoder(encoding: Encoding, options: { fatal?: boolean } = {}): Decoder {
  if (encoding !== "windows-1252") return new TextDecoder(encoding, { fatal: options.fatal ?? false, ignoreBOM: false });
  return {
    decode: (bytes) =>
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        .toString("latin1")
        .replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80] as string),
  };
}

export interface EncodingDecision {
  encoding: Encoding;
  /** Why the file cannot be read, at a line: a mixed or invalid encoding. */
  refusal?: { line: number; reason: string };
  /** What the summary should say about the encoding. */
  note?: string;
}

function hex(byte: number): string {
  return `0x${byte.toString(16).toUpperCase().padStart(2, "0")}`;
}

/** The encoding to read the file with, from the scan and the --encoding option. */
export function decideEncoding(scan: FileScan, option: EncodingOption): EncodingDecision {
  const invalid = scan.firstInvalidUtf8;
  if (option === "utf-8" || (option === "auto" && invalid === null)) {
    if (invalid === null) return { encoding: "utf-8" };
    return {
      encoding: "utf-8",
      refusal: {
        line: invalid.line,
        reason: `byte ${hex(invalid.byte)} at offset ${invalid.offset} is not UTF-8 (--encoding utf-8). Save the file as UTF-8, or give the encoding it was saved in`,
      },
    };
  }
  if (option !== "auto") return { encoding: option };
  // Not UTF-8 (invalid !== null from here).
  const bad = invalid as NonNullable<typeof invalid>;
  if (scan.utf8Bom || scan.firstUtf8Character !== null) {
    const evidence = scan.utf8Bom
      ? "it starts with a UTF-8 byte order mark"
      : `"${scan.firstUtf8Character?.char}" on line ${scan.firstUtf8Character?.line}`;
    return {
      encoding: "utf-8",
      refusal: {
        line: bad.line,
        reason:
          `byte ${hex(bad.byte)} at offset ${bad.offset} is not UTF-8, while the file holds UTF-8 characters elsewhere (${evidence}): ` +
          "it mixes two encodings. Save it again as UTF-8, or give --encoding iso-8859-15 or windows-1252 to read every byte as one character",
      },
    };
  }
  const c1 = scan.firstC1Byte;
  if (c1 !== null) {
    const char = createDecoder("windows-1252").decode(Uint8Array.of(c1.byte));
    return {
      encoding: "windows-1252",
      note:
        `encoding: read as Windows-1252, not ISO-8859-15: byte ${hex(c1.byte)} on line ${c1.line} is a character in Windows-1252 (${char}) ` +
        "and a control character in ISO-8859-15",
    };
  }
  return { encoding: "iso-8859-15" };
}
