// Reads a delimited text file as a stream of rows with their line numbers: encoding (UTF-8 with or without
// BOM, or ISO-8859-15), separator (; , tab |) and header are detected. Memory stays flat whatever the size.
import { createReadStream, openSync, readSync, closeSync, statSync } from "node:fs";
import path from "node:path";
import { AppError } from "../errors.js";

export type Encoding = "utf-8" | "iso-8859-15";
export type EncodingOption = Encoding | "auto";

export interface SourceRow {
  /** 1-based physical line number in the file (the header is line 1). */
  line: number;
  fields: string[];
}

export interface RowSource {
  file: string;
  encoding: Encoding;
  delimiter: string;
  /** Header names as written in the file. */
  header: string[];
  totalBytes: number;
  bytesRead(): number;
  /** The data rows (header excluded), a few thousand at a time. */
  batches: AsyncIterable<SourceRow[]>;
}

const SAMPLE_BYTES = 64 * 1024;
const DELIMITERS = [";", ",", "\t", "|"] as const;

function readSample(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (error as Error).message;
    throw new AppError("input.file", `Cannot read ${file}: ${why}.`);
  }
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const length = readSync(fd, buffer, 0, SAMPLE_BYTES, 0);
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

function hasUtf8Bom(sample: Buffer): boolean {
  return sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf;
}

export function detectEncoding(sample: Buffer): Encoding {
  if (hasUtf8Bom(sample)) return "utf-8";
  try {
    // stream: true tolerates a character cut at the end of the sample.
    new TextDecoder("utf-8", { fatal: true }).decode(sample, { stream: true });
    return "utf-8";
  } catch {
    return "iso-8859-15";
  }
}

/** The separator that splits the header line into the most fields (quotes respected). */
export function detectDelimiter(headerLine: string): string {
  let best: string = DELIMITERS[0];
  let bestCount = -1;
  for (const delimiter of DELIMITERS) {
    let count = 0;
    let quoted = false;
    for (const char of headerLine) {
      if (char === '"') quoted = !quoted;
      else if (char === delimiter && !quoted) count += 1;
    }
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

async function* decode(file: string, encoding: Encoding, onBytes: (n: number) => void): AsyncIterable<string> {
  const decoder = new TextDecoder(encoding === "utf-8" ? "utf-8" : "iso-8859-15", { fatal: true, ignoreBOM: false });
  let offset = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
    const bytes = chunk as Buffer;
    let text: string;
    try {
      text = decoder.decode(bytes, { stream: true });
    } catch {
      throw new AppError(
        "input.file",
        `${path.basename(file)} is not valid ${encoding.toUpperCase()} (somewhere after byte ${offset}). ` +
          "Save it as UTF-8, or give its encoding with --encoding iso-8859-15.",
      );
    }
    offset += bytes.length;
    onBytes(offset);
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

export interface OpenOptions {
  encoding?: EncodingOption;
  /** FEC files are not quoted: a " inside a label is a plain character. */
  quoted?: boolean;
}

export function openDelimitedFile(file: string, options: OpenOptions = {}): RowSource {
  const sample = readSample(file);
  const encoding = options.encoding && options.encoding !== "auto" ? options.encoding : detectEncoding(sample);
  const sampleText = new TextDecoder(encoding === "utf-8" ? "utf-8" : "iso-8859-15").decode(sample);
  const firstLine = sampleText.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  if (firstLine.trim() === "") {
    throw new AppError("input.file", `${path.basename(file)} is empty or its first line is blank: line 1 must hold the column names.`);
  }
  const delimiter = detectDelimiter(firstLine);
  const quoted = options.quoted ?? true;
  let bytes = 0;
  const totalBytes = statSync(file).size;
  const header = splitHeader(firstLine, delimiter, quoted);
  async function* batches(): AsyncIterable<SourceRow[]> {
    let first = true;
    for await (const batch of splitRows(
      decode(file, encoding, (n) => (bytes = n)),
      delimiter,
      quoted,
    )) {
      if (first) {
        first = false;
        batch.shift(); // the header
        if (batch.length === 0) continue;
      }
      yield batch;
    }
  }
  return { file, encoding, delimiter, header, totalBytes, bytesRead: () => bytes, batches: batches() };
}

/**
 * Splits decoded text into rows (RFC 4180: quoted fields may hold the separator, line breaks and doubled
 * quotes). Lines without a quote take the fast path. Blank lines are skipped; line numbers are physical.
 */
export async function* splitRows(chunks: AsyncIterable<string>, delimiter: string, quoted: boolean): AsyncIterable<SourceRow[]> {
  let pending = "";
  let lineNo = 0;
  let record: string | null = null; // a quoted record spanning several lines
  let recordLine = 0;
  let started = false;
  let batch: SourceRow[] = [];
  const push = (text: string, line: number) => {
    if (text.trim() === "") return;
    batch.push({ line, fields: quoted && text.includes('"') ? splitQuoted(text, delimiter) : text.split(delimiter) });
  };
  const take = (line: string) => {
    lineNo += 1;
    if (record !== null) {
      record += "\n" + line;
      if (quotesBalanced(record)) {
        push(record, recordLine);
        record = null;
      }
    } else if (quoted && line.includes('"') && !quotesBalanced(line)) {
      record = line;
      recordLine = lineNo;
    } else push(line, lineNo);
  };
  for await (let chunk of chunks) {
    if (!started) {
      started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    pending += chunk;
    let from = 0;
    let at: number;
    while ((at = pending.indexOf("\n", from)) >= 0) {
      const end = at > from && pending.charCodeAt(at - 1) === 13 ? at - 1 : at;
      take(pending.slice(from, end));
      from = at + 1;
    }
    pending = pending.slice(from);
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  if (pending !== "") take(pending.endsWith("\r") ? pending.slice(0, -1) : pending);
  if (record !== null) {
    throw new AppError("input.file", `line ${recordLine}: a quoted field is never closed (a " is missing).`);
  }
  if (batch.length > 0) yield batch;
}

function quotesBalanced(text: string): boolean {
  let count = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) count += 1;
  return count % 2 === 0;
}

function splitQuoted(text: string, delimiter: string): string[] {
  const fields: string[] = [];
  let current = "";
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (inQuotes) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          current += '"';
          i += 1;
        } else inQuotes = false;
      } else current += char;
    } else if (char === '"') inQuotes = true;
    else if (char === delimiter) {
      fields.push(current);
      current = "";
    } else current += char;
  }
  fields.push(current);
  return fields;
}

function splitHeader(line: string, delimiter: string, quoted: boolean): string[] {
  return (quoted ? splitQuoted(line, delimiter) : line.split(delimiter)).map((name) => name.trim());
}

/** "Date d'échéance" -> "date_d_echeance": how header names are compared. */
export function normaliseColumnName(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
}
