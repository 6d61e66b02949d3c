import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { useInstance } from "./instance";
import { queryKeys } from "./queries";

/**
 * The IANA zone a region's deadlines end in (WITA for Kalimantan Timur), for showing its
 * times on its own clock; the installation's default until the region is known.
 * Shares the region query's cache, so a page that shows the region fetches it once.
 */
export function useRegionTimeZone(code: string | null | undefined): string | undefined {
  const region = useQuery({
    queryKey: queryKeys.region(code ?? ""),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/regions/{code}", { params: { path: { code: code ?? "" } }, signal })),
    enabled: Boolean(code),
    staleTime: 5 * 60_000,
  });
  const instance = useInstance();
  return region.data?.time_zone ?? instance.data?.timezone;
}
