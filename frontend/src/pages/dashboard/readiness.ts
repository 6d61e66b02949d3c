import type { TFunction } from "i18next";
import type { PeriodRead, Schemas } from "../../api/client";
import { CATEGORY_COLORS, NO_CATEGORY_COLOR } from "../../components/categoryColors";
import { intlLocale } from "../../i18n";

export type PemdaScore = Schemas["PemdaScore"];
export type ScoreTable = Schemas["ScoreTable"];
export type ScoreExplanation = Schemas["ScoreExplanation"];
export type DimensionExplanation = Schemas["DimensionExplanation"];
export type IndicatorExplanation = Schemas["IndicatorExplanation"];
export type AgencyProgress = Schemas["AgencyProgress"];
export type ScoreTrend = Schemas["ScoreTrend"];
export type TrendPoint = Schemas["TrendPoint"];
export type ScoreView = "official" | "provisional";

export const VIEWS: readonly ScoreView[] = ["official", "provisional"];

/** Categories from the most to the least ready (the framework's thresholds). */
export const CATEGORIES = ["siap", "cukup_siap", "kurang_siap", "belum_siap"] as const;
export type Category = (typeof CATEGORIES)[number];

export interface CategoryStyle {
  /** Fill colour: the traffic light of components/categoryColors.ts (the PDF uses the same). */
  color: string;
  /** Text colour with at least 4.5:1 contrast on `color`. */
  text: string;
  /** A shape shown with the label, so colour is never the only cue. */
  icon: string;
}

const ICONS: Record<Category, string> = { siap: "●", cukup_siap: "◕", kurang_siap: "◑", belum_siap: "○" };

export const CATEGORY_STYLES: Record<Category, CategoryStyle> = Object.fromEntries(
  CATEGORIES.map((c) => [c, { color: CATEGORY_COLORS[c].fill, text: CATEGORY_COLORS[c].text, icon: ICONS[c] }]),
) as Record<Category, CategoryStyle>;

/** Pemda without a score yet (nothing applicable, no framework). */
export const NO_CATEGORY_STYLE: CategoryStyle = { color: NO_CATEGORY_COLOR.fill, text: NO_CATEGORY_COLOR.text, icon: "?" };

export function isCategory(value: unknown): value is Category {
  return typeof value === "string" && (CATEGORIES as readonly string[]).includes(value);
}

export function categoryStyle(category: string | null | undefined): CategoryStyle {
  return isCategory(category) ? CATEGORY_STYLES[category] : NO_CATEGORY_STYLE;
}

/** The category's name in the UI language; unknown ones as sent, none as "not scored". */
export function categoryLabel(t: TFunction, category: string | null | undefined): string {
  if (!category) return t("category.none");
  return t(`category.${category}`, { defaultValue: category });
}

/**
 * A Pemda's own score named as such: a province's row is the provincial government's R,
 * not the mean over its regencies and cities, and both used to read "Kalimantan Timur".
 */
export function ownScoreLabel(t: TFunction, item: { name: string; level: string }): string {
  return t(item.level === "province" ? "dashboard.ownProvince" : "dashboard.own", { name: item.name });
}

const scoreFormats = new Map<string, Intl.NumberFormat>();

/** A score to 2 decimals in the UI language (85,84 in Indonesian); "—" when there is none. */
export function formatScore(value: number | null | undefined, lng: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  let format = scoreFormats.get(lng);
  if (!format) {
    // Building a formatter is the costly part; a table formats hundreds of numbers.
    format = new Intl.NumberFormat(intlLocale(lng), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    scoreFormats.set(lng, format);
  }
  return format.format(value);
}

/** A percentage to 2 decimals ("91,67%"); "—" when there is none. */
export function formatPercent(value: number | null | undefined, lng: string): string {
  return value === null || value === undefined ? "—" : `${formatScore(value, lng)}%`;
}

export interface Change {
  direction: "up" | "down" | "same" | "none";
  /** Rounded to 2 decimals, signed. */
  delta: number | null;
}

/** Change of R since the previous period; differences below 0.005 count as none. */
export function scoreChange(current: number, previous: number | null | undefined): Change {
  if (previous === null || previous === undefined) return { direction: "none", delta: null };
  const delta = Math.round((current - previous) * 100) / 100;
  if (delta > 0) return { direction: "up", delta };
  if (delta < 0) return { direction: "down", delta };
  return { direction: "same", delta: 0 };
}

export const CHANGE_ARROWS: Record<Change["direction"], string> = { up: "▲", down: "▼", same: "■", none: "" };

/** "▲ +3,20" / "▼ −1,05" / "■ 0,00" / "—". */
export function formatChange(change: Change, lng: string): string {
  if (change.delta === null) return "—";
  const sign = change.delta > 0 ? "+" : change.delta < 0 ? "−" : "";
  return `${CHANGE_ARROWS[change.direction]} ${sign}${formatScore(Math.abs(change.delta), lng)}`;
}

// --- Ranking table sorting ---------------------------------------------------

export const SORT_KEYS = ["readiness", "completeness", "verification_rate", "timeliness", "name"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = "asc" | "desc";

export function isSortKey(value: unknown): value is SortKey {
  return typeof value === "string" && (SORT_KEYS as readonly string[]).includes(value);
}

/** The direction a column sorts in when first chosen: names A–Z, numbers best first. */
export function defaultDir(key: SortKey): SortDir {
  return key === "name" ? "asc" : "desc";
}

/** The dashboard's timeliness is the report's (issue 19): on time 1, late 0, not reported none. */
function reportTimeliness(item: PemdaScore): number | null {
  return item.report_on_time === null ? null : Number(item.report_on_time);
}

/**
 * Sorts a copy of the rows. Missing numbers (no verification rate yet, no report
 * sent) go last in either direction; ties keep the region code order.
 */
export function sortScores(items: readonly PemdaScore[], key: SortKey, dir: SortDir, lng = "id"): PemdaScore[] {
  const factor = dir === "asc" ? 1 : -1;
  const collator = new Intl.Collator(intlLocale(lng), { sensitivity: "base" });
  return [...items].sort((a, b) => {
    let cmp: number;
    if (key === "name") {
      cmp = factor * collator.compare(a.name, b.name);
    } else {
      const va = key === "timeliness" ? reportTimeliness(a) : a[key];
      const vb = key === "timeliness" ? reportTimeliness(b) : b[key];
      if (va === null || va === undefined) cmp = vb === null || vb === undefined ? 0 : 1;
      else if (vb === null || vb === undefined) cmp = -1;
      else cmp = factor * (va - vb);
    }
    return cmp !== 0 ? cmp : a.region.localeCompare(b.region);
  });
}

// --- Explanation ordering ----------------------------------------------------

export type ExplanationOrder = "framework" | "weakest";

/**
 * The explanation tree in framework order, or weakest first: dimensions by
 * score ascending, and in each the indicators by s ascending, the heavier
 * weight first among equal scores (it costs more points).
 */
export function orderExplanation(
  dimensions: readonly DimensionExplanation[],
  order: ExplanationOrder,
): DimensionExplanation[] {
  if (order === "framework") return [...dimensions];
  const byWeakness = (a: { score: number; weight: number }, b: { score: number; weight: number }) =>
    a.score - b.score || b.weight - a.weight;
  return [...dimensions]
    .sort((a, b) => byWeakness(a, b) || a.dimension.localeCompare(b.dimension))
    .map((d) => ({
      ...d,
      indicators: [...d.indicators].sort((a, b) => byWeakness(a, b) || a.indicator.localeCompare(b.indicator)),
    }));
}

// --- Subtree helpers ---------------------------------------------------------

/** The unweighted mean of each dimension over the rows (what the summary does for R). */
export function meanDimensions(items: readonly PemdaScore[]): Record<string, number> {
  const sums: Record<string, { total: number; n: number }> = {};
  for (const item of items) {
    for (const [code, value] of Object.entries(item.dimensions)) {
      const entry = (sums[code] ??= { total: 0, n: 0 });
      entry.total += value;
      entry.n += 1;
    }
  }
  return Object.fromEntries(Object.entries(sums).map(([code, { total, n }]) => [code, total / n]));
}

/** Dimension codes in their natural order (K1, K2, … K10). */
export function dimensionCodes(items: readonly { dimensions: Record<string, number> }[]): string[] {
  const codes = new Set<string>();
  for (const item of items) for (const code of Object.keys(item.dimensions)) codes.add(code);
  return [...codes].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

/**
 * The period shown by default: the latest closed one (its official scores are
 * final), else the latest open one, else the latest of any.
 */
export function defaultPeriod(periods: readonly PeriodRead[]): string | undefined {
  const latest = (state?: string) =>
    [...periods]
      .filter((p) => !state || p.state === state)
      .sort((a, b) => b.start_date.localeCompare(a.start_date))[0]?.code;
  return latest("closed") ?? latest("open") ?? latest();
}

/** Periods that can have answers (not the planned ones), newest first. */
export function scoredPeriods(periods: readonly PeriodRead[]): PeriodRead[] {
  return [...periods].filter((p) => p.state !== "planned").sort((a, b) => b.start_date.localeCompare(a.start_date));
}
