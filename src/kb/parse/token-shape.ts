/** How a token looks and ends, and its word: what the quote-end model (quote-boundary.ts) reads of a token. */

export const tokenShape = (t: string): string => {
  if (!t) return 'none';
  if (/^\d{1,2}[.)]$/.test(t)) return 'marker';
  if (/^-+$/.test(t)) return 'dash';
  if (/^-?or-?$/i.test(t)) return 'or';
  if (/^[A-Z][a-z]/.test(t)) return 'Cap';
  if (/^[A-Z]+$/.test(t)) return 'UP';
  if (/^[a-z]/.test(t)) return 'low';
  if (/^\d/.test(t)) return 'num';
  return 'sym';
};

export const endShape = (t: string): string => {
  const c = t.slice(-1);
  if ('.?!'.includes(c)) return 'stop';
  if (c === ':') return 'colon';
  if (c === ',' || c === ';') return 'comma';
  if (/["'”)\]>]/.test(c)) return 'close';
  return /\d/.test(c) ? 'digit' : 'word';
};

export const word = (t: string): string => t.replace(/[^A-Za-z'-]/g, '').toLowerCase();
