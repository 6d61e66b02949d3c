import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { MeRead } from "../api/client";
import { Link } from "react-router";
import { PROFILE_PATH, useLogout } from "../auth/session";
import { LanguageSwitch } from "./LanguageSwitch";
import { roleLabel } from "./labels";

/** Up to two initials of the account's name, for the phone header's account button. */
export function initials(name: string): string {
  const words = name.split(/[\s._-]+/).filter(Boolean);
  return words
    .slice(0, 2)
    .map((word) => word[0]!.toLocaleUpperCase())
    .join("");
}

/**
 * The signed-in account (name, role, scope), the language switch and the
 * sign-out button. Wide screens show them in the header; on phones (CSS) they
 * fold behind a round button with the account's initials, so the header stays
 * one short bar.
 */
export function UserMenu({ me }: { me: MeRead }) {
  const { t } = useTranslation();
  const logout = useLogout();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const name = me.full_name.trim() || me.username;
  const scope = me.region_name ?? me.region_code ?? t("auth.national");

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setOpen(false);
        toggle.current?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  return (
    <div className={open ? "user-menu user-menu-open" : "user-menu"} ref={root}>
      <button
        ref={toggle}
        type="button"
        className="user-toggle"
        aria-expanded={open}
        aria-controls="user-panel"
        aria-label={t("auth.accountOf", { name })}
        title={name}
        onClick={() => setOpen((value) => !value)}
      >
        <span aria-hidden="true">{initials(name) || "?"}</span>
      </button>
      <div className="user-panel" id="user-panel">
        <p className="user-info" title={[name, me.role ? roleLabel(t, me.role) : null, scope, me.agency_name ?? me.agency_code].filter(Boolean).join(" · ")}>
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
        <Link to={PROFILE_PATH} className="button button-header" onClick={() => setOpen(false)}>
          {t("profile.menu")}
        </Link>
        <button
          type="button"
          className="button button-header"
          onClick={() => logout.mutate()}
          disabled={logout.isPending}
          aria-busy={logout.isPending}
        >
          {t("auth.logout")}
        </button>
        <LanguageSwitch />
        {logout.isError ? (
          <p className="user-error" role="alert">
            {t("auth.logoutFailed")}
          </p>
        ) : null}
      </div>
    </div>
  );
}
