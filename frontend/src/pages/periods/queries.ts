import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, unwrap } from "../../api/client";

export interface CreateResult {
  created: string[];
  skipped: string[];
}

/** Creates the given quarters one by one; an existing one is skipped and reported. */
export function useCreatePeriods() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ codes, framework }: { codes: string[]; framework: string }): Promise<CreateResult> => {
      const result: CreateResult = { created: [], skipped: [] };
      for (const code of codes) {
        try {
          await unwrap(api.POST("/api/v1/periods", { body: { code, framework } }));
          result.created.push(code);
        } catch (error) {
          if (error instanceof ApiError && error.code === "period_exists" && codes.length > 1) {
            result.skipped.push(code);
          } else throw error;
        }
      }
      return result;
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["periods"] }),
  });
}

export function useChangeDeadline() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ code, deadline, reason }: { code: string; deadline: string; reason: string }) =>
      unwrap(api.PATCH("/api/v1/periods/{code}", { params: { path: { code } }, body: { deadline, reason } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["periods"] }),
  });
}

export function useReopenPeriod() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ code, reason }: { code: string; reason: string }) =>
      unwrap(api.POST("/api/v1/periods/{code}/reopen", { params: { path: { code } }, body: { reason } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["periods"] }),
  });
}

/** Opens a planned period for answers, or closes an open one (its answers then stay as they are). */
export function usePeriodState() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ code, action }: { code: string; action: "open" | "close" }) =>
      action === "open"
        ? unwrap(api.POST("/api/v1/periods/{code}/open", { params: { path: { code } } }))
        : unwrap(api.POST("/api/v1/periods/{code}/close", { params: { path: { code } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["periods"] }),
  });
}
