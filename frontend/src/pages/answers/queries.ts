import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import {
  ApiError,
  api,
  unwrap,
  type SubmissionRead,
  type SubmissionWrite,
  type TaskStatus,
} from "../../api/client";
import { PAGE_SIZE } from "../../api/queries";
import { useParams } from "react-router";
import { commentKeys } from "./commentQueries";

/** An answer's address: one indicator of one region in one period. */
export interface AnswerKey {
  period: string;
  region: string;
  indicator: string;
}

export interface TaskListParams {
  period: string;
  region?: string;
  status?: TaskStatus;
  /** Only the overdue tasks (the API decides what is overdue, in the Pemda's time zone). */
  overdue?: boolean;
}

/** `period: "all"` is every period, closed ones included; none is the open periods. */
export interface QueueParams {
  period?: string;
  region?: string;
  agency?: string;
  dimension?: string;
  indicator?: string;
  older_than_days?: number;
  offset: number;
}

export const answerKeys = {
  openPeriods: () => ["periods", "open"] as const,
  period: (code: string) => ["periods", "get", code] as const,
  tasks: (params: TaskListParams) => ["tasks", params] as const,
  queue: (params: QueueParams) => ["submissions", "queue", params] as const,
  answer: (key: AnswerKey) => ["submissions", "get", key.period, key.region, key.indicator] as const,
  history: (key: AnswerKey) => ["submissions", "history", key.period, key.region, key.indicator] as const,
};

const path = (key: AnswerKey) => ({ path: { period: key.period, region: key.region, indicator: key.indicator } });

export function useOpenPeriods() {
  return useQuery({
    queryKey: answerKeys.openPeriods(),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/periods", { params: { query: { state: "open", limit: 500 } }, signal })),
  });
}

export function usePeriod(code: string) {
  return useQuery({
    queryKey: answerKeys.period(code),
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/periods/{code}", { params: { path: { code } }, signal })),
  });
}

export function useTasks(params: TaskListParams | null) {
  return useQuery({
    queryKey: answerKeys.tasks(params ?? { period: "" }),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/tasks", {
          params: { query: { ...params!, limit: 500 } },
          signal,
        }),
      ),
    enabled: params !== null,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

/** The review queue: submitted answers, oldest first. */
export function useQueue(params: QueueParams) {
  return useQuery({
    queryKey: answerKeys.queue(params),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/review-queue", {
          params: {
            query: {
              ...params,
              period: params.period === "all" ? undefined : params.period,
              include_closed: params.period === "all" ? true : undefined,
              limit: PAGE_SIZE,
            },
          },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

/** The answer, or null when it has not been answered yet (404 answer_not_found). */
export function useAnswer(key: AnswerKey) {
  return useQuery({
    queryKey: answerKeys.answer(key),
    queryFn: async ({ signal }): Promise<SubmissionRead | null> => {
      try {
        return await unwrap(api.GET("/api/v1/submissions/{period}/{region}/{indicator}", { params: path(key), signal }));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404 && error.code === "answer_not_found") return null;
        throw error;
      }
    },
    staleTime: 0,
  });
}

export function useHistory(key: AnswerKey, enabled = true) {
  return useQuery({
    queryKey: answerKeys.history(key),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/submissions/{period}/{region}/{indicator}/history", { params: path(key), signal })),
    enabled,
    staleTime: 0,
  });
}

/** Puts a changed answer in the cache (its new etag included) and refreshes what lists it. */
export function storeAnswer(queryClient: QueryClient, key: AnswerKey, answer: SubmissionRead) {
  queryClient.setQueryData(answerKeys.answer(key), answer);
  void queryClient.invalidateQueries({ queryKey: answerKeys.history(key) });
  void queryClient.invalidateQueries({ queryKey: ["tasks"] });
  void queryClient.invalidateQueries({ queryKey: ["submissions", "queue"] });
  // A return writes its reason into the answer's discussion (the same transaction): the
  // thread on the page must show it now, not after a reload.
  void queryClient.invalidateQueries({ queryKey: commentKeys.thread(key) });
}

export function useSaveAnswer(key: AnswerKey) {
  const queryClient = useQueryClient();
  return useMutation({
    /** `etag` is null when creating the answer; If-Match is sent otherwise. */
    mutationFn: ({ body, etag }: { body: SubmissionWrite; etag: string | null }) =>
      unwrap(
        api.PUT("/api/v1/submissions/{period}/{region}/{indicator}", {
          params: { ...path(key), header: etag ? { "if-match": etag } : {} },
          body,
        }),
      ),
    onSuccess: (answer) => storeAnswer(queryClient, key, answer),
  });
}

type Transition = "submit" | "verify";

export function useTransition(key: AnswerKey, action: Transition) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (etag: string) => {
      const init = { params: { ...path(key), header: { "if-match": etag } } };
      return unwrap(
        action === "submit"
          ? api.POST("/api/v1/submissions/{period}/{region}/{indicator}/submit", init)
          : api.POST("/api/v1/submissions/{period}/{region}/{indicator}/verify", init),
      );
    },
    onSuccess: (answer) => storeAnswer(queryClient, key, answer),
  });
}

export function useReasonTransition(key: AnswerKey, action: "return" | "reopen") {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ etag, reason }: { etag: string; reason: string }) => {
      const init = { params: { ...path(key), header: { "if-match": etag } }, body: { reason } };
      return unwrap(
        action === "return"
          ? api.POST("/api/v1/submissions/{period}/{region}/{indicator}/return", init)
          : api.POST("/api/v1/submissions/{period}/{region}/{indicator}/reopen", init),
      );
    },
    onSuccess: (answer) => storeAnswer(queryClient, key, answer),
  });
}

export function useVerifyBulk() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (items: (AnswerKey & { etag: string })[]) =>
      unwrap(api.POST("/api/v1/submissions/verify-bulk", { body: { items } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["submissions"] });
      void queryClient.invalidateQueries({ queryKey: ["tasks"] });
    },
  });
}

export function useCopyPrevious() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { period: string; region?: string }) =>
      unwrap(api.POST("/api/v1/submissions/copy-previous", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["tasks"] }),
  });
}

export function useDeleteEvidence(key: AnswerKey) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/api/v1/evidence/{evidence_id}", { params: { path: { evidence_id: id } } })),
    // The answer's version changed: read it again for the new etag.
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: answerKeys.answer(key) });
      void queryClient.invalidateQueries({ queryKey: answerKeys.history(key) });
      void queryClient.invalidateQueries({ queryKey: ["tasks"] });
    },
  });
}

/** Statuses in which the agency can still change the answer. */
export function isEditable(status: TaskStatus | undefined | null): boolean {
  return !status || status === "not_started" || status === "draft" || status === "returned";
}

/** The answer addressed by the route's :period/:region/:indicator. */
export function useAnswerKey(): AnswerKey {
  const params = useParams();
  return { period: params.period ?? "", region: params.region ?? "", indicator: params.indicator ?? "" };
}
