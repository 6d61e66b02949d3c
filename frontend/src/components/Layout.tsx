import { Suspense, useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Link, NavLink, Outlet, useLocation } from "react-router";
import type { Capability } from "../api/client";
import { hasCapability, useMe } from "../auth/session";
import { LanguageSwitch } from "./LanguageSwitch";
import { Loading } from "./QueryState";
import { UserMenu } from "./UserMenu";

const NAV: readonly { to: string; key: string; end: boolean; capability?: Capability }[] = [
  { to: "/dasbor", key: "nav.dashboard", end: false, capability: "read" },
  { to: "/tugas", key: "nav.tasks", end: false, capability: "answer" },
  { to: "/verifikasi", key: "nav.review", end: false, capability: "review" },
  { to: "/wilayah", key: "nav.regions", end: false },
  { to: "/kerangka", key: "nav.frameworks", end: false },
  { to: "/periode", key: "nav.periods", end: false },
  { to: "/tentang", key: "nav.about", end: true },
  { to: "/admin/pengguna", key: "nav.users", end: false, capability: "admin" },
  { to: "/admin/kunci-api", key: "nav.apiKeys", end: false, capability: "admin" },
  { to: "/admin/audit", key: "nav.audit", end: false, capability: "admin" },
  { to: "/admin/impor", key: "nav.imports", end: false, capability: "import" },
];

// After an in-app navigation, move focus to the main region so keyboard and
// screen-reader users start at the new page, as after a full page load.
function useFocusMainOnNavigate() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById("main")?.focus({ preventScroll: false });
  }, [pathname]);
}

export function Layout() {
  const { t } = useTranslation();
  useFocusMainOnNavigate();
  // Only what is cached: RequireAuth fetches the session for guarded pages,
  // and the login page has none to show.
  const { data: me } = useMe({ fetch: false });
  const nav = me ? NAV.filter((item) => !item.capability || hasCapability(me, item.capability)) : [];
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <header className="site-header">
        <div className="container header-inner">
          <Link to="/" className="brand">
            <span className="brand-name">{t("app.name")}</span>
            <span className="brand-subtitle">{t("app.subtitle")}</span>
          </Link>
          <div className="header-tools">
            {me ? <UserMenu me={me} /> : null}
            <LanguageSwitch />
          </div>
        </div>
        {nav.length > 0 ? (
          <nav className="site-nav" aria-label={t("nav.label")}>
            <ul className="container nav-list">
              {nav.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.end}>
                    {t(item.key)}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
      </header>
      <main id="main" className="container main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="site-footer">
        <div className="container">
          <p>{t("app.footer")}</p>
          <p>
            <a href="/api/v1/docs">{t("app.apiDocs")}</a>
          </p>
        </div>
      </footer>
    </div>
  );
}

/** Sets document.title to "<page> · Siaga" in the current language. */
export function usePageTitle(title: string | undefined) {
  const { t } = useTranslation();
  const app = t("app.name");
  useEffect(() => {
    document.title = title ? `${title} · ${app}` : app;
  }, [title, app]);
}
