/** "Did you mean" for misspelled names. */

/** Damerau-Levenshtein distance (adjacent transpositions count as one edit), stopping early past `max`. */
export function editDistance(a: string, b: string, max = 4): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    let best = Infinity;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
  }
  return d[a.length][b.length];
}

/**
 * The known name `name` most likely stands for, or undefined. Close spellings (a third of the letters wrong at most),
 * or a known name that the unknown one starts with (`management` → `manage`), the way garbled copies of docs read.
 */
export function suggest(name: string, known: Iterable<string>, maxDistance = Infinity): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    const limit = Math.min(maxDistance, Math.max(1, Math.floor(Math.max(c.length, lower.length) / 3)));
    let score = editDistance(lower, c, limit);
    if (score > limit) {
      if (c.length >= 4 && lower.startsWith(c)) score = limit; // a known name with a tail glued on
      else continue;
    }
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

const nearMisses = new WeakMap<ReadonlySet<string>, Map<string, boolean>>();

/** Whether `name` looks like a misspelling of one of `known` (and is not itself known). Memoised: names repeat. */
export function isNearMiss(name: string, known: ReadonlySet<string>): boolean {
  if (known.has(name)) return false;
  let memo = nearMisses.get(known);
  if (!memo || memo.size > 50_000) nearMisses.set(known, (memo = new Map()));
  let hit = memo.get(name);
  if (hit === undefined) memo.set(name, (hit = suggest(name, known) !== undefined));
  return hit;
}
