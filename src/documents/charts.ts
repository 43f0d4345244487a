// Charts as PNG, drawn in-process with pureimage (pure JavaScript) and the DejaVu Sans font from the npm
// registry: no browser, nothing downloaded at run time. Posted with the weekly digest and written by the demo.
// Titles, legends and axes are in one language: the caller's locale, through the catalogues (src/i18n). Each
// chart can report the texts it drew (`drawn`), so a test reads what a person sees.
import { createRequire } from "node:module";
import { PassThrough } from "node:stream";
import * as PImage from "pureimage";
import { t } from "../i18n/index.js";

const FAMILY = "DejaVu Sans"; // i18n-exempt: a font name
let fontReady: Promise<void> | undefined;

function loadFont(): Promise<void> {
  const file = createRequire(import.meta.url).resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
  fontReady ??= PImage.registerFont(file, FAMILY).load();
  return fontReady;
}

const WIDTH = 900;
const HEIGHT = 420;
const MARGIN = { left: 90, right: 30, top: 60, bottom: 70 };
const INK = "#1f2937";
const GRID = "#e5e7eb";
const THIS_WEEK = "#1d4ed8";
const LAST_WEEK = "#9ca3af";

type Ctx = ReturnType<ReturnType<typeof PImage.make>["getContext"]>;

/** The 2D context, every text it draws also written to `drawn`. */
function context(image: ReturnType<typeof PImage.make>, drawn?: string[]): Ctx {
  const ctx = image.getContext("2d");
  if (!drawn) return ctx;
  const fillText = ctx.fillText.bind(ctx);
  ctx.fillText = (text: string, x: number, y: number) => {
    drawn.push(text);
    fillText(text, x, y);
  };
  return ctx;
}

function frame(ctx: Ctx, title: string, max: number, format: (v: number) => string): (v: number) => number {
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, WIDTH, HEIGHT);
  ctx.fillStyle = INK;
  ctx.font = `18pt '${FAMILY}'`;
  ctx.fillText(title, MARGIN.left, 32);
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const y = (v: number) => HEIGHT - MARGIN.bottom - (max > 0 ? (v / max) * plotHeight : 0);
  ctx.font = `11pt '${FAMILY}'`;
  for (let i = 0; i <= 4; i++) {
    const value = (max * i) / 4;
    ctx.strokeStyle = GRID;
    ctx.beginPath();
    ctx.moveTo(MARGIN.left, y(value));
    ctx.lineTo(WIDTH - MARGIN.right, y(value));
    ctx.stroke();
    ctx.fillStyle = INK;
    ctx.fillText(format(value), 8, y(value) + 4);
  }
  return y;
}

async function png(image: ReturnType<typeof PImage.make>): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  await PImage.encodePNGToStream(image, stream);
  return Buffer.concat(chunks);
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / magnitude) * magnitude;
}

/** The aged balance by bucket, this week's bars beside last week's. Amounts in minor units. */
export async function agingChart(
  input: {
    title: string;
    labels: string[];
    current: bigint[];
    previous: bigint[] | null;
    formatAmount: (major: number) => string;
    /** The language of the legend. */
    locale: string;
  },
  drawn?: string[],
): Promise<Buffer> {
  await loadFont();
  const image = PImage.make(WIDTH, HEIGHT);
  const ctx = context(image, drawn);
  const values = [...input.current, ...(input.previous ?? [])].map((v) => Number(v) / 100);
  const y = frame(ctx, input.title, niceMax(Math.max(...values, 0)), input.formatAmount);
  const slot = (WIDTH - MARGIN.left - MARGIN.right) / input.labels.length;
  const bar = slot * (input.previous ? 0.34 : 0.6);
  input.labels.forEach((label, i) => {
    const x = MARGIN.left + i * slot + slot * 0.12;
    if (input.previous) {
      ctx.fillStyle = LAST_WEEK;
      const v = Number(input.previous[i] ?? 0n) / 100;
      ctx.fillRect(x, y(v), bar, y(0) - y(v));
    }
    ctx.fillStyle = THIS_WEEK;
    const v = Number(input.current[i] ?? 0n) / 100;
    const bx = input.previous ? x + bar + 4 : x;
    ctx.fillRect(bx, y(v), bar, y(0) - y(v));
    ctx.fillStyle = INK;
    ctx.font = `12pt '${FAMILY}'`;
    ctx.fillText(label, x, HEIGHT - MARGIN.bottom + 22);
  });
  ctx.font = `11pt '${FAMILY}'`;
  ctx.fillStyle = THIS_WEEK;
  ctx.fillRect(MARGIN.left, HEIGHT - 36, 14, 14);
  ctx.fillStyle = INK;
  ctx.fillText(t(input.locale, "chart.thisWeek"), MARGIN.left + 20, HEIGHT - 24);
  if (input.previous) {
    ctx.fillStyle = LAST_WEEK;
    ctx.fillRect(MARGIN.left + 140, HEIGHT - 36, 14, 14);
    ctx.fillStyle = INK;
    ctx.fillText(t(input.locale, "chart.lastWeek"), MARGIN.left + 160, HEIGHT - 24);
  }
  return png(image);
}

/** DSO month by month (countback and simple), in days. Months without a figure are left out of the lines. */
export async function dsoChart(
  input: {
    title: string;
    months: Array<{ month: string; countback: number | null; simple: number | null }>;
    /** The language of the legend and the axis. */
    locale: string;
  },
  drawn?: string[],
): Promise<Buffer> {
  await loadFont();
  const image = PImage.make(WIDTH, HEIGHT);
  const ctx = context(image, drawn);
  const values = input.months.flatMap((m) => [m.countback, m.simple]).filter((v): v is number => v !== null);
  const y = frame(ctx, input.title, niceMax(Math.max(...values, 0)), (v) => t(input.locale, "chart.days", { days: Math.round(v) }));
  const step = (WIDTH - MARGIN.left - MARGIN.right) / Math.max(1, input.months.length - 1);
  const x = (i: number) => MARGIN.left + i * step;
  const line = (key: "countback" | "simple", color: string) => {
    ctx.strokeStyle = color;
    ctx.lineWidth = 3;
    ctx.beginPath();
    let started = false;
    input.months.forEach((m, i) => {
      const v = m[key];
      if (v === null) return;
      if (started) ctx.lineTo(x(i), y(v));
      else ctx.moveTo(x(i), y(v));
      started = true;
    });
    ctx.stroke();
  };
  line("simple", LAST_WEEK);
  line("countback", THIS_WEEK);
  ctx.fillStyle = INK;
  ctx.font = `10pt '${FAMILY}'`;
  input.months.forEach((m, i) => ctx.fillText(m.month.slice(2).replace("-", "/"), x(i) - 16, HEIGHT - MARGIN.bottom + 22));
  ctx.font = `11pt '${FAMILY}'`;
  ctx.fillStyle = THIS_WEEK;
  ctx.fillRect(MARGIN.left, HEIGHT - 36, 14, 14);
  ctx.fillStyle = INK;
  ctx.fillText(t(input.locale, "chart.countback"), MARGIN.left + 20, HEIGHT - 24);
  ctx.fillStyle = LAST_WEEK;
  ctx.fillRect(MARGIN.left + 140, HEIGHT - 36, 14, 14);
  ctx.fillStyle = INK;
  ctx.fillText(t(input.locale, "chart.simple"), MARGIN.left + 160, HEIGHT - 24);
  return png(image);
}
