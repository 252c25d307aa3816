/**
 * The safetensors format (Hugging Face, github.com/huggingface/safetensors): an 8-byte
 * little-endian header length n, n bytes of JSON header `{ name: { dtype, shape, data_offsets:
 * [begin, end] }, __metadata__: { key: string } }`, then the raw little-endian tensor bytes, the
 * offsets counted from the end of the header. Written here by hand (npm has no maintained writer:
 * its one `safetensors` package is a single 0.0.1 release); pure, on bytes.
 */
import { ConfigError } from '../validation.js';

/** One named tensor, row-major. */
export interface NamedTensor {
  name: string;
  shape: number[];
  /** F32 and F64 tensors; values are written in the array's own precision. */
  data: Float32Array | Float64Array;
}

export interface SafetensorsFile {
  tensors: NamedTensor[];
  /** `__metadata__`: string values only, as the format requires. */
  metadata: Record<string, string>;
}

const DTYPES = { F32: 4, F64: 8 } as const;
type Dtype = keyof typeof DTYPES;

/**
 * @example
 * const bytes = encodeSafetensors({ tensors: [{ name: 'readout.bias', shape: [2], data: Float32Array.of(0.1, -0.1) }], metadata: { kind: 'tiny_gru' } });
 */
export function encodeSafetensors(file: SafetensorsFile): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: file.metadata };
  let offset = 0;
  for (const { name, shape, data } of file.tensors) {
    if (name === '__metadata__') throw new ConfigError(['a tensor must not be named __metadata__']);
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw new ConfigError([`tensor ${name} has shape [${shape}] (${count} values) but ${data.length} values`]);
    const bytes = data.length * data.BYTES_PER_ELEMENT;
    header[name] = { dtype: data instanceof Float32Array ? 'F32' : 'F64', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  // The header is padded with spaces to a multiple of 8 bytes, so every tensor stays aligned.
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padded - json.length));
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const { data } of file.tensors) {
    for (let i = 0; i < data.length; i++) {
      if (data instanceof Float32Array) view.setFloat32(at + 4 * i, data[i], true);
      else view.setFloat64(at + 8 * i, data[i], true);
    }
    at += data.length * data.BYTES_PER_ELEMENT;
  }
  return out;
}

/**
 * Read F32 and F64 tensors (in header order) and the metadata; any other dtype, or offsets that
 * do not tile the data, is refused with the tensor's name.
 * @example
 * const { tensors, metadata } = decodeSafetensors(readFileSync('gru.safetensors'));
 */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < 8) throw new ConfigError([`a safetensors file has at least 8 bytes, got ${bytes.length}`]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) throw new ConfigError([`the header length ${headerLength} exceeds the file's ${bytes.length - 8} bytes after it`]);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw new ConfigError([`the safetensors header is not valid JSON: ${(error as Error).message}`]);
  }
  const base = 8 + headerLength;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors: NamedTensor[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (!(dtype in DTYPES)) throw new ConfigError([`tensor ${name} has dtype ${JSON.stringify(dtype)}; F32 and F64 are read`]);
    const size = DTYPES[dtype as Dtype];
    const count = shape.reduce((a, b) => a * b, 1);
    if (!Array.isArray(offsets) || offsets[1] - offsets[0] !== count * size || base + offsets[1] > bytes.length) {
      throw new ConfigError([`tensor ${name}: data_offsets ${JSON.stringify(offsets)} do not hold [${shape}] ${dtype} values inside the file`]);
    }
    const data = dtype === 'F32' ? new Float32Array(count) : new Float64Array(count);
    for (let i = 0; i < count; i++) data[i] = dtype === 'F32' ? view.getFloat32(base + offsets[0] + 4 * i, true) : view.getFloat64(base + offsets[0] + 8 * i, true);
    tensors.push({ name, shape: [...shape], data });
  }
  return { tensors, metadata };
}
