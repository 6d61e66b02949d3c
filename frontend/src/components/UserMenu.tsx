import { useTranslation } from "react-i18next";
import type { MeRead } from "../api/client";
import { useLogout } from "../auth/session";
import { roleLabel } from "./labels";

/** The signed-in account (name, role, scope) and the sign-out button. */
export function UserMenu({ me }: { me: MeRead }) {
  const { t } = useTranslation();
  const logout = useLogout();
  const name = me.full_name.trim() || me.username;
  const scope = me.region_name ?? me.region_code ?? t("auth.national");
  return (
    <div className="user-menu">
      <p className="user-info">
        <span className="visually-hidden">{t("auth.signedInAs")} </span>
        <span className="user-name">{name}</span>
        <span className="user-meta">
          {me.role ? <span className="user-role">{roleLabel(t, me.role)}</span> : null}
          {me.role ? " · " : null}
          <span className="user-scope">{scope}</span>
          {me.agency_name || me.agency_code ? (
            <>
              {" · "}
              <span className="user-agency">{me.agency_name ?? me.agency_code}</span>
            </>
          ) : null}
        </span>
      </p>
      <button
        type="button"
        className="button button-header"
        onClick={() => logout.mutate()}
        disabled={logout.isPending}
        aria-busy={logout.isPending}
      >
        {t("auth.logout")}
      </button>
      {logout.isError ? (
        <p className="user-error" role="alert">
          {t("auth.logoutFailed")}
        </p>
      ) : null}
    </div>
  );
}
