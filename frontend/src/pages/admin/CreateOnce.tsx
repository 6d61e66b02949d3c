import { useState, type ReactNode } from "react";

/**
 * A "create" button that opens a form; what the form creates (an API key, a webhook
 * endpoint: each with a secret shown once) then takes the button's place until the
 * administrator dismisses it. The secret exists only here, in memory.
 */
export function CreateOnce<T>({
  label,
  form,
  shown,
}: {
  label: string;
  form: (props: { onCancel: () => void; onCreated: (value: T) => void }) => ReactNode;
  shown: (value: T, dismiss: () => void) => ReactNode;
}) {
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<T | null>(null);
  return (
    <>
      {created !== null ? (
        shown(created, () => setCreated(null))
      ) : (
        <div className="toolbar no-print">
          <button type="button" className="button button-primary" aria-expanded={creating} onClick={() => setCreating((v) => !v)}>
            {label}
          </button>
        </div>
      )}
      {creating && created === null
        ? form({
            onCancel: () => setCreating(false),
            onCreated: (value) => {
              setCreating(false);
              setCreated(value);
            },
          })
        : null}
    </>
  );
}

/**
 * The `onSuccess` of a creation whose answer carries a secret: the mutation forgets the
 * answer (the secret leaves the query cache) before the form hands it to CreateOnce.
 */
export function handOver<T>(mutation: { reset: () => void }, onCreated: (value: T) => void): (value: T) => void {
  return (value) => {
    mutation.reset();
    onCreated(value);
  };
}
