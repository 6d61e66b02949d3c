import { Fragment, type FormEvent, type ReactNode } from "react";
import type { UseQueryResult } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { PAGE_SIZE } from "../api/queries";
import { CardTable } from "./CardTable";
import { usePageTitle } from "./Layout";
import { Pager } from "./Pager";
import { Empty, ErrorMessage, Loading } from "./QueryState";

/** One page of a list endpoint's answer (`{items, total, limit, offset}`). */
export interface PageData<T> {
  items: T[];
  total: number;
  limit?: number;
  offset?: number;
}

/**
 * A query's three waiting states, then its data: loading, the error with the
 * API's words and a retry, the empty state (when `isEmpty` says so), else
 * `children(data)`.
 */
export function QueryView<D>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<D>;
  isEmpty?: (data: D) => boolean;
  empty?: ReactNode;
  children: (data: D) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />;
  if (isEmpty?.(query.data)) return <Empty>{empty}</Empty>;
  return <>{children(query.data)}</>;
}

export interface ListPaging {
  onChange: (offset: number) => void;
  /** Hide the pager while everything fits one page (lists inside a detail page). */
  onlyWhenMany?: boolean;
}

export interface ListResultsProps<T> {
  query: UseQueryResult<PageData<T>>;
  /** The empty state's words. */
  empty: ReactNode;
  /** The table's caption for screen readers. */
  caption: ReactNode;
  /** The header cells (`<th scope="col">`). */
  head: ReactNode;
  row: (item: T) => ReactNode;
  rowKey: (item: T) => string | number;
  tableClassName?: string;
  tableTestId?: string;
  /** Shown above the table while there are rows (e.g. bulk actions). */
  toolbar?: ReactNode;
  /** Without it the list is not paged (one request holds everything). */
  paging?: ListPaging;
}

/** A list's body: the query's states, the table (cards on phones) and the pager. */
export function ListResults<T>({
  query,
  empty,
  caption,
  head,
  row,
  rowKey,
  tableClassName,
  tableTestId,
  toolbar,
  paging,
}: ListResultsProps<T>) {
  const pager = (data: PageData<T>) => {
    if (!paging) return null;
    const limit = data.limit || PAGE_SIZE;
    if (paging.onlyWhenMany && data.total <= limit) return null;
    return <Pager total={data.total} limit={limit} offset={data.offset ?? 0} onChange={paging.onChange} />;
  };
  return (
    <QueryView query={query}>
      {(data) =>
        data.items.length === 0 ? (
          <>
            <Empty>{empty}</Empty>
            {/* A page past the end (an old link, rows gone since): the way back. */}
            {data.total > 0 ? pager(data) : null}
          </>
        ) : (
          <>
            {toolbar}
            <div className="table-wrap" aria-busy={query.isFetching}>
              <CardTable className={tableClassName} data-testid={tableTestId}>
                <caption className="visually-hidden">{caption}</caption>
                <thead>
                  <tr>{head}</tr>
                </thead>
                <tbody>
                  {data.items.map((item) => (
                    <Fragment key={rowKey(item)}>{row(item)}</Fragment>
                  ))}
                </tbody>
              </CardTable>
            </div>
            {pager(data)}
          </>
        )
      }
    </QueryView>
  );
}

/**
 * The filter bar of a list: a search landmark whose submit applies the typed
 * filters (selects usually apply at once), with "Reset" while any is set.
 */
export function FilterForm({
  label,
  onApply,
  onReset,
  hasFilters = false,
  applyButton = true,
  children,
}: {
  label: string;
  onApply?: () => void;
  onReset?: () => void;
  hasFilters?: boolean;
  /** False when the page places its own button (or needs none). */
  applyButton?: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    onApply?.();
  };
  const reset = onReset && hasFilters;
  return (
    <form className="filters no-print" role="search" aria-label={label} onSubmit={onSubmit}>
      {children}
      {applyButton || reset ? (
        <div className="field field-actions">
          {applyButton ? (
            <button type="submit" className="button button-primary">
              {t("regions.apply")}
            </button>
          ) : null}
          {reset ? (
            <button type="button" className="button" onClick={onReset}>
              {t("regions.reset")}
            </button>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}

/** A page's frame: its heading (also the document title), a line under it and the lead. */
export function PageFrame({
  name,
  title,
  lead,
  subtitle,
  className,
  children,
}: {
  /** Names the heading's id, `<name>-title`. */
  name: string;
  title: string;
  lead?: ReactNode;
  subtitle?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  usePageTitle(title);
  const titleId = `${name}-title`;
  return (
    <section aria-labelledby={titleId} className={className}>
      <h1 id={titleId}>{title}</h1>
      {subtitle}
      {lead ? <p className="lead">{lead}</p> : null}
      {children}
    </section>
  );
}

export type ListPageProps<T> = ListResultsProps<T> & {
  name: string;
  title: string;
  lead?: ReactNode;
  /** Before the filters (e.g. "create" and its form). */
  actions?: ReactNode;
  filters?: ReactNode;
  /** Between the filters and the list (notices, panels). */
  children?: ReactNode;
};

/**
 * Every list page's skeleton: title and lead, actions, filters, notices, then
 * the list with its loading, error and empty states and its pager.
 */
export function ListPage<T>({ name, title, lead, actions, filters, children, ...list }: ListPageProps<T>) {
  return (
    <PageFrame name={name} title={title} lead={lead}>
      {actions}
      {filters}
      {children}
      <ListResults {...list} />
    </PageFrame>
  );
}
