import { describe, expect, it } from "vitest";
import { parseRegionFilters, regionFiltersToParams, type RegionFilters } from "./filters";

describe("region filters in the URL", () => {
  it.each<RegionFilters>([
    { offset: 0 },
    { level: "province", offset: 0 },
    { level: "city", parent: "64", offset: 100 },
    { parent: "64", q: "Samarinda", offset: 50 },
  ])("round-trips %o", (filters) => {
    const params = regionFiltersToParams(filters);
    expect(parseRegionFilters(new URLSearchParams(params.toString()))).toEqual(filters);
  });

  it("leaves defaults out of the query string", () => {
    expect(regionFiltersToParams({ offset: 0 }).toString()).toBe("");
    expect(regionFiltersToParams({ level: "regency", parent: "64", offset: 50 }).toString()).toBe(
      "level=regency&parent=64&offset=50",
    );
  });

  it("ignores values it does not understand", () => {
    expect(parseRegionFilters(new URLSearchParams("level=village&offset=-5&parent=%20&q="))).toEqual({ offset: 0 });
    expect(parseRegionFilters(new URLSearchParams("offset=abc"))).toEqual({ offset: 0 });
    expect(parseRegionFilters(new URLSearchParams("offset=2.5"))).toEqual({ offset: 0 });
  });
});
