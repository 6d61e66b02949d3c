import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "./client";

export type InstanceRead = Schemas["InstanceRead"];
export type DemoAccountRead = Schemas["DemoAccountRead"];

export const instanceQueryKey = ["instance"] as const;

/** GET /instance: the installation's name, and its demo accounts in development. */
export function useInstance() {
  return useQuery({
    queryKey: instanceQueryKey,
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/instance", { signal })),
    // It changes with a restart or a seed; the server lets caches keep it a minute too.
    staleTime: 60_000,
  });
}
