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
 */
import { Transform, type TransformCallback } from 'node:stream';
import { constants, crc32, createDeflateRaw, deflateRawSync, type DeflateRaw } from 'node:zlib';

/** The bytes every member header starts with (ID1 ID2 CM FLG=FEXTRA MTIME=0 XFL=0 OS=255 XLEN=16 SI1 SI2 LEN=12). */
export const MEMBER_HEADER_PREFIX = Buffer.from([0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 16, 0, 0x42, 0x52, 12, 0]);
/** Header length: the prefix, then sequence (4) and decompressed start (8). */
export const MEMBER_HEADER_BYTES = MEMBER_HEADER_PREFIX.length + 12;
/** Default text per member: 4 MiB, so a seek decompresses at most that much before its offset. */
export const DEFAULT_MEMBER_BYTES = 4 * 2 ** 20;

/** The header of member `sequence`, whose text begins at `start` in the decompressed recording. */
export function memberHeader(sequence: number, start: number): Buffer {
  const header = Buffer.alloc(MEMBER_HEADER_BYTES);
  MEMBER_HEADER_PREFIX.copy(header);
  header.writeUInt32LE(sequence, MEMBER_HEADER_PREFIX.length);
  header.writeBigUInt64LE(BigInt(start), MEMBER_HEADER_PREFIX.length + 4);
  return header;
}

/** The fields of a member header at `at` in `bytes`, or undefined when none starts there. */
export function readMemberHeader(bytes: Buffer, at: number): { sequence: number; start: number } | undefined {
  if (at + MEMBER_HEADER_BYTES > bytes.length) return undefined;
  if (bytes.compare(MEMBER_HEADER_PREFIX, 0, MEMBER_HEADER_PREFIX.length, at, at + MEMBER_HEADER_PREFIX.length) !== 0) return undefined;
  const sequence = bytes.readUInt32LE(at + MEMBER_HEADER_PREFIX.length);
  const start = Number(bytes.readBigUInt64LE(at + MEMBER_HEADER_PREFIX.length + 4));
  return { sequence, start };
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

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.member) {
      this.push(memberHeader(this.sequence, this.start));
      this.member = createDeflateRaw();
      this.member.on('data', (data: Buffer) => this.push(data));
      this.member.on('error', (error) => this.destroy(error));
    }
    this.crc = crc32(chunk, this.crc);
    this.length += chunk.length;
    this.member.write(chunk);
    if (this.length >= this.memberBytes) this.endMember(callback);
    else callback();
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
  private endMember(callback: TransformCallback): void {
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
