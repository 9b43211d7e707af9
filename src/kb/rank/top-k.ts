/** The k largest (doc, score) pairs of a stream, kept in a binary min-heap. */
export class TopK {
  private readonly heapDocs: number[] = [];
  private readonly heapScores: number[] = [];

  constructor(private readonly k: number) {}

  push(doc: number, score: number): void {
    const d = this.heapDocs;
    const s = this.heapScores;
    if (d.length < this.k) {
      d.push(doc);
      s.push(score);
      this.up(d.length - 1);
    } else if (score > (s[0] ?? -Infinity)) {
      d[0] = doc;
      s[0] = score;
      this.down(0);
    }
  }

  /** A score must beat this to be kept (-Infinity until full). */
  get floor(): number {
    return this.heapDocs.length < this.k ? -Infinity : (this.heapScores[0] ?? -Infinity);
  }

  /** The docs kept, in no particular order. */
  docs(): number[] {
    return [...new Set(this.heapDocs)];
  }

  private swap(i: number, j: number): void {
    const d = this.heapDocs;
    const s = this.heapScores;
    [d[i], d[j]] = [d[j] ?? 0, d[i] ?? 0];
    [s[i], s[j]] = [s[j] ?? 0, s[i] ?? 0];
  }

  private up(i: number): void {
    const s = this.heapScores;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((s[parent] ?? 0) <= (s[i] ?? 0)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const s = this.heapScores;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < s.length && (s[l] ?? 0) < (s[m] ?? 0)) m = l;
      if (r < s.length && (s[r] ?? 0) < (s[m] ?? 0)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
