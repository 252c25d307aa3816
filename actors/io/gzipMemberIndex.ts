/**
 * The restart points of a gzip recording (./gzipMembers.ts): where each member starts in the
 * compressed file and in the decompressed text, found by scanning the file for member headers.
 */
import { open } from 'node:fs/promises';
import { MEMBER_HEADER_BYTES, MEMBER_HEADER_MAGIC, SNAPSHOT_MEMBER_HEADER_BYTES, readMemberHeader } from './gzipMembers.js';

/** One gzip member: its first byte in the file, and the offset of its text in the decompressed recording. */
export interface GzipMember {
  position: number;
  start: number;
  /** Members that start with a recorded snapshot line: its completed episodes (all agents). */
  snapshot?: number;
}

/** Kept from the previous step: a header cut by a step boundary, and the trailer before it. */
const OVERLAP = SNAPSHOT_MEMBER_HEADER_BYTES + 8;

/**
 * The members of the gzip file at `path`, in order; empty when the file has no restart points
 * (a recording from before them, or one compressed by another tool). A header is accepted only
 * when it continues the chain: its sequence number is the next one, and the text the previous
 * member holds (its start subtracted from this one's) equals the length in that member's trailer
 * (ISIZE, the 4 bytes before this header). The chain stops at the first member that breaks it, so
 * a damaged file keeps the restart points before the damage; the bytes of a header occurring by
 * chance inside compressed data fail the same check.
 *
 * @example
 * const members = await readGzipMemberIndex('run.ndjson.gz');
 * const from = memberHolding(members, offset); // decompress from from.position
 */
export async function readGzipMemberIndex(path: string, { scanBytes = 8 * 2 ** 20 }: { /** Bytes read per step of the scan (default 8 MiB). */ scanBytes?: number } = {}): Promise<GzipMember[]> {
  const members: GzipMember[] = [];
  const handle = await open(path, 'r');
  try {
    let carried = Buffer.alloc(0);
    /** File position of carried[0]. */
    let base = 0;
    for (;;) {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(scanBytes), 0, scanBytes, base + carried.length);
      if (bytesRead === 0) break;
      const bytes = Buffer.concat([carried, buffer.subarray(0, bytesRead)]);
      for (let at = bytes.indexOf(MEMBER_HEADER_MAGIC); at !== -1; at = bytes.indexOf(MEMBER_HEADER_MAGIC, at + 1)) {
        const position = base + at;
        const last = members.at(-1);
        if (last && position <= last.position) continue;
        const header = readMemberHeader(bytes, at);
        // A header cut off by the end of this step is read whole in the next.
        if (header === 'short') break;
        if (!header) continue;
        if (header.sequence !== members.length) continue;
        if (!last) {
          if (position !== 0 || header.start !== 0) return [];
        } else {
          if (at < 4 || header.start <= last.start) continue;
          if (bytes.readUInt32LE(at - 4) !== (header.start - last.start) % 2 ** 32) continue;
        }
        members.push(header.snapshot === undefined ? { position, start: header.start } : { position, start: header.start, snapshot: header.snapshot });
      }
      // No member 0 at the start: no restart points.
      if (members.length === 0 && bytes.length >= MEMBER_HEADER_BYTES) return [];
      const keep = Math.min(OVERLAP, bytes.length);
      base += bytes.length - keep;
      carried = bytes.subarray(bytes.length - keep);
    }
  } finally {
    await handle.close();
  }
  return members;
}

/**
 * The last member whose text starts at or before `offset` (binary search), or undefined.
 *
 * @example
 * memberHolding([{ position: 0, start: 0 }, { position: 90, start: 4096 }], 5000); // { position: 90, start: 4096 }
 */
export function memberHolding(members: readonly GzipMember[], offset: number): GzipMember | undefined {
  let low = 0;
  let high = members.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (members[middle].start <= offset) low = middle + 1;
    else high = middle;
  }
  return low === 0 ? undefined : members[low - 1];
}
