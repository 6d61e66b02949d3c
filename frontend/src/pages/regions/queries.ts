import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";

export type RegionCreate = Schemas["RegionCreate"];
export type RegionUpdate = Schemas["RegionUpdate"];
export type AgencyCreate = Schemas["AgencyCreate"];
export type AgencyUpdate = Schemas["AgencyUpdate"];

/** Every change to a region or agency may change lists, details and counts: refetch them. */
function useInvalidateCatalogue() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ["regions"] }),
      queryClient.invalidateQueries({ queryKey: ["agencies"] }),
    ]);
}

export function useCreateRegion() {
  const invalidate = useInvalidateCatalogue();
  return useMutation({
    mutationFn: (body: RegionCreate) => unwrap(api.POST("/api/v1/regions", { body })),
    onSuccess: invalidate,
  });
}

export function useUpdateRegion() {
  const invalidate = useInvalidateCatalogue();
  return useMutation({
    mutationFn: ({ code, body }: { code: string; body: RegionUpdate }) =>
      unwrap(api.PATCH("/api/v1/regions/{code}", { params: { path: { code } }, body })),
    onSuccess: invalidate,
  });
}

export function useCreateAgency() {
  const invalidate = useInvalidateCatalogue();
  return useMutation({
    mutationFn: (body: AgencyCreate) => unwrap(api.POST("/api/v1/agencies", { body })),
    onSuccess: invalidate,
  });
}

export function useUpdateAgency() {
  const invalidate = useInvalidateCatalogue();
  return useMutation({
    mutationFn: ({ code, body }: { code: string; body: AgencyUpdate }) =>
      unwrap(api.PATCH("/api/v1/agencies/{code}", { params: { path: { code } }, body })),
    onSuccess: invalidate,
  });
}
