#!/usr/bin/env node
// `ccbot`: the compiled CLI (dist/, built at install) when up to date, else the sources through tsx (bin/launch.js).
import { launch } from "./launch.js";

await launch("cli/ccbot");
