import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";
import { PAGE_SIZE } from "../../api/queries";

export type IncidentRead = Schemas["IncidentRead"];
export type IncidentSummary = Schemas["IncidentSummary"];
export type IncidentCreate = Schemas["IncidentCreate"];
export type IncidentCounts = Schemas["IncidentCounts"];
export type IncidentFileUpload = Schemas["IncidentFileUpload"];
export type IncidentCategory = Schemas["IncidentCategory"];
export type IncidentSeverity = Schemas["IncidentSeverity"];
export type IncidentState = Schemas["IncidentState"];
export type IncidentLevel = Schemas["IncidentLevel"];

/** The list's filters, as the URL and the API both spell them. */
export interface IncidentFilters {
  region?: string;
  category?: IncidentCategory;
  severity?: IncidentSeverity;
  state?: IncidentState;
  since?: string;
  until?: string;
  overdue?: boolean;
  /** National readers: every incident, not only the provinces' own and the escalated. */
  all?: boolean;
  offset?: number;
}

export const incidentKeys = {
  all: ["incidents"] as const,
  list: (filters: IncidentFilters) => ["incidents", "list", filters] as const,
  one: (number: string, all: boolean) => ["incidents", "get", number, all] as const,
  summary: (params: SummaryParams) => ["incidents", "summary", params] as const,
};

/** The query string the list, the counts and the exports share. */
export function filterQuery(filters: IncidentFilters) {
  return {
    region: filters.region,
    category: filters.category ? [filters.category] : undefined,
    severity: filters.severity ? [filters.severity] : undefined,
    state: filters.state ? [filters.state] : undefined,
    since: filters.since,
    until: filters.until,
    overdue: filters.overdue,
    all: filters.all || undefined,
  };
}

export function useIncidents(filters: IncidentFilters, limit = PAGE_SIZE, enabled = true) {
  return useQuery({
    queryKey: [...incidentKeys.list(filters), limit],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/incidents", {
          params: { query: { ...filterQuery(filters), limit, offset: filters.offset ?? 0 } },
          signal,
        }),
      ),
    enabled,
    placeholderData: keepPreviousData,
  });
}

/**
 * One incident by number (`LC/64.72/2026/0001`: the client percent-encodes its slashes,
 * which the server reads as the same number). National readers ask with `all`.
 */
export function useIncident(number: string, all: boolean) {
  return useQuery({
    queryKey: incidentKeys.one(number, all),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/incidents/{number}", {
          params: { path: { number }, query: { all: all || undefined } },
          signal,
        }),
      ),
  });
}

export interface SummaryParams {
  region?: string;
  since?: string;
  until?: string;
  all?: boolean;
}

export function useIncidentSummary(params: SummaryParams, enabled = true) {
  return useQuery({
    queryKey: incidentKeys.summary(params),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/incidents/summary", {
          params: { query: { ...params, all: params.all || undefined } },
          signal,
        }),
      ),
    enabled,
  });
}

function useStore(all: boolean) {
  const queryClient = useQueryClient();
  return (incident: IncidentRead) => {
    queryClient.setQueryData(incidentKeys.one(incident.number, all), incident);
    void queryClient.invalidateQueries({ queryKey: ["incidents", "list"] });
    void queryClient.invalidateQueries({ queryKey: ["incidents", "summary"] });
  };
}

/** Files an incident; its page reads it afresh once the files have gone up too. */
export function useFileIncident() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: IncidentCreate) => unwrap(api.POST("/api/v1/incidents", { body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["incidents", "list"] });
      void queryClient.invalidateQueries({ queryKey: ["incidents", "summary"] });
    },
  });
}

/** A step (`state`) with its note, or a note alone. */
export function useIncidentUpdate(number: string, all: boolean) {
  const store = useStore(all);
  return useMutation({
    mutationFn: ({ note, state }: { note: string; state?: IncidentState }) =>
      unwrap(
        api.POST("/api/v1/incidents/{number}/updates", {
          params: { path: { number } },
          body: { note, state: state ?? null },
        }),
      ),
    onSuccess: store,
  });
}

export function useEscalate(number: string, all: boolean) {
  const store = useStore(all);
  return useMutation({
    mutationFn: (reason: string) =>
      unwrap(
        api.POST("/api/v1/incidents/{number}/escalate", { params: { path: { number } }, body: { reason } }),
      ),
    onSuccess: store,
  });
}

/** The API path of an incident's files (the number's slashes percent-encoded). */
export function evidenceUrl(number: string, keepLocation: boolean): string {
  const path = `/api/v1/incidents/${encodeURIComponent(number)}/evidence`;
  return keepLocation ? `${path}?keep_location=true` : path;
}

/** GET /exports/incidents.{csv|xlsx} with the list's filters; CSV in the reader's spelling. */
export function incidentsExportUrl(fmt: "csv" | "xlsx", filters: IncidentFilters, locale?: "id"): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filterQuery(filters))) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  if (fmt === "csv" && locale) params.set("locale", locale);
  const query = params.toString();
  return `/api/v1/exports/incidents.${fmt}${query ? `?${query}` : ""}`;
}
