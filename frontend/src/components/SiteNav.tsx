import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";
import type { Capability, MeRead } from "../api/client";
import { hasCapability, mayFileIncident } from "../auth/session";

// `allow`, where given, decides instead of `capability`.
type NavItem = {
  to: string;
  key: string;
  end?: boolean;
  capability?: Capability;
  allow?: (me: MeRead) => boolean;
};
type NavGroup = { key: string; items: readonly NavItem[] };

const REPORT_WORKERS: ReadonlySet<string> = new Set(["coordinator", "verifier", "operator", "admin"]);
/** Who files quick incident reports (the Pemda's Kesbangpol, administrators) or handles them (verifiers). */
function worksOnIncidents(me: MeRead): boolean {
  return mayFileIncident(me) || me.role === "verifier";
}

// Grouped by what a person comes to do: work on answers, monitor readiness,
// administer the instance. A role sees only the links, and so only the groups,
// it can use: a viewer gets one group of four links instead of thirteen.
export const NAV_GROUPS: readonly NavGroup[] = [
  {
    key: "nav.groupWork",
    items: [
      { to: "/tugas", key: "nav.tasks", capability: "answer" },
      // A coordinator follows its Pemda's tasks, every agency's, on the same page.
      { to: "/tugas", key: "nav.progress", allow: (me) => me.role === "coordinator" && !hasCapability(me, "answer") },
      { to: "/verifikasi", key: "nav.review", capability: "review" },
      // Pemda reports: the coordinator writes and sends, the verifier one level up accepts,
      // operators read their Pemda's and follow up the recommendations their agency answers for.
      { to: "/laporan", key: "nav.reports", allow: (me) => REPORT_WORKERS.has(me.role ?? "") },
      // Quick incident reports: filed by the Pemda's Kesbangpol, handled up the chain.
      { to: "/laporan-cepat", key: "nav.incidents", allow: worksOnIncidents },
      { to: "/admin/impor", key: "nav.imports", capability: "import" },
    ],
  },
  {
    key: "nav.groupMonitor",
    items: [
      { to: "/dasbor", key: "nav.dashboard", capability: "read" },
      // A viewer follows the reports (read only) with the other monitoring pages.
      { to: "/laporan", key: "nav.reports", allow: (me) => me.role === "viewer" },
      { to: "/laporan-cepat", key: "nav.incidents", allow: (me) => me.role === "viewer" },
      { to: "/wilayah", key: "nav.regions" },
      { to: "/kerangka", key: "nav.frameworks" },
      { to: "/periode", key: "nav.periods" },
    ],
  },
  {
    key: "nav.groupAdmin",
    items: [
      { to: "/admin/pengguna", key: "nav.users", capability: "admin" },
      { to: "/admin/kunci-api", key: "nav.apiKeys", capability: "admin" },
      { to: "/admin/webhook", key: "nav.webhooks", capability: "admin" },
      { to: "/admin/audit", key: "nav.audit", capability: "admin" },
    ],
  },
];

export function navGroupsFor(me: MeRead): NavGroup[] {
  return NAV_GROUPS.map((group) => ({
    ...group,
    items: group.items.filter((item) =>
      item.allow ? item.allow(me) : !item.capability || hasCapability(me, item.capability),
    ),
  })).filter((group) => group.items.length > 0);
}

export const NAV_ID = "site-nav";

/**
 * The main navigation: a grouped bar on wide screens; on phones (CSS) a sheet
 * over the lower part of the screen, where a thumb reaches it, opened by the
 * header's menu button. Tapping a link, the backdrop, "close" or Escape closes it.
 */
export function SiteNav({
  me,
  open,
  onClose,
}: {
  me: MeRead;
  open: boolean;
  onClose: (options?: { restoreFocus: boolean }) => void;
}) {
  const { t } = useTranslation();
  const groups = navGroupsFor(me);
  const sheet = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    // Keyboard users land in the sheet; the page behind does not scroll with it.
    sheet.current?.querySelector<HTMLElement>("a")?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onClose({ restoreFocus: true });
    };
    document.addEventListener("keydown", onKey);
    const overflow = document.body.style.overflow;
    document.body.style.overflow = "hidden";
    return () => {
      document.removeEventListener("keydown", onKey);
      document.body.style.overflow = overflow;
    };
  }, [open, onClose]);

  if (groups.length === 0) return null;
  return (
    <nav id={NAV_ID} className={open ? "site-nav nav-open" : "site-nav"} aria-label={t("nav.label")}>
      <div className="nav-backdrop" aria-hidden="true" onClick={() => onClose()} />
      <div className="nav-sheet" ref={sheet}>
        <ul className="container nav-groups">
          {groups.map((group) => (
            <li key={group.key} className="nav-group">
              <span className="nav-group-label" id={`nav-${group.key}`}>
                {t(group.key)}
              </span>
              <ul className="nav-list" aria-labelledby={`nav-${group.key}`}>
                {group.items.map((item) => (
                  <li key={item.to}>
                    <NavLink to={item.to} end={item.end} onClick={() => onClose()}>
                      {t(item.key)}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
        <button type="button" className="button nav-close" onClick={() => onClose({ restoreFocus: true })}>
          {t("nav.closeMenu")}
        </button>
      </div>
    </nav>
  );
}
