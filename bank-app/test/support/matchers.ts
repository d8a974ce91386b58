// Typed wrappers around jest's asymmetric matchers (which are typed `any`, and the lint rules
// rightly refuse `any` flowing into objects).

/** Any string. */
export const anyString = (): unknown => expect.any(String);

/** A string matching `pattern`. */
export const stringMatching = (pattern: RegExp): unknown => expect.stringMatching(pattern);
