import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";
import { PAGE_SIZE } from "../../api/queries";

export type WebhookRead = Schemas["WebhookRead"];
export type WebhookCreate = Schemas["WebhookCreate"];
export type WebhookCreated = Schemas["WebhookCreated"];
export type WebhookUpdate = Schemas["WebhookUpdate"];
export type WebhookUpdated = Schemas["WebhookUpdated"];
export type WebhookEventType = Schemas["WebhookEventType"];
export type WebhookState = Schemas["WebhookState"];
export type WebhookDeliveryRead = Schemas["WebhookDeliveryRead"];
export type WebhookDeliveryState = Schemas["WebhookDeliveryState"];

/** Every event type an endpoint may subscribe to, in the contract's order (api.md). */
export const WEBHOOK_EVENTS: readonly WebhookEventType[] = [
  "submission.submitted",
  "submission.verified",
  "submission.returned",
  "submission.reopened",
  "report.submitted",
  "report.accepted",
  "report.returned",
  "period.opened",
  "period.closed",
  "incident.reported",
  "incident.updated",
  "incident.escalated",
  "incident.resolved",
];
export const WEBHOOK_STATES: readonly WebhookState[] = ["active", "paused", "disabled"];

export interface WebhookListParams {
  state?: WebhookState;
  offset: number;
}

const webhookKeys = {
  all: ["webhooks"] as const,
  list: (params: WebhookListParams) => ["webhooks", "list", params] as const,
  deliveries: (id: number, offset: number) => ["webhooks", "deliveries", id, offset] as const,
};

export function useWebhooks(params: WebhookListParams) {
  return useQuery({
    queryKey: webhookKeys.list(params),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/webhooks", { params: { query: { limit: PAGE_SIZE, ...params } }, signal })),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

export function useWebhookDeliveries(id: number, offset: number) {
  return useQuery({
    queryKey: webhookKeys.deliveries(id, offset),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/webhooks/{webhook_id}/deliveries", {
          params: { path: { webhook_id: id }, query: { limit: PAGE_SIZE, offset } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

/** Every change refreshes the list and the logs: states, queues and counts move together. */
function useWebhookMutation<V, R>(mutationFn: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useCreateWebhook() {
  return useWebhookMutation((body: WebhookCreate) => unwrap(api.POST("/api/v1/webhooks", { body })));
}

export function useUpdateWebhook() {
  // `rotate_secret` is false unless asked for (the generated type lists it as required).
  return useWebhookMutation(({ id, body }: { id: number; body: Partial<WebhookUpdate> }) =>
    unwrap(
      api.PATCH("/api/v1/webhooks/{webhook_id}", {
        params: { path: { webhook_id: id } },
        body: { rotate_secret: false, ...body },
      }),
    ),
  );
}

export function useDeleteWebhook() {
  return useWebhookMutation((id: number) =>
    unwrap(api.DELETE("/api/v1/webhooks/{webhook_id}", { params: { path: { webhook_id: id } } })),
  );
}

export function useTestWebhook() {
  return useWebhookMutation((id: number) =>
    unwrap(api.POST("/api/v1/webhooks/{webhook_id}/test", { params: { path: { webhook_id: id } } })),
  );
}

export function useRetryDelivery() {
  return useWebhookMutation(({ id, delivery }: { id: number; delivery: number }) =>
    unwrap(
      api.POST("/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry", {
        params: { path: { webhook_id: id, delivery_id: delivery } },
      }),
    ),
  );
}

/** ?state=&offset= */
export function parseWebhookFilters(params: URLSearchParams): WebhookListParams {
  const state = params.get("state");
  const offset = Number(params.get("offset"));
  return {
    state: WEBHOOK_STATES.find((s) => s === state),
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}
