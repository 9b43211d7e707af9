/**
 * The search index's typed arrays, stored apart from the rest of the index (issue #27): they are
 * read from the file straight into one buffer that holds nothing else, so loading makes no copies
 * and keeps nothing of the file alive, and the integer arrays (postings, run hashes: sorted or nearly so) are stored as
 * zig-zag deltas in variable-length bytes, about a third of their size.
 *
 * Why by hand: the varint packages on npm encode one number per call into plain arrays; this
 * decodes 20 million numbers straight into typed arrays in a single pass, which is what the load
 * time needs (BENCHMARKS.md, "Growth").
 */
import { readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { IndexFormatError } from '../errors.js';

type Packable = Int32Array | Uint32Array | Float32Array | Float64Array;
type Encoding = 'raw' | 'delta-varint';

/** Where one array lies in the arrays section, and how to read it back. */
export interface PackedArray {
  type: 'Int32Array' | 'Uint32Array' | 'Float32Array' | 'Float64Array';
  encoding: Encoding;
  /** Elements. */
  length: number;
  /** Bytes in the file. */
  bytes: number;
}

/** What stands in the skeleton for the array at this place of the table. */
const MARK = '$packedArray';

/**
 * `value` with every Int32/Uint32/Float32/Float64 array (in objects and arrays) replaced by a
 * mark, the arrays' encoded bytes in order, and their table.
 */
export function packArrays(value: unknown): { skeleton: unknown; parts: Buffer[]; table: PackedArray[] } {
  const parts: Buffer[] = [];
  const table: PackedArray[] = [];
  const add = (v: Packable, encoding: Encoding, bytes: Buffer): unknown => {
    table.push({ type: v.constructor.name as PackedArray['type'], encoding, length: v.length, bytes: bytes.length });
    parts.push(bytes);
    return { [MARK]: table.length - 1 };
  };
  const walk = (v: unknown): unknown => {
    if (v instanceof Int32Array || v instanceof Uint32Array) return add(v, 'delta-varint', encodeDeltas(v));
    if (v instanceof Float32Array || v instanceof Float64Array)
      return add(v, 'raw', Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && !(v instanceof Map) && !(v instanceof Set)) {
      const out: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v as Record<string, unknown>)) out[k] = walk(inner);
      return out;
    }
    return v;
  };
  return { skeleton: walk(value), parts, table };
}

/**
 * Read the arrays of `table` from `fd`, starting at file offset `at`, checking the section's
 * CRC-32. Throws IndexFormatError when the bytes do not decode to the table's lengths.
 */
export function readPackedArrays(fd: number, at: number, table: readonly PackedArray[], crc: number): Packable[] {
  // One allocation for all of them: a hundred MB of separate buffers would each nudge the GC.
  let total = 0;
  const starts = table.map((entry) => {
    const start = total;
    total += Math.ceil((entry.length * bytesPer(entry)) / 8) * 8;
    return start;
  });
  const memory = new ArrayBuffer(total);
  let sum = 0;
  let pos = at;
  const arrays = table.map((entry, i) => {
    const start = starts[i] as number;
    if (entry.encoding === 'raw') {
      if (entry.length * bytesPer(entry) !== entry.bytes)
        throw new IndexFormatError('an array of the index has the wrong size');
      const view = Buffer.from(memory, start, entry.bytes);
      readFully(fd, view, pos);
      sum = crcAdd(view, sum);
    } else if (entry.encoding === 'delta-varint' && (entry.type === 'Int32Array' || entry.type === 'Uint32Array')) {
      const bytes = Buffer.allocUnsafe(entry.bytes);
      readFully(fd, bytes, pos);
      sum = crcAdd(bytes, sum);
      // Decoded as Int32 always (one shape for the decoder's loop); a Uint32Array views the same bits.
      decodeDeltas(bytes, new Int32Array(memory, start, entry.length));
    } else throw new IndexFormatError(`the index holds an array it cannot read (${String(entry.encoding)})`);
    pos += entry.bytes;
    return view(memory, start, entry);
  });
  if (sum !== crc) throw new IndexFormatError('the index is damaged (its checksum differs)');
  return arrays;
}

function bytesPer(entry: PackedArray): number {
  return entry.type === 'Float64Array' ? 8 : 4;
}

function view(memory: ArrayBuffer, start: number, entry: PackedArray): Packable {
  switch (entry.type) {
    case 'Int32Array':
      return new Int32Array(memory, start, entry.length);
    case 'Uint32Array':
      return new Uint32Array(memory, start, entry.length);
    case 'Float32Array':
      return new Float32Array(memory, start, entry.length);
    case 'Float64Array':
      return new Float64Array(memory, start, entry.length);
    default:
      throw new IndexFormatError(`the index holds an unknown kind of array (${String(entry.type)})`);
  }
}

/** The CRC-32 of the parts, in order (what `readPackedArrays` checks). */
export function crcOf(parts: readonly Uint8Array[]): number {
  let sum = 0;
  for (const p of parts) sum = crcAdd(p, sum);
  return sum;
}

/**
 * `sum` continued over `bytes`. An empty buffer leaves it as it is: zlib's crc32 answers 0 for a
 * buffer without memory (`Buffer.allocUnsafe(0)`), whatever the sum so far.
 */
export function crcAdd(bytes: Uint8Array, sum: number): number {
  return bytes.length ? crc32(bytes, sum) : sum;
}

/** Put the arrays back where `packArrays` left their marks. */
export function unpackArrays(skeleton: unknown, arrays: readonly Packable[]): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i]);
      return v;
    }
    if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
      const o = v as Record<string, unknown>;
      if (MARK in o) {
        const found = arrays[o[MARK] as number];
        if (!found) throw new IndexFormatError('the index names an array it does not have');
        return found;
      }
      for (const k of Object.keys(o)) o[k] = walk(o[k]);
    }
    return v;
  };
  return walk(skeleton);
}

function readFully(fd: number, into: Buffer, at: number): void {
  for (let off = 0; off < into.length;) {
    const n = readSync(fd, into, off, into.length - off, at + off);
    if (n === 0) throw new IndexFormatError('the index ended early');
    off += n;
  }
}

/**
 * Each element's difference from the one before (modulo 2^32, so any Int32 or Uint32 values
 * round-trip), zig-zag folded so small negative steps stay small, in 7-bit groups, low first.
 */
export function encodeDeltas(values: Int32Array | Uint32Array): Buffer {
  const out = Buffer.allocUnsafe(values.length * 5);
  let p = 0;
  let prev = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    const d = (x - prev) | 0;
    prev = x;
    let z = ((d << 1) ^ (d >> 31)) >>> 0;
    while (z > 0x7f) {
      out[p++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    out[p++] = z;
  }
  return out.subarray(0, p);
}

/**
 * The inverse of `encodeDeltas`, into `out` (whose length says how many values to read). Most
 * deltas of sorted postings fit one or two bytes: those take the short paths.
 */
export function decodeDeltas(bytes: Uint8Array, out: Int32Array): void {
  let p = 0;
  let prev = 0;
  const end = bytes.length;
  const n = out.length;
  for (let i = 0; i < n; i++) {
    let b = bytes[p++] as number;
    let z = b;
    if (b >= 0x80) {
      b = bytes[p++] as number;
      z = (z & 0x7f) | ((b & 0x7f) << 7);
      for (let shift = 14; b >= 0x80; shift += 7) {
        if (shift > 28 || p >= end) throw new IndexFormatError('an array of the index is cut short or damaged');
        b = bytes[p++] as number;
        z = (z | ((b & 0x7f) << shift)) >>> 0;
      }
    }
    prev = (prev + ((z >>> 1) ^ -(z & 1))) | 0;
    out[i] = prev;
  }
  // A value cut short at the end reads past the bytes (undefined, which ends its loop).
  if (p !== end)
    throw new IndexFormatError(
      p > end ? 'an array of the index is cut short' : 'an array of the index has bytes left over',
    );
}
