/**
 * util.c stringmatchlen: Redis's glob (KEYS, SCAN MATCH, …) — `*`, `?`, `[abc]`, `[^a-z]`, `\x`.
 * The pattern is first cut into tokens exactly as stringmatchlen consumes it (an unterminated
 * `[` class ends at the last byte; `\` at the very end is a literal backslash; a reversed range
 * `[z-a]` is swapped), then matched with the greedy last-star backtracking walk, which is
 * O(|pattern|·|string|) on any input (stringmatchlen's own skipLongerMatches bound).
 */

export type Token = { star: true } | { star: false; test: (ch: number) => boolean };

function classToken(p: string, i: number): { tok: Token; next: number } {
  // p[i] is just past '['.
  let not = false;
  if (p[i] === '^') {
    not = true;
    i++;
  }
  const singles: number[] = [];
  const ranges: [number, number][] = [];
  for (;;) {
    if (p[i] === '\\' && p.length - i >= 2) {
      i++;
      singles.push(p.charCodeAt(i));
    } else if (p[i] === ']') {
      break;
    } else if (i >= p.length) {
      i--; // stringmatchlen: pattern--, so the class's last byte is the pattern's last byte
      break;
    } else if (p.length - i >= 3 && p[i + 1] === '-') {
      let a = p.charCodeAt(i), b = p.charCodeAt(i + 2);
      if (a > b) [a, b] = [b, a];
      ranges.push([a, b]);
      i += 2;
    } else singles.push(p.charCodeAt(i));
    i++;
  }
  const test = (ch: number): boolean => {
    const hit = singles.includes(ch) || ranges.some(([a, b]) => ch >= a && ch <= b);
    return not ? !hit : hit;
  };
  return { tok: { star: false, test }, next: i + 1 };
}

/** The pattern as stringmatchlen walks it. */
export function globTokens(p: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < p.length) {
    const ch = p[i];
    if (ch === '*') {
      if (out[out.length - 1]?.star !== true) out.push({ star: true });
      i++;
    } else if (ch === '?') {
      out.push({ star: false, test: () => true });
      i++;
    } else if (ch === '[') {
      const { tok, next } = classToken(p, i + 1);
      out.push(tok);
      i = next;
    } else {
      if (ch === '\\' && p.length - i >= 2) i++;
      const lit = p.charCodeAt(i);
      out.push({ star: false, test: (c) => c === lit });
      i++;
    }
  }
  return out;
}

/** util.c stringmatchlen (case-sensitive) over binary strings. */
export function stringmatchlen(pattern: string | Token[], s: string): boolean {
  const toks = typeof pattern === 'string' ? globTokens(pattern) : pattern;
  let t = 0, i = 0;
  let starT = -1, starI = 0;
  while (i < s.length) {
    const tok = toks[t];
    if (tok !== undefined && tok.star) {
      starT = t++;
      starI = i;
    } else if (tok !== undefined && tok.test(s.charCodeAt(i))) {
      t++;
      i++;
    } else if (starT >= 0) {
      t = starT + 1;
      i = ++starI;
    } else return false;
  }
  while (toks[t]?.star === true) t++;
  return t === toks.length;
}
