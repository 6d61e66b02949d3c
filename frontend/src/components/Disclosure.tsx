import { useId, useState, type ReactNode } from "react";
import { isPhone } from "./media";

type HeadingLevel = 2 | 3 | 4;

/**
 * A section whose body can be folded away under its heading (the WAI-ARIA
 * disclosure pattern: a button with aria-expanded inside the heading, so the
 * heading stays in the outline). Long pages use it so that on a phone they
 * open as a list of headings a few screens long: by default a section starts
 * folded on phones and open on wider screens. `summary` stays visible when
 * folded (e.g. a score bar), so a folded section still says what is in it.
 * Printing shows every body.
 */
export function Disclosure({
  title,
  level = 2,
  summary,
  defaultOpen,
  className,
  headingId,
  children,
  ...rest
}: {
  title: ReactNode;
  level?: HeadingLevel;
  summary?: ReactNode;
  defaultOpen?: boolean;
  className?: string;
  headingId?: string;
  children: ReactNode;
} & { [data: `data-${string}`]: string | undefined }) {
  const [open, setOpen] = useState(() => defaultOpen ?? !isPhone());
  const bodyId = useId();
  const generatedId = useId();
  const id = headingId ?? generatedId;
  const Heading = `h${level}` as const;
  return (
    <section className={className ? `disclosure ${className}` : "disclosure"} aria-labelledby={id} {...rest}>
      <Heading className="disclosure-heading">
        <button
          type="button"
          id={id}
          className="disclosure-button"
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={() => setOpen((value) => !value)}
        >
          <span aria-hidden="true" className="disclosure-icon" />
          <span className="disclosure-title">{title}</span>
        </button>
      </Heading>
      {summary}
      <div id={bodyId} className="disclosure-body" hidden={!open}>
        {children}
      </div>
    </section>
  );
}
