/** Type-level helpers shared by the config's and the add-ons' computed types. */

/** The intersection of a union's members (`A | B` to `A & B`). */
export type IntersectionOf<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
