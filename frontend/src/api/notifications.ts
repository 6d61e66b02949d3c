import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "./client";
import { PAGE_SIZE } from "./queries";

export type NotificationRead = Schemas["NotificationRead"];
export type NotificationPage = Schemas["NotificationPage"];

/** The inbox page. */
export const NOTIFICATIONS_PATH = "/notifikasi";
/** How often an open page asks for the bell's number (and again on returning to the tab). */
export const UNREAD_POLL_MS = 60_000;

export interface NotificationListParams {
  unread: boolean;
  offset: number;
}

export const notificationKeys = {
  all: ["notifications"] as const,
  unread: () => ["notifications", "unread"] as const,
  list: (params: NotificationListParams) => ["notifications", "list", params] as const,
};

/**
 * The signed-in user's unread count, for the bell: asked every minute while the tab is
 * visible (not in the background) and whenever the user comes back to it, so a return
 * or a report to review shows up without reloading.
 */
export function useUnreadCount(enabled = true) {
  return useQuery({
    queryKey: notificationKeys.unread(),
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/notifications/unread-count", { signal })),
    enabled,
    staleTime: 0,
    refetchInterval: UNREAD_POLL_MS,
    refetchOnWindowFocus: true,
  });
}

export function useNotifications(params: NotificationListParams) {
  return useQuery({
    queryKey: notificationKeys.list(params),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/notifications", {
          params: { query: { unread: params.unread, limit: PAGE_SIZE, offset: params.offset } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
    staleTime: 0,
    refetchOnWindowFocus: true,
  });
}

/** After marking read, the list and the bell are asked again (the bell's number changed). */
function useRefreshInbox() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: notificationKeys.all });
}

export function useMarkRead() {
  const refresh = useRefreshInbox();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(api.POST("/api/v1/notifications/{notification_id}/read", { params: { path: { notification_id: id } } })),
    onSuccess: refresh,
  });
}

export function useMarkAllRead() {
  const refresh = useRefreshInbox();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/notifications/read-all")),
    onSuccess: refresh,
  });
}
