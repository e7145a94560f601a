/**
 * The config's TypeScript type, computed from rows of the key table (config/keys/): a row's `type`, `enum`, `shape`,
 * default and `requiredWhen` decide its field here, so a new row needs no edit in this file. `ValuesOf` takes any set of
 * rows: the whole table (config/parse.ts ConfigValues), the table without the add-ons' (config/core.ts) or one
 * add-on's own rows (its slice of the config).
 */
import type { Shape } from "./keys/spec";
import type { IntersectionOf } from "../common/types";

/** One key's value type: its shape, its enum's members, or what its `type` reads as. */
type ValueOf<S> = S extends { shape: Shape<infer T> }
    ? T
    : S extends { schema: { enum: readonly (infer E)[] } }
      ? E
      : S extends { type: "boolean" }
        ? boolean
        : S extends { type: "integer" }
          ? number
          : string;

/**
 * Keys that may be absent after parsing: a blank string default, not required, and no `blankMeans`. (Structured
 * keys read a blank default as an empty list or map.)
 */
type MaybeAbsent<S> = S extends { required: true } | { blankMeans: unknown } | { type: "structured" }
    ? false
    : S extends { default: "" }
      ? true
      : false;

/** The keys of these rows whose values are secrets. */
export type SecretKeyOf<Spec extends { key: string }> = Extract<Spec, { secret: true }>["key"];

/** Every key of these rows by its full dotted name. */
type FlatValues<Spec extends { key: string }> = {
    [S in Spec as MaybeAbsent<S> extends true ? never : S["key"]]: ValueOf<S>;
} & {
    [S in Spec as MaybeAbsent<S> extends true ? S["key"] : never]?: ValueOf<S>;
};

type TopLevel<K> = K extends `${string}.${string}` ? never : K;
type GroupOf<K> = K extends `${infer G}.${string}` ? G : never;
type Fields<F, G extends string> = { [K in keyof F as K extends `${G}.${infer Rest}` ? Rest : never]: F[K] };

/** Dotted keys as nested objects: `agent.karpenops` is `agent: { karpenops }`, at any depth. */
type Nested<F> = { [K in keyof F as TopLevel<K>]: F[K] } & { [G in GroupOf<keyof F> & string]: Nested<Fields<F, G>> };

/** `{ a: { b: V } }` for the path `a.b`. */
type AtPath<P extends string, V> = P extends `${infer Head}.${infer Rest}`
    ? { [K in Head]: AtPath<Rest, V> }
    : { [K in P]: V };
type ValueAt<F, P extends string> = P extends keyof F ? Exclude<F[P], undefined> : never;

/** The two cases of one conditional requirement: the condition holds and the key is there, or it does not. */
type Branches<F, R extends string, C extends string, Holds, Fails> =
    (AtPath<C, Holds> & { [K in R]: ValueAt<F, R> }) | AtPath<C, Fails>;

type RequirementOf<S, F> = S extends {
    key: infer R extends string;
    requiredWhen: { key: infer C extends string; is: infer V };
}
    ? { branches: Branches<F, R, C, V, Exclude<ValueAt<F, C>, V>> }
    : S extends { key: infer R extends string; requiredWhen: { key: infer C extends string; isNot: infer V } }
      ? { branches: Branches<F, R, C, Exclude<ValueAt<F, C>, V>, V> }
      : never;

/** Every conditional requirement at once: the intersection of each one's two cases. */
type Requirements<Spec extends { key: string }> = [RequirementOf<Spec, FlatValues<Spec>>] extends [never]
    ? unknown
    : IntersectionOf<RequirementOf<Spec, FlatValues<Spec>>> extends { branches: infer B }
      ? B
      : unknown;

/**
 * The config as parsed from these rows: each key by its place (top-level, or a field of its object), with its table
 * type. Where a key is required while another has a value, the type is a union, so checking that value (`if
 * (config.autoUpdate)`) makes the key present (`config.externalId` is a string there).
 */
export type ValuesOf<Spec extends { key: string }> = Nested<FlatValues<Spec>> & Requirements<Spec>;
