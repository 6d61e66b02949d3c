import { defaultDir, isSortKey, type ScoreView, type SortDir, type SortKey } from "./readiness";

/** The dashboard's shareable state, kept in ?period=&view=&region=&sort=&dir=&pemda=. */
export interface DashboardFilters {
  /** Absent: the default period (latest closed). */
  period?: string;
  view: ScoreView;
  /** Absent: the user's scope root. */
  region?: string;
  sort: SortKey;
  dir: SortDir;
  /** The Pemda whose dimensions are compared with the subtree mean. */
  pemda?: string;
}

export const DEFAULT_FILTERS: DashboardFilters = { view: "official", sort: "readiness", dir: "desc" };

const CODE = /^\d{2}(\.\d{2,4}){0,3}$/;
const PERIOD = /^[\w.-]{1,20}$/;

/** Reads the filters from the query string, ignoring junk. */
export function parseDashboardFilters(params: URLSearchParams): DashboardFilters {
  const filters: DashboardFilters = { ...DEFAULT_FILTERS };
  const period = params.get("period")?.trim();
  if (period && PERIOD.test(period)) filters.period = period;
  if (params.get("view") === "provisional") filters.view = "provisional";
  const region = params.get("region")?.trim();
  if (region && CODE.test(region)) filters.region = region;
  const sort = params.get("sort");
  if (isSortKey(sort)) {
    filters.sort = sort;
    filters.dir = defaultDir(sort);
  }
  const dir = params.get("dir");
  if (dir === "asc" || dir === "desc") filters.dir = dir;
  const pemda = params.get("pemda")?.trim();
  if (pemda && CODE.test(pemda)) filters.pemda = pemda;
  return filters;
}

/** The inverse of parseDashboardFilters; defaults are left out to keep links short. */
export function dashboardFiltersToParams(filters: DashboardFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.period) params.set("period", filters.period);
  if (filters.view !== "official") params.set("view", filters.view);
  if (filters.region) params.set("region", filters.region);
  if (filters.sort !== DEFAULT_FILTERS.sort) params.set("sort", filters.sort);
  if (filters.dir !== defaultDir(filters.sort)) params.set("dir", filters.dir);
  if (filters.pemda) params.set("pemda", filters.pemda);
  return params;
}

/** The region page's readiness tab state: ?period=&view=&order=weakest. */
export interface RegionScoreFilters {
  period?: string;
  view: ScoreView;
  weakestFirst: boolean;
}

export function parseRegionScoreFilters(params: URLSearchParams): RegionScoreFilters {
  const period = params.get("period")?.trim();
  return {
    period: period && PERIOD.test(period) ? period : undefined,
    view: params.get("view") === "provisional" ? "provisional" : "official",
    weakestFirst: params.get("order") === "weakest",
  };
}

export function regionScoreFiltersToParams(filters: RegionScoreFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.period) params.set("period", filters.period);
  if (filters.view !== "official") params.set("view", filters.view);
  if (filters.weakestFirst) params.set("order", "weakest");
  return params;
}

/** Query string carrying period and view to another page ("" when both are defaults). */
export function periodViewQuery(period: string | undefined, view: ScoreView): string {
  const params = new URLSearchParams();
  if (period) params.set("period", period);
  if (view !== "official") params.set("view", view);
  const s = params.toString();
  return s ? `?${s}` : "";
}
