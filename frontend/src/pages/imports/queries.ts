import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { PAGE_SIZE } from "../../api/queries";

export const importKeys = {
  all: ["imports"] as const,
  list: (offset: number) => ["imports", "list", { offset }] as const,
  batch: (id: number) => ["imports", "get", id] as const,
};

/** Past import batches the caller may see, newest first. */
export function useImportBatches(offset: number) {
  return useQuery({
    queryKey: importKeys.list(offset),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/imports", { params: { query: { limit: PAGE_SIZE, offset } }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useImportBatch(id: number) {
  return useQuery({
    queryKey: importKeys.batch(id),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/imports/{batch_id}", { params: { path: { batch_id: id } }, signal })),
    enabled: Number.isInteger(id) && id > 0,
  });
}
