import type { RegionLevel } from "../../api/client";

export const REGION_LEVELS: readonly RegionLevel[] = ["province", "regency", "city"];

export interface RegionFilters {
  level?: RegionLevel;
  parent?: string;
  q?: string;
  offset: number;
}

function isLevel(value: string | null): value is RegionLevel {
  return value !== null && (REGION_LEVELS as readonly string[]).includes(value);
}

/** Reads the shareable filter state from ?level=&parent=&q=&offset=, ignoring junk. */
export function parseRegionFilters(params: URLSearchParams): RegionFilters {
  const filters: RegionFilters = { offset: 0 };
  const level = params.get("level");
  if (isLevel(level)) filters.level = level;
  const parent = params.get("parent")?.trim();
  if (parent) filters.parent = parent;
  const q = params.get("q")?.trim();
  if (q) filters.q = q;
  const offset = Number(params.get("offset"));
  if (Number.isInteger(offset) && offset > 0) filters.offset = offset;
  return filters;
}

/** The inverse of parseRegionFilters; defaults are left out to keep URLs short. */
export function regionFiltersToParams(filters: RegionFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.level) params.set("level", filters.level);
  if (filters.parent) params.set("parent", filters.parent);
  if (filters.q) params.set("q", filters.q);
  if (filters.offset > 0) params.set("offset", String(filters.offset));
  return params;
}
