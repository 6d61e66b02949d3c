import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";
import type { AnswerKey } from "./queries";

export type CommentRead = Schemas["CommentRead"];
export type CommentPage = Schemas["CommentPage"];

/** The API's bound on a message (after trimming); the form says so before sending. */
export const COMMENT_MAX_LENGTH = 4000;
/** A thread is read whole: conversations on one answer stay short. */
const THREAD_LIMIT = 500;

export const commentKeys = {
  thread: (key: AnswerKey) => ["comments", key.period, key.region, key.indicator] as const,
};

const path = (key: AnswerKey) => ({ path: { period: key.period, region: key.region, indicator: key.indicator } });

/**
 * The conversation on an answer. Reading it marks it read for the user, so the task
 * list's unread counts are refreshed once it has been fetched.
 */
export function useComments(key: AnswerKey) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: commentKeys.thread(key),
    queryFn: async ({ signal }) => {
      const page = await unwrap(
        api.GET("/api/v1/submissions/{period}/{region}/{indicator}/comments", {
          params: { ...path(key), query: { limit: THREAD_LIMIT } },
          signal,
        }),
      );
      if (page.unread > 0) void queryClient.invalidateQueries({ queryKey: ["tasks"] });
      return page;
    },
    staleTime: 0,
  });
}

export function usePostComment(key: AnswerKey) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: string) =>
      unwrap(
        api.POST("/api/v1/submissions/{period}/{region}/{indicator}/comments", {
          params: path(key),
          body: { body },
        }),
      ),
    onSuccess: (comment) => {
      // Append at once (the thread is oldest first), then read it again from the server.
      queryClient.setQueryData<CommentPage>(commentKeys.thread(key), (page) =>
        page ? { ...page, items: [...page.items, comment], total: page.total + 1 } : page,
      );
      void queryClient.invalidateQueries({ queryKey: commentKeys.thread(key) });
    },
  });
}
