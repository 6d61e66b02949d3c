import { describe, expect, it } from "vitest";
import { CATEGORY_COLORS, NO_CATEGORY_COLOR } from "./categoryColors";

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** WCAG relative luminance. */
export function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map(channel) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio, 1–21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Hue in degrees, 0–360. */
function hue(hex: string): number {
  const [r, g, b] = rgb(hex).map((v) => v / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

describe("category colours", () => {
  it("are a traffic light: green, yellow-green, orange, red", () => {
    const [siap, cukup, kurang, belum] = [
      CATEGORY_COLORS.siap,
      CATEGORY_COLORS.cukup_siap,
      CATEGORY_COLORS.kurang_siap,
      CATEGORY_COLORS.belum_siap,
    ].map((c) => hue(c.fill)) as [number, number, number, number];
    expect(siap).toBeGreaterThanOrEqual(100);
    expect(siap).toBeLessThanOrEqual(160);
    expect(cukup).toBeGreaterThanOrEqual(65);
    expect(cukup).toBeLessThan(100);
    expect(kurang).toBeGreaterThanOrEqual(20);
    expect(kurang).toBeLessThan(45);
    expect(belum < 12 || belum > 350).toBe(true);
  });

  it("keep badge text at 4.5:1 or more on every fill (WCAG AA)", () => {
    for (const { fill, text } of [...Object.values(CATEGORY_COLORS), NO_CATEGORY_COLOR]) {
      expect(contrast(fill, text), `${text} on ${fill}`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("are told apart from one another", () => {
    const fills = Object.values(CATEGORY_COLORS).map((c) => c.fill);
    expect(new Set(fills).size).toBe(4);
    // Neighbouring categories differ in lightness too, not only in hue.
    for (let i = 1; i < fills.length; i++) {
      expect(contrast(fills[i - 1]!, fills[i]!)).toBeGreaterThan(1.2);
    }
  });
});
