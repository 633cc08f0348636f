import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';

/**
 * `@xapi/xapi`'s ES build carries a copy of axios (about 15 KB gzip) for its default adapter, and
 * the copy has side effects at load, so no bundler can drop it. The site always passes its own
 * fetch adapter (src/client/transport.ts), so the copy is dead weight on a learner's data plan.
 *
 * This Vite plugin cuts the axios copy out of that one file at bundle time: from axios's first
 * helper to the library's axios adapter, which it replaces with an adapter that refuses. Both
 * ends are matched exactly; if a new version of the library moves them, the build stops and says
 * so rather than shipping a broken or a heavy client. tests/unit/build/xapi-without-axios.test.ts
 * runs the cut module with a real adapter.
 */

/** First statement of axios's code in the library's ES build (its `bind` helper). */
export const AXIOS_START = 'function l(e,t){return function(){return e.apply(t,arguments)}}';
/** The library's axios adapter, the first declaration after axios's code. */
export const AXIOS_ADAPTER = 'const Rt=';
/** The library's own fetch adapter, declared in the same statement right after it. */
export const FETCH_ADAPTER = ',Ot=';

const REFUSING_ADAPTER =
  'const Rt=()=>Promise.reject(new Error("@xapi/xapi: this build has no axios; pass an adapter function"));';

const once = (code: string, marker: string) =>
  code.includes(marker) && code.indexOf(marker) === code.lastIndexOf(marker);

/** The library's ES build with axios cut out; throws when the build no longer has the markers. */
export function cutAxios(code: string): string {
  for (const marker of [AXIOS_START, AXIOS_ADAPTER, FETCH_ADAPTER]) {
    if (!once(code, marker)) {
      throw new Error(
        `@xapi/xapi's ES build changed (marker ${JSON.stringify(marker)} not found once): ` +
          'update integrations/xapi-without-axios.ts for the new version',
      );
    }
  }
  const start = code.indexOf(AXIOS_START);
  const adapter = code.indexOf(AXIOS_ADAPTER);
  const fetchAdapter = code.indexOf(FETCH_ADAPTER, adapter);
  if (!(start < adapter && adapter < fetchAdapter)) {
    throw new Error(
      "@xapi/xapi's ES build changed order: update integrations/xapi-without-axios.ts",
    );
  }
  return code.slice(0, start) + REFUSING_ADAPTER + 'const ' + code.slice(fetchAdapter + 1);
}

/** Where the library's ES build is installed. */
export function xapiEsmBuild(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@xapi/xapi/package.json')), 'dist/XAPI.esm.js');
}

/**
 * The Vite plugin: resolves `@xapi/xapi` to its ES build (Vite would otherwise take the package's
 * `browser` field, a UMD build with the same copy of axios) and applies {@link cutAxios} to it.
 */
export default function xapiWithoutAxios(): Plugin {
  const esmBuild = xapiEsmBuild();
  return {
    name: 'xapi-without-axios',
    enforce: 'pre',
    resolveId(source) {
      return source === '@xapi/xapi' ? esmBuild : undefined;
    },
    transform(code, id) {
      if (!/[\\/]@xapi[\\/]xapi[\\/]dist[\\/]XAPI\.esm\.js$/.test(id.split('?')[0] ?? '')) return;
      return { code: cutAxios(code), map: null };
    },
  };
}
