import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ApiError, api, unwrap, type Schemas } from "../../api/client";
import type { ScoreView } from "./readiness";

export const scoreKeys = {
  table: (period: string, region: string | undefined, view: ScoreView) =>
    ["scores", "table", { period, region, view }] as const,
  explain: (region: string, period: string, view: ScoreView) => ["scores", "explain", region, period, view] as const,
  trend: (region: string, view: ScoreView) => ["scores", "trend", region, view] as const,
  boundaries: (parent: string) => ["regions", "boundaries", parent] as const,
};

export function useScoreTable(period: string | undefined, region: string | undefined, view: ScoreView) {
  return useQuery({
    queryKey: scoreKeys.table(period ?? "", region, view),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/scores", { params: { query: { period: period!, region, view } }, signal })),
    enabled: Boolean(period),
    placeholderData: keepPreviousData,
  });
}

export function useScoreExplanation(region: string, period: string | undefined, view: ScoreView) {
  return useQuery({
    queryKey: scoreKeys.explain(region, period ?? "", view),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/scores/{region}/{period}", {
          params: { path: { region, period: period! }, query: { view } },
          signal,
        }),
      ),
    enabled: Boolean(period) && region !== "",
    placeholderData: keepPreviousData,
  });
}

export function useScoreTrend(region: string | undefined, view: ScoreView) {
  return useQuery({
    queryKey: scoreKeys.trend(region ?? "", view),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/scores/{region}/trend", { params: { path: { region: region! }, query: { view } }, signal })),
    enabled: Boolean(region),
  });
}

/** A GeoJSON FeatureCollection of region outlines; properties {code, name, level}. */
export type BoundaryCollection = Schemas["BoundaryCollectionRead"];

/**
 * The outlines of the children of `parent`, or null when none are loaded (an
 * empty FeatureCollection) or the API has no boundaries endpoint (404 from an
 * older server): the dashboard then draws the tile grid. Other failures throw
 * (and the dashboard falls back to the tile grid as well).
 */
export async function fetchBoundaries(parent: string, signal?: AbortSignal): Promise<BoundaryCollection | null> {
  try {
    const body = await unwrap(api.GET("/api/v1/regions/boundaries", { params: { query: { parent } }, signal }));
    return body.features.length > 0 ? body : null;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function useBoundaries(parent: string | undefined) {
  return useQuery({
    queryKey: scoreKeys.boundaries(parent ?? ""),
    queryFn: ({ signal }) => fetchBoundaries(parent!, signal),
    enabled: Boolean(parent),
    staleTime: Infinity,
    // The map is an extra: a failure falls back to the tile grid, no retries.
    retry: false,
  });
}
