import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";
import { reportKeys, type ReportKey, type ReportRead } from "./queries";

export type RecommendationRead = Schemas["RecommendationRead"];
export type RecommendationStatus = Schemas["RecommendationStatus"];
export type RecommendationCreate = Schemas["RecommendationCreate"];
export type RecommendationUpdate = Schemas["RecommendationUpdate"];

export const RECOMMENDATION_STATUSES: readonly RecommendationStatus[] = ["open", "in_progress", "done"];

export const recommendationKeys = {
  all: ["recommendations"] as const,
  list: (key: ReportKey) => ["recommendations", key.region, key.period] as const,
  agencies: (region: string) => ["recommendations", "agencies", region] as const,
};

/**
 * A Pemda's recommendations as seen from one period: that period's, then the earlier ones
 * not done yet (`carried`). The region page's list; the report page reads them from the report.
 */
export function useRecommendations(key: ReportKey, enabled = true) {
  return useQuery({
    queryKey: recommendationKeys.list(key),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/reports/{region}/{period}/recommendations", { params: { path: { ...key } }, signal })),
    enabled: enabled && key.region !== "" && key.period !== "",
  });
}

/**
 * The agencies a recommendation may name: the active ones of exactly this Pemda (the
 * server's check_agency), in one page since a Pemda has a few dozen at most.
 */
export function usePemdaAgencies(region: string, enabled = true) {
  return useQuery({
    queryKey: recommendationKeys.agencies(region),
    queryFn: async ({ signal }) => {
      const page = await unwrap(api.GET("/api/v1/agencies", { params: { query: { region, limit: 500 } }, signal }));
      return page.items.filter((a) => a.is_active && a.region_code === region);
    },
    enabled,
    staleTime: 60_000,
  });
}

/**
 * Puts the server's answer into the cached report at once (a new one after the report's
 * own, before the carried ones), then refetches the report and the region lists.
 */
function useStoreRecommendation(key: ReportKey) {
  const queryClient = useQueryClient();
  return (rec: RecommendationRead) => {
    queryClient.setQueryData<ReportRead>(reportKeys.report(key), (report) => {
      if (!report) return report;
      const list = report.recommendations;
      const at = list.findIndex((r) => r.id === rec.id);
      if (at >= 0) return { ...report, recommendations: list.map((r) => (r.id === rec.id ? rec : r)) };
      const firstCarried = list.findIndex((r) => r.carried);
      const index = firstCarried < 0 ? list.length : firstCarried;
      return { ...report, recommendations: [...list.slice(0, index), rec, ...list.slice(index)] };
    });
    void queryClient.invalidateQueries({ queryKey: reportKeys.report(key) });
    void queryClient.invalidateQueries({ queryKey: recommendationKeys.all });
  };
}

export function useCreateRecommendation(key: ReportKey) {
  const store = useStoreRecommendation(key);
  return useMutation({
    mutationFn: (body: RecommendationCreate) =>
      unwrap(api.POST("/api/v1/reports/{region}/{period}/recommendations", { params: { path: { ...key } }, body })),
    onSuccess: store,
  });
}

/** The follow-up, with If-Match: 412 when someone else followed it up since the page read it. */
export function useFollowUp(key: ReportKey) {
  const store = useStoreRecommendation(key);
  return useMutation({
    mutationFn: ({ rec, body }: { rec: RecommendationRead; body: RecommendationUpdate }) =>
      unwrap(
        api.PATCH("/api/v1/recommendations/{recommendation_id}", {
          params: { path: { recommendation_id: rec.id }, header: { "if-match": rec.etag } },
          body,
        }),
      ),
    onSuccess: store,
  });
}
