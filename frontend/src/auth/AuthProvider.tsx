import { useQueryClient } from "@tanstack/react-query";
import { useEffect, type ReactNode } from "react";
import { setUnauthorizedHandler } from "../api/client";
import { meQueryKey } from "./session";

/**
 * Turns any 401 from the API into "signed out": the cached session becomes
 * null, and RequireAuth sends the user to the login page.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      setUnauthorizedHandler(() => {
        if (queryClient.getQueryData(meQueryKey) !== null) queryClient.setQueryData(meQueryKey, null);
      }),
    [queryClient],
  );
  return <>{children}</>;
}
