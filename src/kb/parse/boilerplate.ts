/**
 * Boilerplate every KB article repeats. Patterns tolerate any whitespace so they match
 * the original, collapsed and markdown forms alike.
 */

/** "IMPORTANT: This article contains information about modifying the registry. ..." */
export const REGISTRY_IMPORTANT =
  /IMPORTANT:\s+This\s+article\s+contains\s+information\s+about\s+(?:\w+\s+)?the\s+registry\.(?:\s+Before\s+you\s+[^.]*\.)?(?:\s+For\s+(?:more\s+)?information\s+about\s+how\s+to\s+back\s+up[^:]*:\s+Q?\d+\s+Description\s+of\s+the\s+Microsoft\s+Windows\s+Registry)?/gi;

/** "WARNING: If you use Registry Editor incorrectly, ... at your own risk." and its follow-up sentences. */
export const REGISTRY_WARNING =
  /(?:WARNING|CAUTION)\s*:\s+(?:If\s+you\s+use|Using|Use\s+of)\s+(?:the\s+)?(?:Windows\s+NT\s+)?Registry\s+Editor\s+incorrectly[\s\S]{0,600}?at\s+your\s+own\s+risk\.(?:\s+For\s+information\s+about\s+how\s+to\s+edit\s+the\s+registry,[\s\S]{0,500}?Regedt32\.exe\.(?:\s+Note\s+that\s+you\s+should\s+back\s+up\s+the\s+registry\s+before\s+you\s+edit\s+it\.)?(?:\s+If\s+you\s+are\s+running\s+Windows\s+NT[^.]{0,200}\.)?)?/gi;

/** Strip the registry boilerplate from a piece of text. */
export function stripRegistryBoilerplate(s: string): string {
  return s.replace(REGISTRY_IMPORTANT, '').replace(REGISTRY_WARNING, '');
}

/** True when the article carries the registry-editing warning (either form of it). */
export function hasRegistryWarning(s: string): boolean {
  REGISTRY_IMPORTANT.lastIndex = 0;
  REGISTRY_WARNING.lastIndex = 0;
  const found = REGISTRY_IMPORTANT.test(s) || REGISTRY_WARNING.test(s);
  REGISTRY_IMPORTANT.lastIndex = 0;
  REGISTRY_WARNING.lastIndex = 0;
  return found;
}

/** Start of the footer: "Additional query words:" ("Additional reference words:" in older articles). */
export const QUERY_WORDS = /Additional\s+(?:query|reference)\s+words\s*:/gi;

/**
 * Older articles' keyword lines, "KBCategory: kbprb kberrmsg" and "KBSubcategory: win31", which
 * some put before the last section: boilerplate wherever they stand, and the article's keywords.
 * The subcategory's words are lower-case, which finds where they end in collapsed text too.
 */
export const KB_CATEGORY_LINES =
  /(?<=^|\s)KBCategory[ \t]*:((?:[ \t]+kb[\w.]*)*)(?:\s+KBSubcategory[ \t]*:((?:[ \t]+[a-z][\w.]*(?=\s|$))*))?/g;

/** The footer's labelled fields. */
export const FOOTER_FIELD =
  /(Keywords|Technology|Version|Issue\s+type|Solution\s+Type)\s*:(.*?)(?=\s(?:Keywords|Technology|Version|Issue\s+type|Solution\s+Type)\s*:|\s*={10,}|\s*$)/gis;
