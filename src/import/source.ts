// Reads a delimited text file as a stream of rows with their line numbers, in the encoding and with the line
// endings the whole-file scan decided (scan.ts); separator (; , tab |) and header are detected. Memory stays
// flat whatever the size: a line longer than MAX_LINE_CHARS is refused rather than held.
import { createReadStream, openSync, readSync, closeSync, statSync } from "node:fs";
import path from "node:path";
import { AppError } from "../errors.js";
import { createDecoder, type Encoding, type LineEnding } from "./scan.js";

export type { Encoding, EncodingOption } from "./scan.js";

/** The longest physical line (or quoted record) read, in characters: beyond it the file is refused at that line. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

/** A problem that stops the reading of the file at a line (an unclosed quote, a line too long). */
export class SourceLineError extends AppError {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super("input.file", `line ${line}: ${reason}`);
    this.name = "SourceLineError";
  }
}

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
  // The scan has checked every byte: a UTF-8 file is valid UTF-8, and single-byte encodings decode any byte.
  const decoder = createDecoder(encoding, { fatal: true });
  let offset = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
    const bytes = chunk as Buffer;
    let text: string;
    try {
      text = decoder.decode(bytes, { stream: true });
    } catch {
      throw new AppError(
        "input.file",
        `${path.basename(file)} is not valid ${encoding.toUpperCase()} (in the ${bytes.length} bytes after offset ${offset}). ` +
          "Save it as UTF-8, or give its encoding with --encoding iso-8859-15 or windows-1252.",
      );
    }
    offset += bytes.length;
    onBytes(offset);
    if (text) yield text;
  }
  const rest = decoder.decode(new Uint8Array(0));
  if (rest) yield rest;
}

export interface OpenOptions {
  /** As decided on the whole file by scanFile + decideEncoding. */
  encoding: Encoding;
  lineEnding?: LineEnding;
  /** FEC files are not quoted: a " inside a label is a plain character. */
  quoted?: boolean;
}

export function openDelimitedFile(file: string, options: OpenOptions): RowSource {
  const sample = readSample(file);
  const encoding = options.encoding;
  const lineEnding = options.lineEnding ?? "lf";
  const sampleText = createDecoder(encoding).decode(sample);
  const firstLine = sampleText.replace(/^\uFEFF/, "").split(lineEnding === "cr" ? "\r" : /\r?\n/, 1)[0] ?? "";
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
      lineEnding,
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
 * With CR-only line endings (classic Mac OS) every CR is a line break.
 */
export async function* splitRows(
  chunks: AsyncIterable<string>,
  delimiter: string,
  quoted: boolean,
  lineEnding: LineEnding = "lf",
): AsyncIterable<SourceRow[]> {
  let pending = "";
  let lineNo = 0;
  let record: string | null = null; // a quoted record spanning several lines
  let recordLine = 0;
  let started = false;
  let batch: SourceRow[] = [];
  const tooLong = (line: number) =>
    new SourceLineError(
      line,
      `longer than ${MAX_LINE_CHARS.toLocaleString("en")} characters${record !== null ? " (a quoted field opened here is probably never closed: a \" is missing)" : ""}; nothing after it was read`,
    );
  const push = (text: string, line: number) => {
    if (text.trim() === "") return;
    batch.push({ line, fields: quoted && text.includes('"') ? splitQuoted(text, delimiter) : text.split(delimiter) });
  };
  const take = (line: string) => {
    lineNo += 1;
    if (record !== null) {
      record += "\n" + line;
      if (record.length > MAX_LINE_CHARS) throw tooLong(recordLine);
      // The record's quotes were unbalanced: this line closes it when it holds an odd number of quotes.
      if (quoteCount(line) % 2 === 1) {
        push(record, recordLine);
        record = null;
      }
    } else if (quoted && line.includes('"') && quoteCount(line) % 2 === 1) {
      record = line;
      recordLine = lineNo;
    } else push(line, lineNo);
  };
  for await (let chunk of chunks) {
    if (!started) {
      started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (lineEnding === "cr") chunk = chunk.replaceAll("\r", "\n");
    const searchFrom = pending.length;
    pending += chunk;
    let from = 0;
    let at = pending.indexOf("\n", searchFrom);
    while (at >= 0) {
      const end = at > from && pending.charCodeAt(at - 1) === 13 ? at - 1 : at;
      take(pending.slice(from, end));
      from = at + 1;
      at = pending.indexOf("\n", from);
    }
    pending = pending.slice(from);
    if (pending.length > MAX_LINE_CHARS) throw tooLong(record !== null ? recordLine : lineNo + 1);
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  if (pending !== "") take(pending.endsWith("\r") ? pending.slice(0, -1) : pending);
  if (record !== null) {
    throw new SourceLineError(recordLine, 'a quoted field is never closed (a " is missing); nothing after it was read');
  }
  if (batch.length > 0) yield batch;
}

function quoteCount(text: string): number {
  let count = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) count += 1;
  return count;
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
