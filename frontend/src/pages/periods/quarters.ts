/** Quarter arithmetic for the "next quarter" and "one year" buttons (the server checks). */

const CODE = /^(\d{4})-Q([1-4])$/;

export function parseQuarter(code: string): { year: number; quarter: number } | null {
  const match = CODE.exec(code);
  return match ? { year: Number(match[1]), quarter: Number(match[2]) } : null;
}

/** The quarter after the latest quarter code, or the current quarter when there is none. */
export function nextQuarter(codes: string[], today: Date = new Date()): string {
  const parsed = codes.map(parseQuarter).filter((q): q is { year: number; quarter: number } => q !== null);
  if (parsed.length === 0) return `${today.getFullYear()}-Q${Math.floor(today.getMonth() / 3) + 1}`;
  const latest = parsed.reduce((a, b) => (b.year * 4 + b.quarter > a.year * 4 + a.quarter ? b : a));
  return latest.quarter === 4 ? `${latest.year + 1}-Q1` : `${latest.year}-Q${latest.quarter + 1}`;
}

export function yearQuarters(year: number): string[] {
  return [1, 2, 3, 4].map((q) => `${year}-Q${q}`);
}

/**
 * The framework new periods use: published ones (when the API says), the active first,
 * then the latest published, as the server chooses (periods.repository.default_framework_code).
 * Publishing a copy leaves the old version active too, and the list is sorted by code, so
 * the first active one in the list would keep new periods on the old version.
 */
export function defaultFramework(
  frameworks: { code: string; is_active: boolean; status?: string | null; published_at?: string | null }[],
): string | undefined {
  const published = frameworks.filter((f) => (f.status ?? "published") === "published");
  const ranked = [...published].sort(
    (a, b) => Number(b.is_active) - Number(a.is_active) || (b.published_at ?? "").localeCompare(a.published_at ?? ""),
  );
  return ranked[0]?.code;
}
