/** Types the config modules share. A leaf: it imports nothing (no import cycle can go through it). */

/** An unknown key: its full dotted path as segments and the names known at its level. */
export interface UnknownKey {
  path: string[];
  known: string[];
}
