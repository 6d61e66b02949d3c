/**
 * The colours of the four readiness categories: a traffic light, the one source for the
 * map, badges, charts and legends of the SPA. The PDF report uses the same values
 * (backend/siaga/scoring/categories.py); tests/reports/test_colours.py fails when the two
 * differ, and categoryColors.test.ts checks the contrast of the text on each fill.
 *
 * Keep one entry per line, `code: { fill: "#RRGGBB", text: "#RRGGBB" },`: the backend
 * test reads this file.
 */
export const CATEGORY_COLORS = {
  siap: { fill: "#1A7F37", text: "#FFFFFF" },
  cukup_siap: { fill: "#9ACD32", text: "#1B1F24" },
  kurang_siap: { fill: "#F28C28", text: "#1B1F24" },
  belum_siap: { fill: "#C62828", text: "#FFFFFF" },
} as const;

/** A Pemda without a score yet (nothing applicable, no framework). */
export const NO_CATEGORY_COLOR = { fill: "#D5DAE1", text: "#1B1F24" } as const;
