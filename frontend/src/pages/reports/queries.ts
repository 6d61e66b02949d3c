import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";
import { PAGE_SIZE } from "../../api/queries";

export type ReportState = Schemas["ReportState"];
export type ReportRead = Schemas["ReportRead"];
export type ReportSummary = Schemas["ReportSummary"];
export type ReportWrite = Schemas["ReportWrite"];

/** A report's address: one Pemda in one period. */
export interface ReportKey {
  region: string;
  period: string;
}

export interface ReportListParams {
  period?: string;
  region?: string;
  state?: ReportState;
  offset?: number;
  limit?: number;
}

export const reportKeys = {
  all: ["reports"] as const,
  list: (params: ReportListParams) => ["reports", "list", params] as const,
  report: (key: ReportKey) => ["reports", "get", key.region, key.period] as const,
};

export function useReports(params: ReportListParams, enabled = true) {
  return useQuery({
    queryKey: reportKeys.list(params),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/reports", {
          params: {
            query: {
              period: params.period,
              region: params.region,
              state: params.state ? [params.state] : undefined,
              limit: params.limit ?? PAGE_SIZE,
              offset: params.offset ?? 0,
            },
          },
          signal,
        }),
      ),
    enabled,
    placeholderData: keepPreviousData,
  });
}

export function useReport(key: ReportKey) {
  return useQuery({
    queryKey: reportKeys.report(key),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/reports/{region}/{period}", { params: { path: { ...key } }, signal })),
  });
}

/** After a change: the answer is the new report (with its ETag); the lists are stale. */
function useStore(key: ReportKey) {
  const queryClient = useQueryClient();
  return (report: ReportRead) => {
    queryClient.setQueryData(reportKeys.report(key), report);
    void queryClient.invalidateQueries({ queryKey: ["reports", "list"] });
    // The scores show each Pemda's report (state, receipt, on time).
    void queryClient.invalidateQueries({ queryKey: ["scores"] });
  };
}

/** PUT the whole draft with If-Match: 412 when someone else saved it since we read it. */
export function useSaveReport(key: ReportKey) {
  const store = useStore(key);
  return useMutation({
    mutationFn: ({ etag, body }: { etag: string; body: ReportWrite }) =>
      unwrap(
        api.PUT("/api/v1/reports/{region}/{period}", {
          params: { path: { ...key }, header: { "if-match": etag } },
          body,
        }),
      ),
    onSuccess: store,
  });
}

export type ReportAction = "submit" | "accept" | "return" | "unaccept";

/** A transition; `return` and `unaccept` carry a reason. The ETag guards against a stale page. */
export function useReportTransition(key: ReportKey, action: ReportAction) {
  const store = useStore(key);
  return useMutation({
    mutationFn: ({ etag, reason }: { etag: string; reason?: string }) => {
      const params = { path: { ...key }, header: { "if-match": etag } };
      switch (action) {
        case "submit":
          return unwrap(api.POST("/api/v1/reports/{region}/{period}/submit", { params }));
        case "accept":
          return unwrap(api.POST("/api/v1/reports/{region}/{period}/accept", { params }));
        case "return":
          return unwrap(api.POST("/api/v1/reports/{region}/{period}/return", { params, body: { reason: reason ?? "" } }));
        default:
          return unwrap(
            api.POST("/api/v1/reports/{region}/{period}/unaccept", { params, body: { reason: reason ?? "" } }),
          );
      }
    },
    onSuccess: store,
  });
}

// The API's largest page: a period's reports nationally (about 550 Pemda) in two requests.
const ALL_PAGE = 500;

/**
 * Every report of a period in a subtree (all pages): the dashboard's "who has reported"
 * needs each Pemda's state at once, not a page of them.
 */
export function useAllReports(period: string | undefined, region?: string) {
  return useQuery({
    queryKey: ["reports", "list", "all", { period, region }] as const,
    queryFn: async ({ signal }) => {
      const items: ReportSummary[] = [];
      for (let offset = 0; ; offset += ALL_PAGE) {
        const data = await unwrap(
          api.GET("/api/v1/reports", { params: { query: { period, region, limit: ALL_PAGE, offset } }, signal }),
        );
        items.push(...data.items);
        if (data.items.length === 0 || items.length >= data.total) return items;
      }
    },
    enabled: Boolean(period),
  });
}
