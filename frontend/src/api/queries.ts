import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap, type RegionLevel } from "./client";

export const PAGE_SIZE = 50;

export interface RegionListParams {
  level?: RegionLevel;
  parent?: string;
  q?: string;
  limit?: number;
  offset?: number;
}

export const queryKeys = {
  regions: (params: RegionListParams) => ["regions", "list", params] as const,
  region: (code: string) => ["regions", "get", code] as const,
  agencies: (region: string, offset: number) => ["agencies", "list", { region, offset }] as const,
  frameworks: () => ["frameworks", "list"] as const,
  framework: (code: string) => ["frameworks", "get", code] as const,
  periods: (params: { limit?: number; offset?: number }) => ["periods", "list", params] as const,
};

export function useRegions(params: RegionListParams) {
  return useQuery({
    queryKey: queryKeys.regions(params),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/regions", {
          params: { query: { limit: PAGE_SIZE, ...params } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useRegion(code: string) {
  return useQuery({
    queryKey: queryKeys.region(code),
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/regions/{code}", { params: { path: { code } }, signal })),
  });
}

export function useAgencies(region: string, offset = 0) {
  return useQuery({
    queryKey: queryKeys.agencies(region, offset),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/agencies", { params: { query: { region, limit: PAGE_SIZE, offset } }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useFrameworks() {
  return useQuery({
    queryKey: queryKeys.frameworks(),
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/frameworks", { params: { query: { limit: 500 } }, signal })),
  });
}

export function useFramework(code: string) {
  return useQuery({
    queryKey: queryKeys.framework(code),
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/frameworks/{code}", { params: { path: { code } }, signal })),
    enabled: code !== "",
  });
}

export function usePeriods(params: { limit?: number; offset?: number } = {}) {
  return useQuery({
    queryKey: queryKeys.periods(params),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/periods", { params: { query: { limit: 500, ...params } }, signal })),
  });
}

export function useAgencyTypes() {
  return useQuery({
    queryKey: ["agency-types"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/agency-types", { signal })),
    staleTime: 5 * 60_000,
  });
}
