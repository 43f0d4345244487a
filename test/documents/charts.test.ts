import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import * as PImage from "pureimage";
import { agingChart, dsoChart } from "../../src/documents/charts.js";

async function decode(png: Buffer) {
  return PImage.decodePNGFromStream(Readable.from([png]));
}

/** Height in pixels of the run of `rgb` in column x, scanning up from the baseline row. */
function barHeight(image: Awaited<ReturnType<typeof decode>>, x: number, rgb: [number, number, number]): number {
  let height = 0;
  for (let y = 349; y > 40; y--) {
    const pixel = image.getPixelRGBA(x, y);
    const [r, g, b] = [(pixel >>> 24) & 255, (pixel >>> 16) & 255, (pixel >>> 8) & 255];
    if (Math.abs(r - rgb[0]) + Math.abs(g - rgb[1]) + Math.abs(b - rgb[2]) < 30) height += 1;
  }
  return height;
}

describe("digest charts (PNG, rendered in-process)", () => {
  it("draws the aged balance: bars proportional to the amounts, this week beside last week", async () => {
    const png = await agingChart({
      title: "Aged balance",
      labels: ["not due", "1-30", "31-60", "61-90", "over 90"],
      current: [10_000_000n, 5_000_000n, 0n, 0n, 2_500_000n],
      previous: [0n, 5_000_000n, 0n, 0n, 0n],
      formatAmount: (v) => `${v / 1000} k`,
      locale: "en-GB",
    });
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    const image = await decode(png);
    expect([image.width, image.height]).toEqual([900, 420]);
    const slot = (900 - 90 - 30) / 5;
    const bar = slot * 0.34;
    const thisWeek = (i: number) => barHeight(image, Math.round(90 + i * slot + slot * 0.12 + bar + 4 + bar / 2), [0x1d, 0x4e, 0xd8]);
    const lastWeek = (i: number) => barHeight(image, Math.round(90 + i * slot + slot * 0.12 + bar / 2), [0x9c, 0xa3, 0xaf]);
    expect(thisWeek(0)).toBeGreaterThan(250);
    expect(thisWeek(1) / thisWeek(0)).toBeCloseTo(0.5, 1);
    expect(thisWeek(4) / thisWeek(0)).toBeCloseTo(0.25, 1);
    expect(thisWeek(2)).toBe(0);
    expect(lastWeek(1)).toBe(thisWeek(1));
    expect(lastWeek(0)).toBe(0);
  });

  it("draws DSO month by month, skipping months without a figure", async () => {
    const png = await dsoChart({
      title: "DSO",
      months: [
        { month: "2026-01", countback: null, simple: null },
        { month: "2026-02", countback: 45, simple: 50 },
        { month: "2026-03", countback: 60, simple: 55 },
      ],
      locale: "en-GB",
    });
    const image = await decode(png);
    const step = (900 - 90 - 30) / 2;
    const blueIn = (x: number) => barHeight(image, x, [0x1d, 0x4e, 0xd8]);
    // No figure for January: no line left of February; the countback line runs from February to March.
    expect(blueIn(95)).toBe(0);
    expect(blueIn(Math.round(90 + step * 1.5))).toBeGreaterThan(0);
  });

  it("draws legends and axes in the language of the locale: French for fr-FR, English for en-GB, never both", async () => {
    const aging = (locale: string) => {
      const drawn: string[] = [];
      return agingChart(
        { title: "t", labels: ["0"], current: [100n], previous: [50n], formatAmount: (v) => String(v), locale },
        drawn,
      ).then(() => drawn);
    };
    const dso = async (locale: string) => {
      const drawn: string[] = [];
      await dsoChart({ title: "t", months: [{ month: "2026-02", countback: 45, simple: 50 }], locale }, drawn);
      return drawn;
    };
    const french = [...(await aging("fr-FR")), ...(await dso("fr-FR"))];
    const english = [...(await aging("en-GB")), ...(await dso("en-GB"))];
    expect(french).toEqual(expect.arrayContaining(["cette semaine", "semaine dernière", "méthode par épuisement", "simple (3 mois)", "50 j"]));
    expect(english).toEqual(expect.arrayContaining(["this week", "last week", "countback", "simple (3 months)", "50 d"]));
    for (const word of ["this week", "last week", "countback", "simple (3 months)"]) expect(french).not.toContain(word);
    for (const word of ["cette semaine", "semaine dernière", "simple (3 mois)"]) expect(english).not.toContain(word);
  });
});
