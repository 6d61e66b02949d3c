import { describe, expect, it } from "vitest";
import i18n from "../../i18n";
import { explanation, items, periods } from "../../test/scoreFixtures";
import {
  CATEGORIES,
  CATEGORY_STYLES,
  categoryLabel,
  categoryStyle,
  defaultPeriod,
  formatChange,
  formatScore,
  orderExplanation,
  scoreChange,
  scoredPeriods,
  sortScores,
} from "./readiness";

const codes = (rows: { region: string }[]) => rows.map((r) => r.region);

describe("sortScores", () => {
  it("sorts by R, best first by default, and back", () => {
    expect(codes(sortScores(items, "readiness", "desc"))).toEqual(["64.72", "64", "64.01", "64.11"]);
    expect(codes(sortScores(items, "readiness", "asc"))).toEqual(["64.11", "64.01", "64", "64.72"]);
  });

  it("sorts by completeness, breaking ties by region code", () => {
    const tied = sortScores(items.map((i) => ({ ...i, completeness: 90 })), "completeness", "desc");
    expect(codes(tied)).toEqual(["64", "64.01", "64.11", "64.72"]);
  });

  it("puts a missing verification rate last in both directions", () => {
    expect(codes(sortScores(items, "verification_rate", "desc")).at(-1)).toBe("64.01");
    expect(codes(sortScores(items, "verification_rate", "asc")).at(-1)).toBe("64.01");
  });

  it("sorts by the report's timeliness, not reported last either way, and by name in the UI language", () => {
    // 64.72 on time, 64.01 late, 64 and 64.11 not reported (their answers' timeliness aside).
    expect(codes(sortScores(items, "timeliness", "desc"))).toEqual(["64.72", "64.01", "64", "64.11"]);
    expect(codes(sortScores(items, "timeliness", "asc"))).toEqual(["64.01", "64.72", "64", "64.11"]);
    expect(sortScores(items, "name", "asc").map((i) => i.name)).toEqual([
      "Kabupaten Mahakam Ulu",
      "Kabupaten Paser",
      "Kalimantan Timur",
      "Kota Samarinda",
    ]);
  });

  it("does not change its input", () => {
    const before = codes(items);
    sortScores(items, "name", "desc");
    expect(codes(items)).toEqual(before);
  });
});

describe("change since the previous period", () => {
  it("gives arrows and signed numbers rounded to 2 decimals", () => {
    expect(scoreChange(60.7617, 56.3825)).toEqual({ direction: "up", delta: 4.38 });
    expect(formatChange(scoreChange(60.7617, 56.3825), "id")).toBe("▲ +4,38");
    expect(formatChange(scoreChange(69.479, 75.7958), "id")).toBe("▼ −6,32");
    expect(formatChange(scoreChange(69.479, 75.7958), "en")).toBe("▼ −6.32");
  });

  it("treats tiny differences as unchanged and no previous score as nothing to compare", () => {
    expect(scoreChange(50.001, 50.003)).toEqual({ direction: "same", delta: 0 });
    expect(formatChange(scoreChange(50, 50), "id")).toBe("■ 0,00");
    expect(scoreChange(50, null)).toEqual({ direction: "none", delta: null });
    expect(formatChange(scoreChange(50, null), "id")).toBe("—");
  });
});

describe("orderExplanation", () => {
  it("keeps the framework order by default", () => {
    const ordered = orderExplanation(explanation.dimensions, "framework");
    expect(ordered.map((d) => d.dimension)).toEqual(["K1", "K2"]);
    expect(ordered[0]!.indicators.map((i) => i.indicator)).toEqual(["K1.01", "K1.02", "K1.03"]);
  });

  it("puts the weakest dimensions and indicators first, heavier weight first among equals", () => {
    const ordered = orderExplanation(explanation.dimensions, "weakest");
    expect(ordered.map((d) => d.dimension)).toEqual(["K1", "K2"]);
    // K1.02 and K1.03 both score 0; K1.03 weighs 2, K1.02 weighs 1.
    expect(ordered[0]!.indicators.map((i) => i.indicator)).toEqual(["K1.03", "K1.02", "K1.01"]);
    const flipped = orderExplanation(
      explanation.dimensions.map((d) => ({ ...d, score: d.dimension === "K2" ? 10 : d.score })),
      "weakest",
    );
    expect(flipped.map((d) => d.dimension)).toEqual(["K2", "K1"]);
    // The input is left alone.
    expect(explanation.dimensions[0]!.indicators[0]!.indicator).toBe("K1.01");
  });
});

describe("category colours and labels", () => {
  it("gives every category its own colour, icon and readable text colour", () => {
    const colors = new Set(CATEGORIES.map((c) => CATEGORY_STYLES[c].color));
    const icons = new Set(CATEGORIES.map((c) => CATEGORY_STYLES[c].icon));
    expect(colors.size).toBe(4);
    expect(icons.size).toBe(4);
    // Dark fills carry white text, light fills dark text (WCAG contrast ≥ 4.5).
    for (const c of CATEGORIES) {
      const { color, text } = CATEGORY_STYLES[c];
      expect(contrast(color, text)).toBeGreaterThanOrEqual(4.5);
    }
    // The fills are the traffic light of categoryColors.ts (tested there); in greyscale
    // print each category keeps its icon, words and pattern.
  });

  it("labels categories in both languages and unknown or missing ones sensibly", async () => {
    const t = i18n.getFixedT("id");
    expect(CATEGORIES.map((c) => categoryLabel(t, c))).toEqual(["Siap", "Cukup Siap", "Kurang Siap", "Belum Siap"]);
    expect(categoryLabel(t, null)).toBe("Belum dinilai");
    expect(categoryLabel(t, "luar_biasa")).toBe("luar_biasa");
    expect(categoryLabel(i18n.getFixedT("en"), "cukup_siap")).toBe("Fairly ready");
    expect(categoryStyle(null).icon).toBe("?");
    expect(categoryStyle("siap")).toBe(CATEGORY_STYLES.siap);
  });

  it("rounds scores to 2 decimals", () => {
    expect(formatScore(85.83666, "id")).toBe("85,84");
    expect(formatScore(85.83666, "en")).toBe("85.84");
    expect(formatScore(100, "id")).toBe("100,00");
    expect(formatScore(null, "id")).toBe("—");
  });
});

describe("periods", () => {
  it("defaults to the latest closed period and never offers planned ones", () => {
    expect(defaultPeriod(scoredPeriods(periods))).toBe("2023-Q3");
    expect(defaultPeriod(periods.filter((p) => p.state !== "closed"))).toBe("2023-Q4");
    expect(scoredPeriods(periods).map((p) => p.code)).toEqual(["2023-Q4", "2023-Q3"]);
  });
});

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) =>
    c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4,
  );
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
