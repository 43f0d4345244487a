// Runs an entry point of the bot (cli/ccbot, start, demo) from the compiled JavaScript in dist/ when it is there
// and up to date with src/, else from the TypeScript sources through tsx, saying so once on stderr: compiling
// on every call costs a person seconds per command (npm run bench measures both).
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The newest modification time of a .ts file under `dir`. The generated Prisma client (src/generated) is left
 * out: `prisma generate` rewrites it at every install with the same content; the schema it comes from counts.
 */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full !== path.join(ROOT, "src", "generated")) newest = Math.max(newest, newestSource(full));
    } else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Why dist/ cannot be used for `entry` ("missing", "older than src/"), or null when it can. */
export function staleReason(entry) {
  const compiled = path.join(ROOT, "dist", `${entry}.js`);
  if (!existsSync(compiled)) return "dist/ is missing";
  const built = statSync(compiled).mtimeMs;
  if (existsSync(path.join(ROOT, "src")) && built < newestSource(path.join(ROOT, "src"))) return "dist/ is older than src/";
  const schema = path.join(ROOT, "prisma", "schema.prisma");
  if (existsSync(schema) && built < statSync(schema).mtimeMs) return "dist/ is older than prisma/schema.prisma";
  return null;
}

export async function launch(entry) {
  const why = process.env.CCBOT_FROM_SOURCES === "1" ? "CCBOT_FROM_SOURCES=1" : staleReason(entry);
  if (why === null) {
    await import(pathToFileURL(path.join(ROOT, "dist", `${entry}.js`)).href);
    return;
  }
  if (why !== "CCBOT_FROM_SOURCES=1") {
    process.stderr.write(`ccbot: running the TypeScript sources through tsx (${why}): \`npm run build\` makes every start faster.\n`);
  }
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(path.join(ROOT, "src", `${entry}.ts`)).href);
}
