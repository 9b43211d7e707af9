/**
 * The app icons Teams requires, drawn in code so the package needs no binary assets: a 192x192
 * colour icon (a white open book on the accent colour) and a 32x32 outline icon (the same book,
 * white on transparent). PNGs are RGBA, deflated with node:zlib, chunks CRC'd with crc32.
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from './zip.js';

export const ACCENT = '#2F6FDE';

type Rgba = [number, number, number, number];

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGBA PNG of `size`x`size` pixels coloured by `pixel(x, y)`. */
export function png(size: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 4 + 1); // filter byte 0 (none) first
    for (let x = 0; x < size; x++) Buffer.from(pixel(x, y)).copy(raw, row + 1 + x * 4);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Whether (u, v) in the unit square is on the open-book glyph: two pages and a spine. */
function onBook(u: number, v: number): boolean {
  if (v < 0.25 || v > 0.78) return false;
  const sag = 0.06 * Math.sin(Math.PI * Math.abs(u - 0.5) * 2); // pages curve up from the spine
  const top = 0.25 + 0.06 - sag;
  if (v < top) return false;
  const left = u >= 0.16 && u <= 0.47;
  const right = u >= 0.53 && u <= 0.84;
  return left || right;
}

const hex = (color: string): Rgba => [parseInt(color.slice(1, 3), 16), parseInt(color.slice(3, 5), 16), parseInt(color.slice(5, 7), 16), 255];

export function colorIcon(accent: string = ACCENT): Buffer {
  const bg = hex(accent);
  return png(192, (x, y) => (onBook((x + 0.5) / 192, (y + 0.5) / 192) ? [255, 255, 255, 255] : bg));
}

export function outlineIcon(): Buffer {
  return png(32, (x, y) => (onBook((x + 0.5) / 32, (y + 0.5) / 32) ? [255, 255, 255, 255] : [0, 0, 0, 0]));
}
