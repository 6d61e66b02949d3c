import { Suspense, useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useLocation } from "react-router";
import { useMe } from "../auth/session";
import { LanguageSwitch } from "./LanguageSwitch";
import { useIsPhone } from "./media";
import { NotificationBell } from "./NotificationBell";
import { Loading } from "./QueryState";
import { NAV_ID, SiteNav, navGroupsFor } from "./SiteNav";
import { UserMenu } from "./UserMenu";

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
  const hasNav = me ? navGroupsFor(me).length > 0 : false;
  const [navOpen, setNavOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const closeNav = useCallback((options?: { restoreFocus: boolean }) => {
    setNavOpen(false);
    if (options?.restoreFocus) menuButton.current?.focus();
  }, []);
  const { pathname } = useLocation();
  const phone = useIsPhone();
  // Back and forward close the phone menu too, not only its own links; so does
  // turning the phone to a width where the menu is a bar again.
  useEffect(() => setNavOpen(false), [pathname, phone]);
  // While the sheet is open, the page behind it is out of reach of Tab and screen readers.
  const behindSheet = navOpen || undefined;
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
            {me ? <NotificationBell /> : null}
            {me ? <UserMenu me={me} /> : <LanguageSwitch />}
            {hasNav ? (
              <button
                ref={menuButton}
                type="button"
                className="menu-button"
                aria-expanded={navOpen}
                aria-controls={NAV_ID}
                onClick={() => setNavOpen((open) => !open)}
              >
                <span aria-hidden="true" className="menu-icon" />
                {t("nav.menu")}
              </button>
            ) : null}
          </div>
        </div>
        {me ? <SiteNav me={me} open={navOpen} onClose={closeNav} /> : null}
      </header>
      <main id="main" className="container main" tabIndex={-1} inert={behindSheet}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="site-footer" inert={behindSheet}>
        <div className="container">
          <p>{t("app.footer")}</p>
          <ul className="footer-links">
            {me ? (
              <li>
                <Link to="/tentang">{t("nav.about")}</Link>
              </li>
            ) : null}
            <li>
              <a href="/api/v1/docs">{t("app.apiDocs")}</a>
            </li>
          </ul>
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
