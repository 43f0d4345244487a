// Reads a delimited text file as a stream of rows with their line numbers: encoding (UTF-8 with or without
// BOM, or ISO-8859-15), separator (; , tab |) and header are detected. Memory stays flat whatever the size.
import { createReadStream, openSync, readSync, closeSync, statSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse";
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
  rows: AsyncIterable<SourceRow>;
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
  const parser = parse({
    delimiter,
    bom: true,
    quote: quoted ? '"' : false,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
  });
  const header: string[] = [];
  async function* rows(): AsyncIterable<SourceRow> {
    const feeding = (async () => {
      try {
        for await (const text of decode(file, encoding, (n) => (bytes = n))) {
          if (parser.destroyed) return;
          if (!parser.write(text)) await drainedOrClosed(parser);
        }
        parser.end();
      } catch (error) {
        parser.destroy(error as Error);
      }
    })();
    let first = true;
    try {
      for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        if (first) {
          first = false;
          continue;
        }
        yield { line: record.info.lines, fields: record.record };
      }
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError("input.file", `${path.basename(file)} cannot be read as a delimited file: ${(error as Error).message}`);
    } finally {
      // The consumer may stop early (it threw): stop reading the file too.
      if (!parser.destroyed) parser.destroy();
      await feeding;
    }
  }
  // The header is parsed from the sample with the same rules, so callers can check columns before streaming.
  for (const name of splitHeader(firstLine, delimiter, quoted)) header.push(name);
  return { file, encoding, delimiter, header, totalBytes, bytesRead: () => bytes, rows: rows() };
}

function drainedOrClosed(stream: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}

function splitHeader(line: string, delimiter: string, quoted: boolean): string[] {
  const names: string[] = [];
  let current = "";
  let inQuotes = false;
  for (const char of line) {
    if (quoted && char === '"') inQuotes = !inQuotes;
    else if (char === delimiter && !inQuotes) {
      names.push(current.trim());
      current = "";
    } else current += char;
  }
  names.push(current.trim());
  return names;
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
