import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";

export type FrameworkContent = Schemas["FrameworkContent"];
export type FrameworkDiff = Schemas["FrameworkDiff"];

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ["frameworks"] });
}

export function useSaveFramework(code: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: FrameworkContent) =>
      unwrap(api.PUT("/api/v1/frameworks/{code}", { params: { path: { code } }, body })),
    onSuccess: invalidate,
  });
}

/** Saves what is on screen first, so publishing never drops unsaved edits, then publishes. */
export function usePublishFramework(code: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (body: FrameworkContent) => {
      await unwrap(api.PUT("/api/v1/frameworks/{code}", { params: { path: { code } }, body }));
      return unwrap(api.POST("/api/v1/frameworks/{code}/publish", { params: { path: { code } } }));
    },
    onSettled: invalidate,
  });
}

export function useCopyFramework(code: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (target: string) =>
      unwrap(api.POST("/api/v1/frameworks/{code}/copy", { params: { path: { code } }, body: { code: target } })),
    onSuccess: invalidate,
  });
}

export function useFrameworkDiff(code: string, other: string) {
  return useQuery({
    queryKey: ["frameworks", "diff", code, other],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/frameworks/{code}/diff/{other}", { params: { path: { code, other } }, signal })),
    enabled: code !== "" && other !== "",
  });
}
