import type { RefObject } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

/**
 * A ref for a server-rendered field (text, or a list to choose from) whose value an island keeps
 * in its state. Hydration
 * leaves the page's fields as they are, so text typed (or filled in by the browser) before the
 * island's script arrived is still in the field but not in the state, and the island's first
 * re-render would replace it with the state's empty text. On mount, a field whose text differs
 * from the server's gives it to the state.
 */
export function useTypedField<T extends HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
  set: (value: string) => void,
): RefObject<T> {
  const ref = useRef<T>(null);
  useLayoutEffect(() => {
    const field = ref.current;
    if (field && field.value !== serverValue(field)) set(field.value);
  }, []);
  return ref;
}

/** What the server rendered in a field: its value attribute, or a list's option marked selected. */
function serverValue(field: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement): string {
  if (!(field instanceof HTMLSelectElement)) return field.defaultValue;
  const options = [...field.options];
  return (options.find((option) => option.defaultSelected) ?? options[0])?.value ?? '';
}
