import { useEffect, useState } from "react";
import { useSearchParams, type NavigateOptions } from "react-router";

/**
 * A list's filters and page kept in the URL, so that a filtered page can be
 * bookmarked, shared and reached again with back/forward. `parse` reads the
 * query string (ignoring junk), `serialize` writes it back (defaults left out).
 */
export interface UrlFilters<F> {
  filters: F;
  /** Changed filters start again at the first page. */
  apply: (patch: Partial<F>) => void;
  /** Another page of the same filters. */
  setOffset: (offset: number) => void;
  /** Back to the unfiltered list (an empty query string). */
  reset: () => void;
  /** The filters exactly as given (no return to the first page). */
  setFilters: (filters: F, options?: NavigateOptions) => void;
}

export function useUrlFilters<F extends { offset?: number }>(
  parse: (params: URLSearchParams) => F,
  serialize: (filters: F) => URLSearchParams,
): UrlFilters<F> {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = parse(searchParams);
  const setFilters = (next: F, options?: NavigateOptions) => setSearchParams(serialize(next), options);
  return {
    filters,
    apply: (patch) => setFilters({ ...filters, offset: 0, ...patch }),
    setOffset: (offset) => setFilters({ ...filters, offset }),
    reset: () => setSearchParams(new URLSearchParams()),
    setFilters,
  };
}

/**
 * A text filter's field: typed freely, sent on "Apply", and set again from the
 * URL when that changes under it (back/forward, reset, a link).
 */
export function useDraft(fromUrl: string | undefined): [string, (value: string) => void] {
  const [draft, setDraft] = useState(fromUrl ?? "");
  useEffect(() => setDraft(fromUrl ?? ""), [fromUrl]);
  return [draft, setDraft];
}
