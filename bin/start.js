#!/usr/bin/env node
// `npm start`: the bot from dist/ (built at install), or from the sources through tsx when dist/ is stale.
import { launch } from "./launch.js";

const entry = process.argv[2] ?? "start";
if (!["start", "demo"].includes(entry)) {
  process.stderr.write(`bin/start.js runs start or demo, not ${entry}\n`);
  process.exit(2);
}
await launch(entry);
