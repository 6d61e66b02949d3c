import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { ApiError, api, unwrap, type Capability, type MeRead } from "../api/client";

export const meQueryKey = ["auth", "me"] as const;

/** The signed-in account, or null when there is no session (401). */
async function fetchMe(signal: AbortSignal): Promise<MeRead | null> {
  try {
    return await unwrap(api.GET("/api/v1/auth/me", { signal }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/**
 * The session as TanStack Query state. With `fetch: false` it only reads what
 * is cached (the header uses it so the login page does not ask the server).
 */
export function useMe({ fetch = true }: { fetch?: boolean } = {}) {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => fetchMe(signal),
    enabled: fetch,
    staleTime: 5 * 60_000,
  });
}

export function hasCapability(me: MeRead | null | undefined, capability: Capability): boolean {
  return Boolean(me?.capabilities.includes(capability));
}

/**
 * Mirrors incidents/rules.py files_somewhere: a coordinator, an operator of a Kesbangpol
 * (its agency code ends in `.kesbangpol`), an administrator. Only to offer the form;
 * the server decides.
 */
export function mayFileIncident(me: MeRead | null | undefined): boolean {
  if (!me || me.kind !== "user") return false;
  if (me.role === "coordinator") return true;
  if (me.role === "operator") return (me.agency_code ?? "").toLowerCase().endsWith(".kesbangpol");
  return hasCapability(me, "admin");
}

/**
 * Whether the account may verify, return or reopen the answers of `region`: it reviews,
 * and the region lies strictly below its own scope (a national account is above every
 * region). Separation of duties: nobody reviews their own region's answers; the API
 * refuses them with 403 `own_region` (submissions/workflow.py check_separation).
 */
export function mayReview(me: MeRead | null | undefined, region: string): boolean {
  if (!me || !hasCapability(me, "review")) return false;
  return !me.region_code || region.startsWith(`${me.region_code}.`);
}

/**
 * Whether the region is within the account's scope: its own region or one below it
 * (national accounts have no region and read everywhere). The API answers 404 outside it.
 */
export function withinScope(me: MeRead | null | undefined, region: string): boolean {
  if (!me) return false;
  return !me.region_code || region === me.region_code || region.startsWith(`${me.region_code}.`);
}

/**
 * Whether the account may read that Pemda's report (and its PDF): a coordinator or an
 * operator only its own Pemda's, others any in their subtree (reporting/repository.py).
 */
export function seesPemdaReport(me: MeRead | null | undefined, region: string): boolean {
  if (!me) return false;
  if (me.role === "coordinator" || me.role === "operator") return region === me.region_code;
  return withinScope(me, region);
}

/**
 * Whether the account follows a Pemda's tasks: an operator answers its own, a
 * coordinator follows every agency of its Pemda (read only).
 */
export function followsTasks(me: MeRead | null | undefined): boolean {
  return hasCapability(me, "answer") || me?.role === "coordinator";
}

/**
 * Where to go after signing in: only a same-site path ("/x", not "//host" or
 * "/\\host", which browsers treat as another site), never the login page again.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  // Control characters (tabs, newlines) are stripped by URL parsers and could
  // turn "/\t/evil.com" into "//evil.com".
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return "/";
  try {
    const base = "https://siaga.invalid";
    const url = new URL(next, base);
    if (url.origin !== base) return "/";
    if (url.pathname === LOGIN_PATH) return "/";
    return url.pathname + url.search + url.hash;
  } catch {
    return "/";
  }
}

export const LOGIN_PATH = "/masuk";
export const PROFILE_PATH = "/profil";

/** The login page's address that comes back to `path` afterwards. */
export function loginPath(path: string): string {
  const next = safeNext(path);
  return next === "/" ? LOGIN_PATH : `${LOGIN_PATH}?next=${encodeURIComponent(next)}`;
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { username: string; password: string }) =>
      unwrap(api.POST("/api/v1/auth/login", { body })),
    onSuccess: (result) => {
      // Nothing cached for a previous account may show through.
      queryClient.clear();
      queryClient.setQueryData(meQueryKey, result.user);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: async () => {
      try {
        await unwrap(api.POST("/api/v1/auth/logout"));
      } catch (error) {
        // Already signed out (expired session): the goal is reached anyway.
        if (!(error instanceof ApiError && error.status === 401)) throw error;
      }
    },
    onSuccess: () => {
      // Leave the guarded pages first, so nothing refetches the session while
      // the cache is emptied.
      navigate(LOGIN_PATH, { replace: true });
      queryClient.clear();
    },
  });
}
