// Maps a file's header to the columns an importer knows, by normalised name and documented aliases.
import { AppError } from "../errors.js";
import { normaliseColumnName } from "./source.js";

export interface ColumnSpec {
  /** Canonical name, as documented in docs/import-formats.md. */
  name: string;
  required?: boolean;
  aliases?: string[];
}

/** Column name -> field index, for the columns present in the file. */
export type ColumnIndex<Name extends string> = Partial<Record<Name, number>>;

export function mapColumns<Name extends string>(
  file: string,
  header: string[],
  specs: ReadonlyArray<ColumnSpec & { name: Name }>,
): ColumnIndex<Name> {
  const positions = new Map<string, number[]>();
  header.forEach((name, index) => {
    const key = normaliseColumnName(name);
    if (key) positions.set(key, [...(positions.get(key) ?? []), index]);
  });
  const index: ColumnIndex<Name> = {};
  const missing: string[] = [];
  const duplicates: string[] = [];
  for (const spec of specs) {
    // Every column of the file that gives this one, by its name or an alias: two would be a guess.
    const found = [...new Set([spec.name, ...(spec.aliases ?? [])].map(normaliseColumnName))]
      .flatMap((key) => positions.get(key) ?? [])
      .sort((a, b) => a - b);
    if (found.length > 1) {
      const named = found.map((at) => `${at + 1} "${header[at]}"`);
      duplicates.push(`columns ${named.slice(0, -1).join(", ")} and ${named.at(-1)} both give ${spec.name}`);
    }
    if (found.length > 0) index[spec.name] = found[0];
    else if (spec.required) missing.push(spec.name);
  }
  if (duplicates.length > 0) {
    throw new AppError("input.file", `${file}, line 1: ${duplicates.join("; ")}: keep one of them.`);
  }
  if (missing.length > 0) {
    throw new AppError(
      "input.file",
      `${file}, line 1: missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}. ` +
        `Found: ${header.join(", ") || "(nothing)"}. See docs/import-formats.md for the expected names.`,
    );
  }
  return index;
}

export function cell<Name extends string>(fields: string[], index: ColumnIndex<Name>, name: Name): string {
  const at = index[name];
  return at === undefined ? "" : (fields[at] ?? "").trim();
}

/** A function turning a row's fields into { column: trimmed text } for every known column ("" if absent). */
export function rowReader<Name extends string>(
  specs: ReadonlyArray<{ name: Name }>,
  index: ColumnIndex<Name>,
): (fields: string[]) => Record<Name, string> {
  const names = specs.map((s) => s.name);
  const positions = names.map((name) => index[name] ?? -1);
  return (fields) => {
    const row = {} as Record<Name, string>;
    for (let i = 0; i < names.length; i++) {
      const at = positions[i] as number;
      row[names[i] as Name] = at < 0 ? "" : (fields[at] ?? "").trim();
    }
    return row;
  };
}
