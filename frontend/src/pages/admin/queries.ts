import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type ApiKeyCreate, type Role, type UserCreate, type UserUpdate } from "../../api/client";
import { PAGE_SIZE } from "../../api/queries";

export interface UserListParams {
  role?: Role;
  active?: boolean;
  q?: string;
  offset: number;
}

export interface ApiKeyListParams {
  active?: boolean;
  offset: number;
}

export type AuditOutcome = "success" | "failure" | "denied" | "rate_limited" | "refused";

export interface AuditListParams {
  actor?: string;
  action?: string;
  outcome?: AuditOutcome;
  /** ISO date-time */
  since?: string;
  /** ISO date-time, exclusive */
  until?: string;
  offset: number;
}

export const adminKeys = {
  users: (params: UserListParams) => ["users", "list", params] as const,
  apiKeys: (params: ApiKeyListParams) => ["api-keys", "list", params] as const,
  audit: (params: AuditListParams) => ["audit", "list", params] as const,
};

export function useUsers(params: UserListParams) {
  return useQuery({
    queryKey: adminKeys.users(params),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/users", { params: { query: { limit: PAGE_SIZE, ...params } }, signal })),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UserCreate) => unwrap(api.POST("/api/v1/users", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["users"] }),
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    // `password` is null unless it changes (the contract lists it as required).
    mutationFn: ({ username, body }: { username: string; body: Partial<UserUpdate> }) =>
      unwrap(
        api.PATCH("/api/v1/users/{username}", {
          params: { path: { username } },
          body: { password: null, ...body },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["users"] }),
  });
}

export function useApiKeys(params: ApiKeyListParams) {
  return useQuery({
    queryKey: adminKeys.apiKeys(params),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/api-keys", { params: { query: { limit: PAGE_SIZE, ...params } }, signal })),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ApiKeyCreate) => unwrap(api.POST("/api/v1/api-keys", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["api-keys"] }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (prefix: string) =>
      unwrap(api.DELETE("/api/v1/api-keys/{prefix}", { params: { path: { prefix } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["api-keys"] }),
  });
}

export function useAudit(params: AuditListParams) {
  return useQuery({
    queryKey: adminKeys.audit(params),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/audit", { params: { query: { limit: PAGE_SIZE, ...params } }, signal })),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}
