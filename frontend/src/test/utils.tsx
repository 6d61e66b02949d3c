import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, useLocation } from "react-router";
import { vi } from "vitest";
import type { MeRead } from "../api/client";
import { AuthProvider } from "../auth/AuthProvider";
import { meQueryKey } from "../auth/session";

export const adminMe: MeRead = {
  kind: "user",
  username: "admin",
  full_name: "Administrator Siaga",
  role: "admin",
  region_code: null,
  region_name: null,
  agency_code: null,
  agency_name: null,
  capabilities: ["read", "answer", "review", "import", "admin"],
  must_change_password: false,
};

export const viewerMe: MeRead = {
  kind: "user",
  username: "pemantau.64",
  full_name: "Pemantau Kalimantan Timur",
  role: "viewer",
  region_code: "64",
  region_name: "Kalimantan Timur",
  agency_code: null,
  agency_name: null,
  capabilities: ["read"],
  must_change_password: false,
};

/**
 * Renders inside the app's providers. `session` is the signed-in account put
 * in the cache up front (default: a national admin); "fetch" leaves it to
 * GET /auth/me, so tests can answer that call themselves.
 */
export function renderWithProviders(
  ui: ReactElement,
  { route = "/", session = adminMe }: { route?: string; session?: MeRead | "fetch" } = {},
) {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity } },
  });
  if (session !== "fetch") queryClient.setQueryData(meQueryKey, session);
  const result = render(
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <MemoryRouter initialEntries={[route]}>
          {ui}
          <LocationProbe />
        </MemoryRouter>
      </AuthProvider>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}

/** Renders the current path and query so tests can assert on URL state. */
function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

type Handler = (url: URL, request: Request) => Response | Promise<Response>;

/**
 * Replaces global fetch with a router over "METHOD /path" keys (path without
 * /api/v1); unmatched requests fail the test loudly with a 599. GET /auth/me
 * answers with a national admin unless a test routes it itself.
 */
// Every answer page shows its conversation; a test that does not mock it gets an empty one.
const EMPTY_THREAD = { items: [], total: 0, limit: 500, offset: 0, unread: 0, last_read_id: null };

// The region page counts its incidents (pages/incidents/RegionIncidents.tsx).
const NO_INCIDENTS = { total: 0, overdue: 0, items: [], by_month: [] };

function fallback(method: string, path: string): Handler | undefined {
  if (method === "GET" && /^\/submissions\/[^/]+\/[^/]+\/[^/]+\/comments$/.test(path)) return () => json(EMPTY_THREAD);
  // Every signed-in page shows the bell; a test that does not mock it has nothing unread.
  if (method === "GET" && path === "/notifications/unread-count") return () => json({ unread: 0 });
  if (method === "GET" && path === "/incidents/summary") return () => json(NO_INCIDENTS);
  return undefined;
}

export function mockApi(routes: Record<string, Handler>) {
  routes = { "GET /auth/me": () => json(adminMe), ...routes };
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const path = url.pathname.replace(/^\/api\/v1/, "");
    const handler = routes[`${request.method} ${path}`] ?? fallback(request.method, path);
    if (!handler) return json({ error: { code: "unmocked", message: `unmocked ${request.method} ${path}` } }, 599);
    return handler(url, request);
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

export function requestedUrls(fetchMock: ReturnType<typeof mockApi>): URL[] {
  return fetchMock.mock.calls.map(([input]) => new URL(input instanceof Request ? input.url : String(input)));
}

export function page<T>(items: T[], total = items.length, limit = 50, offset = 0) {
  return { items, total, limit, offset };
}
