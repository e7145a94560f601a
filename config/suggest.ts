/** "Did you mean" lives in the pack's dependency-free lib so the pack's offline CLI can use it standalone. */
export { closest, didYouMean, editDistance } from "../policies/lib/suggest";
