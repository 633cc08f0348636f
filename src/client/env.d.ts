// Build-time settings the tracker reads (see learner.ts, lrsConfig).
interface ImportMetaEnv {
  /** xAPI endpoint of another LRS to send to instead of the project's own service. */
  readonly PUBLIC_LRS_ENDPOINT?: string;
  /** Key of a learner-scoped credential for that LRS (write statements and state only). */
  readonly PUBLIC_LRS_KEY?: string;
  /** Secret of that credential; it is public, shipped in the site. */
  readonly PUBLIC_LRS_SECRET?: string;
}
