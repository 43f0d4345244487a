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
  const positions = new Map<string, number>();
  header.forEach((name, index) => {
    const key = normaliseColumnName(name);
    if (key && !positions.has(key)) positions.set(key, index);
  });
  const index: ColumnIndex<Name> = {};
  const missing: string[] = [];
  for (const spec of specs) {
    const found = [spec.name, ...(spec.aliases ?? [])].map(normaliseColumnName).find((key) => positions.has(key));
    if (found !== undefined) index[spec.name] = positions.get(found);
    else if (spec.required) missing.push(spec.name);
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
