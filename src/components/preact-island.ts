/**
 * Astro's mark on a component naming the renderer that draws it (the symbol its own
 * `__astro_tag_component__` sets, as MDX components get). Unmarked, a framework component is
 * rendered once more by each renderer's `check` to find out whose it is: @astrojs/preact's check
 * renders the whole island to a string, so every knowledge check was drawn twice, 4 s of the page
 * generation of 1,000 modules.
 */
const RENDERER = Symbol.for('astro:renderer');

/** Marks a Preact component as @astrojs/preact's, once (it stays marked); returns it. */
export function preactIsland<C extends object>(component: C): C {
  if (!Object.hasOwn(component, RENDERER)) {
    Object.defineProperty(component, RENDERER, { value: '@astrojs/preact' });
  }
  return component;
}
