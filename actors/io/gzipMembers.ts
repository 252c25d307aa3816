/**
 * Gzip recordings with restart points. A `.gz` recording is a sequence of complete gzip members
 * (RFC 1952 §2.2: concatenated members are one gzip file to gunzip, zcat and Node's createGunzip),
 * a new one started every `memberBytes` of text, so a replay can begin decompressing at the
 * member that holds a byte offset instead of at the start of the file.
 *
 * Each member's header carries an FEXTRA subfield of our own (RFC 1952 §2.3.1.1), `SI1 SI2 = 'B'
 * 'R'`, holding the member's sequence number (uint32 LE) and the offset of its first byte in the
 * decompressed text (uint64 LE). Readers that do not know the subfield skip it; the replayer
 * finds members by this fixed header and checks each one against the previous member's trailer.
 *
 * A member that starts with a recorded fold-state snapshot (a `recording.snapshot` line,
 * src/protocol/recordingSnapshot.ts) carries a second subfield after 'BR', `SI1 SI2 = 'B' 'S'`,
 * LEN 8: the snapshot's count of completed episodes (uint64 LE, episodes of all agents), so a seek
 * finds the nearest snapshot from the headers alone, before the text around it has been read.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { constants, crc32, createDeflateRaw, deflateRawSync, type DeflateRaw } from 'node:zlib';

/** The bytes every member header starts with (ID1 ID2 CM FLG=FEXTRA MTIME=0 XFL=0 OS=255); XLEN and the subfields follow. */
export const MEMBER_HEADER_MAGIC = Buffer.from([0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff]);
/** The magic, then XLEN=16 and the 'BR' subfield's SI1 SI2 LEN=12: a member without a snapshot. */
export const MEMBER_HEADER_PREFIX = Buffer.concat([MEMBER_HEADER_MAGIC, Buffer.from([16, 0, 0x42, 0x52, 12, 0])]);
/** Header length without a snapshot subfield: the prefix, then sequence (4) and decompressed start (8). */
export const MEMBER_HEADER_BYTES = MEMBER_HEADER_PREFIX.length + 12;
/** The 'BS' subfield: SI1 SI2 LEN=8, then the completed episodes (8). */
const SNAPSHOT_SUBFIELD = Buffer.from([0x42, 0x53, 8, 0]);
/** Header length of a member that starts with a snapshot. */
export const SNAPSHOT_MEMBER_HEADER_BYTES = MEMBER_HEADER_BYTES + SNAPSHOT_SUBFIELD.length + 8;
/** Default text per member: 4 MiB, so a seek decompresses at most that much before its offset. */
export const DEFAULT_MEMBER_BYTES = 4 * 2 ** 20;

/** The fields of a member header. */
export interface MemberHeader {
  sequence: number;
  /** Offset of the member's text in the decompressed recording. */
  start: number;
  /** Members that start with a snapshot line: its completed episodes (all agents). */
  snapshot?: number;
  /** Bytes of the header. */
  bytes: number;
}

/** The header of member `sequence`, whose text begins at `start` in the decompressed recording (and with a snapshot line holding `snapshot` completed episodes). */
export function memberHeader(sequence: number, start: number, snapshot?: number): Buffer {
  const header = Buffer.alloc(snapshot === undefined ? MEMBER_HEADER_BYTES : SNAPSHOT_MEMBER_HEADER_BYTES);
  MEMBER_HEADER_PREFIX.copy(header);
  header.writeUInt32LE(sequence, MEMBER_HEADER_PREFIX.length);
  header.writeBigUInt64LE(BigInt(start), MEMBER_HEADER_PREFIX.length + 4);
  if (snapshot !== undefined) {
    header.writeUInt16LE(SNAPSHOT_MEMBER_HEADER_BYTES - 12, 10);
    SNAPSHOT_SUBFIELD.copy(header, MEMBER_HEADER_BYTES);
    header.writeBigUInt64LE(BigInt(snapshot), MEMBER_HEADER_BYTES + SNAPSHOT_SUBFIELD.length);
  }
  return header;
}

/**
 * The member header at `at` in `bytes`: its fields, undefined when none starts there, or 'short'
 * when `bytes` ends before the header does (read on and look again).
 */
export function readMemberHeader(bytes: Buffer, at: number): MemberHeader | 'short' | undefined {
  const prefix = MEMBER_HEADER_PREFIX.length;
  const magic = MEMBER_HEADER_MAGIC.length;
  if (at + magic > bytes.length) return bytes.subarray(at).equals(MEMBER_HEADER_MAGIC.subarray(0, bytes.length - at)) ? 'short' : undefined;
  if (bytes.compare(MEMBER_HEADER_MAGIC, 0, magic, at, at + magic) !== 0) return undefined;
  if (at + prefix > bytes.length) return 'short';
  // XLEN (bytes 10-11) is 16 without a snapshot, 28 with one; the 'BR' subfield is first either way.
  const xlen = bytes.readUInt16LE(at + 10);
  const withSnapshot = xlen === SNAPSHOT_MEMBER_HEADER_BYTES - 12;
  if (!withSnapshot && xlen !== 16) return undefined;
  if (bytes.compare(MEMBER_HEADER_PREFIX, 12, prefix, at + 12, at + prefix) !== 0) return undefined;
  const length = withSnapshot ? SNAPSHOT_MEMBER_HEADER_BYTES : MEMBER_HEADER_BYTES;
  if (at + length > bytes.length) return 'short';
  const sequence = bytes.readUInt32LE(at + prefix);
  const start = Number(bytes.readBigUInt64LE(at + prefix + 4));
  if (!withSnapshot) return { sequence, start, bytes: length };
  if (bytes.compare(SNAPSHOT_SUBFIELD, 0, SNAPSHOT_SUBFIELD.length, at + MEMBER_HEADER_BYTES, at + MEMBER_HEADER_BYTES + SNAPSHOT_SUBFIELD.length) !== 0) return undefined;
  return { sequence, start, snapshot: Number(bytes.readBigUInt64LE(at + MEMBER_HEADER_BYTES + SNAPSHOT_SUBFIELD.length)), bytes: length };
}

/** The gzip trailer: CRC-32 and length mod 2^32 of the member's text. */
function memberTrailer(crc: number, length: number): Buffer {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(length % 2 ** 32, 4);
  return trailer;
}

/**
 * One complete member, compressed synchronously (the recording's header line, written before
 * the run starts so that a bad path fails at once).
 *
 * @example
 * writeFileSync('x.gz', gzipMemberSync(Buffer.from('{"type":"recording.header"}\n'), 0, 0));
 */
export function gzipMemberSync(text: Buffer, sequence: number, start: number): Buffer {
  return Buffer.concat([memberHeader(sequence, start), deflateRawSync(text), memberTrailer(crc32(text), text.length)]);
}

export interface GzipMemberStreamOptions {
  /** Text per member before the next one starts (default 4 MiB; a member ends at the first write past it). */
  memberBytes?: number;
  /** Sequence number of the first member (default 0). */
  firstSequence?: number;
  /** Offset of the first member's text in the whole decompressed recording (default 0). */
  start?: number;
}

/**
 * Compresses text into consecutive gzip members. `syncFlush()` makes everything written so far
 * decodable on disk (the open member is then merely missing its end and trailer, which a
 * reader with `finishFlush: Z_SYNC_FLUSH` tolerates: a killed run).
 *
 * @example
 * const gzip = new GzipMemberStream({ memberBytes: 2 ** 20 });
 * gzip.pipe(createWriteStream('run.ndjson.gz'));
 * gzip.write('{"type":"trial.completed"}\n');
 * gzip.syncFlush();
 */
export class GzipMemberStream extends Transform {
  private readonly memberBytes: number;
  private member: DeflateRaw | undefined;
  private sequence: number;
  private start: number;
  private crc = 0;
  private length = 0;

  constructor({ memberBytes = DEFAULT_MEMBER_BYTES, firstSequence = 0, start = 0 }: GzipMemberStreamOptions = {}) {
    super();
    if (!(Number.isInteger(memberBytes) && memberBytes >= 1)) throw new Error(`memberBytes must be an integer >= 1, got ${memberBytes}`);
    this.memberBytes = memberBytes;
    this.sequence = firstSequence;
    this.start = start;
  }

  /** Chunks handed to `writeSnapshot`, each to start a member of its own, with their completed episodes. */
  private readonly snapshots = new WeakMap<Buffer, number>();

  /**
   * Write `line` (a snapshot line) at the start of a new member whose header holds `completed`
   * (the open member ends first), in order with the other writes. Returns what `write` returns.
   */
  writeSnapshot(line: Buffer, completed: number): boolean {
    this.snapshots.set(line, completed);
    return this.write(line);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const snapshot = this.snapshots.get(chunk);
    const write = () => {
      if (!this.member) {
        this.push(memberHeader(this.sequence, this.start, snapshot));
        this.member = createDeflateRaw();
        this.member.on('data', (data: Buffer) => this.push(data));
        this.member.on('error', (error) => this.destroy(error));
      }
      this.crc = crc32(chunk, this.crc);
      this.length += chunk.length;
      this.member.write(chunk);
      if (this.length >= this.memberBytes) this.endMember(callback);
      else callback();
    };
    if (snapshot !== undefined && this.member) this.endMember(write);
    else write();
  }

  override _flush(callback: TransformCallback): void {
    if (this.member) this.endMember(callback);
    else callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.member?.destroy();
    callback(error);
  }

  /** Make everything written so far decodable (a deflate sync flush of the open member). */
  syncFlush(): void {
    this.member?.flush(constants.Z_SYNC_FLUSH);
  }

  /** Finish the open member: its last deflate block, then the trailer; the next write opens a new one. */
  private endMember(callback: () => void): void {
    const member = this.member!;
    this.member = undefined;
    member.once('end', () => {
      this.push(memberTrailer(this.crc, this.length));
      this.sequence += 1;
      this.start += this.length;
      this.crc = 0;
      this.length = 0;
      callback();
    });
    member.end();
  }
}
