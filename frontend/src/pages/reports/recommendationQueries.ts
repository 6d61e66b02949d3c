import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";
import { postFile, type UploadHandle, type UploadProgress } from "../../api/upload";
import { reportKeys, type ReportKey, type ReportRead } from "./queries";

export type RecommendationRead = Schemas["RecommendationRead"];
export type RecommendationStatus = Schemas["RecommendationStatus"];
export type RecommendationCreate = Schemas["RecommendationCreate"];
export type RecommendationUpdate = Schemas["RecommendationUpdate"];
export type EvidenceRead = Schemas["EvidenceRead"];

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

export function recommendationEvidenceUrl(id: number): string {
  return `/api/v1/recommendations/${encodeURIComponent(String(id))}/evidence`;
}

/** Uploads one file to the recommendation's follow-up, reporting progress (see `postFile`). */
export function uploadRecommendationEvidence(
  id: number,
  file: File,
  onProgress: (progress: UploadProgress) => void,
): UploadHandle<EvidenceRead> {
  return postFile<EvidenceRead>(recommendationEvidenceUrl(id), file, onProgress);
}

/**
 * A file came or went: the cached report shows the change at once (`change` maps the
 * recommendation's files), then the report and the region lists are read again. The
 * recommendation's ETag does not change with its files, so a follow-up form open
 * meanwhile keeps what is typed in it.
 */
export function useRecommendationFilesChanged(key: ReportKey) {
  const queryClient = useQueryClient();
  return async (id: number, change?: (files: EvidenceRead[]) => EvidenceRead[]) => {
    if (change) {
      queryClient.setQueryData<ReportRead>(reportKeys.report(key), (report) =>
        report
          ? {
              ...report,
              recommendations: report.recommendations.map((r) =>
                r.id === id ? { ...r, evidence: change(r.evidence) } : r,
              ),
            }
          : report,
      );
    }
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: reportKeys.report(key) }),
      queryClient.invalidateQueries({ queryKey: recommendationKeys.all }),
    ]);
  };
}

/** Removes a file from the follow-up (409 invalid_state while the recommendation is done). */
export function useDeleteRecommendationEvidence(key: ReportKey, id: number) {
  const changed = useRecommendationFilesChanged(key);
  return useMutation({
    mutationFn: (fileId: string) =>
      unwrap(
        api.DELETE("/api/v1/recommendations/{recommendation_id}/evidence/{evidence_id}", {
          params: { path: { recommendation_id: id, evidence_id: fileId } },
        }),
      ),
    onSuccess: (_data, fileId) => changed(id, (files) => files.filter((f) => f.id !== fileId)),
  });
}
