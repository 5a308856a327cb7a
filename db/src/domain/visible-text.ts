/**
 * What a reader can see. Text made only of these characters renders as
 * nothing (or as bare marks with nothing to sit on), so a message or a name
 * of them is empty, and inside a name they make two spellings look the same.
 *
 * - White_Space, Cc: spaces, tabs, line breaks and controls.
 * - Cf: format characters — zero-width space/joiner/non-joiner, bidi controls,
 *   soft hyphen, word joiner, BOM.
 * - M: combining marks, which draw on the character before them.
 * - Default_Ignorable_Code_Point: what fonts draw as nothing — variation
 *   selectors, Hangul fillers, the combining grapheme joiner, tag characters.
 * - Zl, Zp: the line and paragraph separators.
 * - U+2800: the blank Braille pattern, a symbol that is drawn empty.
 */
const INVISIBLE = '\\p{White_Space}\\p{Cc}\\p{Cf}\\p{M}\\p{Default_Ignorable_Code_Point}\\p{Zl}\\p{Zp}\\u2800';

const VISIBLE = new RegExp(`[^${INVISIBLE}]`, 'u');

/** True when at least one character of the text would show on the page. */
export function hasVisibleCharacter(text: string): boolean {
  return VISIBLE.test(text);
}

/**
 * In a name, characters that draw nothing by themselves, other than a plain
 * space: the invisible ones above except combining marks, which show on their
 * base (`é` may be spelt `e` + U+0301) — but not at the very start, where
 * there is no base. A variation selector right after an emoji only picks its
 * presentation (`❤️` is U+2764 U+FE0F) and is allowed.
 */
const HIDDEN_IN_NAME = new RegExp(
  [
    '(?! )[\\p{White_Space}\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\u2800]',
    '(?<!\\p{Emoji})[\\uFE0E\\uFE0F]',
    '(?![\\uFE0E\\uFE0F])\\p{Default_Ignorable_Code_Point}',
    '^\\p{M}',
  ].join('|'),
  'u',
);

/** True when a name holds a character that is invisible or a control, other than a plain space. */
export function hasHiddenCharacter(text: string): boolean {
  return HIDDEN_IN_NAME.test(text);
}
