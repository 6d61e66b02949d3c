import { describe, expect, it } from "vitest";
import {
  DEFAULT_FILTERS,
  dashboardFiltersToParams,
  parseDashboardFilters,
  parseRegionScoreFilters,
  periodViewQuery,
  regionScoreFiltersToParams,
  type DashboardFilters,
} from "./filters";

describe("dashboard URL filters", () => {
  it("round-trips every filter through the query string", () => {
    const filters: DashboardFilters = {
      period: "2023-Q3",
      view: "provisional",
      region: "64",
      sort: "timeliness",
      dir: "asc",
      pemda: "64.72",
    };
    const params = dashboardFiltersToParams(filters);
    expect(params.toString()).toBe("period=2023-Q3&view=provisional&region=64&sort=timeliness&dir=asc&pemda=64.72");
    expect(parseDashboardFilters(new URLSearchParams(params.toString()))).toEqual(filters);
  });

  it("leaves defaults out and reads an empty query as the defaults", () => {
    expect(dashboardFiltersToParams(DEFAULT_FILTERS).toString()).toBe("");
    expect(parseDashboardFilters(new URLSearchParams())).toEqual(DEFAULT_FILTERS);
    // Name sorts A–Z by default, so only a descending name sort needs dir.
    expect(dashboardFiltersToParams({ ...DEFAULT_FILTERS, sort: "name", dir: "asc" }).toString()).toBe("sort=name");
    expect(parseDashboardFilters(new URLSearchParams("sort=name"))).toMatchObject({ sort: "name", dir: "asc" });
  });

  it("ignores junk", () => {
    expect(
      parseDashboardFilters(new URLSearchParams("view=both&region=x'or&sort=rank&dir=up&pemda=../64&period=%20")),
    ).toEqual(DEFAULT_FILTERS);
  });

  it("round-trips the region page's period, view and order", () => {
    const filters = { period: "2023-Q3", view: "provisional" as const, weakestFirst: true };
    const params = regionScoreFiltersToParams(filters);
    expect(params.toString()).toBe("period=2023-Q3&view=provisional&order=weakest");
    expect(parseRegionScoreFilters(params)).toEqual(filters);
    expect(parseRegionScoreFilters(new URLSearchParams())).toEqual({ period: undefined, view: "official", weakestFirst: false });
  });

  it("carries period and view to other pages", () => {
    expect(periodViewQuery("2023-Q3", "official")).toBe("?period=2023-Q3");
    expect(periodViewQuery(undefined, "provisional")).toBe("?view=provisional");
    expect(periodViewQuery(undefined, "official")).toBe("");
  });
});
