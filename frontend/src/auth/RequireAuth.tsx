import { useTranslation } from "react-i18next";
import { Navigate, Outlet, useLocation } from "react-router";
import type { Capability, MeRead } from "../api/client";
import { usePageTitle } from "../components/Layout";
import { ErrorMessage, Loading } from "../components/QueryState";
import { PROFILE_PATH, hasCapability, loginPath, useMe } from "./session";

/** Renders its child routes only with a session; otherwise goes to the login page. */
export function RequireAuth() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading />;
  if (me.isError && me.data === undefined)
    return <ErrorMessage error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) {
    return <Navigate to={loginPath(location.pathname + location.search + location.hash)} replace />;
  }
  // After an administrator's reset the API answers nothing but the password change
  // (password_change_required): the profile page is the only place to go.
  if (me.data.must_change_password && location.pathname !== PROFILE_PATH) {
    return <Navigate to={PROFILE_PATH} replace />;
  }
  return <Outlet />;
}

/** Renders its child routes only for an account with `capability`. */
export function RequireCapability({ capability }: { capability: Capability }) {
  const me = useMe();
  if (hasCapability(me.data, capability)) return <Outlet />;
  return <Forbidden />;
}

/** Renders its child routes only for an account that `allow` admits. */
export function RequireAccess({ allow }: { allow: (me: MeRead | null | undefined) => boolean }) {
  const me = useMe();
  if (allow(me.data)) return <Outlet />;
  return <Forbidden />;
}

function Forbidden() {
  const { t } = useTranslation();
  usePageTitle(t("auth.forbiddenTitle"));
  return (
    <section aria-labelledby="forbidden-title">
      <h1 id="forbidden-title">{t("auth.forbiddenTitle")}</h1>
      <p className="lead">{t("auth.forbiddenBody")}</p>
    </section>
  );
}
