// Bits per id and probes: about a 1% chance that an id never stored looks stored.
const BITS_PER_ID = 10;
const PROBES = 7;
const FIRST_CAPACITY = 1 << 16;

// Two 32-bit FNV-1a hashes of the string (different offsets), for double hashing. Ids are
// UUIDs, but not always random ones (version 1 and 7 are mostly a clock), so they are hashed.
function hashes(id: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [a >>> 0, (b >>> 0) | 1];
}

class Bloom {
  readonly capacity: number;
  readonly #bits: Uint32Array;
  readonly #size: number;
  count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#size = capacity * BITS_PER_ID;
    this.#bits = new Uint32Array(Math.ceil(this.#size / 32));
  }

  add(a: number, b: number): void {
    for (let i = 0; i < PROBES; i++) {
      const bit = (a + Math.imul(i, b)) >>> 0;
      const at = bit % this.#size;
      this.#bits[at >>> 5] = (this.#bits[at >>> 5] ?? 0) | (1 << (at & 31));
    }
    this.count += 1;
  }

  has(a: number, b: number): boolean {
    for (let i = 0; i < PROBES; i++) {
      const bit = (a + Math.imul(i, b)) >>> 0;
      const at = bit % this.#size;
      if (((this.#bits[at >>> 5] ?? 0) & (1 << (at & 31))) === 0) return false;
    }
    return true;
  }
}

/**
 * The statement ids the store holds, as a Bloom filter: `mightHave` is false only for an id
 * that was never added, so the embedded store checks in the database only the ids that may be
 * taken (an identical re-send, or about 1 in 100 new ids) instead of every one. It grows as
 * filters of doubling size, so its false-positive rate stays near 1% per filter.
 */
export class IdFilter {
  readonly #filters: Bloom[] = [new Bloom(FIRST_CAPACITY)];

  add(id: string): void {
    let last = this.#filters[this.#filters.length - 1] ?? new Bloom(FIRST_CAPACITY);
    if (last.count >= last.capacity) {
      last = new Bloom(last.capacity * 2);
      this.#filters.push(last);
    }
    const [a, b] = hashes(id);
    last.add(a, b);
  }

  mightHave(id: string): boolean {
    const [a, b] = hashes(id);
    return this.#filters.some((f) => f.has(a, b));
  }

  /** Ids added. */
  get size(): number {
    return this.#filters.reduce((n, f) => n + f.count, 0);
  }
}
