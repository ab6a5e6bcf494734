// A minimal Protocol Buffers writer, enough for ONNX models (onnx.ts). Why not protobufjs with the
// ONNX schema: the library would gain a dependency (and the 50 kB runtime in browser bundles) to
// write six message types; the wire format needs ~80 lines. Reading is not needed (we export ONNX only).
//
// Wire format (https://protobuf.dev/programming-guides/encoding/): a message is a sequence of
// fields, each a key varint (field number << 3 | wire type) then the value:
//   wire type 0 (VARINT): int32/int64/enum/bool as base-128 varint, little-endian groups of 7 bits
//                         (negative int64 as 10-byte two's complement — not needed here, refused)
//   wire type 2 (LEN):    varint byte length, then the bytes (strings UTF-8, sub-messages, packed repeated)
//   wire type 5 (I32):    4 bytes little-endian (float)
// Repeated scalars are written unpacked (one key per value), which every parser must accept.
import { EpyNNError } from '../errors.js';

const VARINT = 0;
const LEN = 2;
const I32 = 5;

/** Builds one message; nested messages are built by their own writer and added as bytes. */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new EpyNNError(`protobuf: varint must be a non-negative safe integer, got ${value}`);
    const out: number[] = [];
    let v = value;
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80); // low 7 bits (arithmetic, not bitwise: values may exceed 2^31)
      v = Math.floor(v / 0x80);
    }
    out.push(v);
    this.push(Uint8Array.from(out));
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** int32, int64 (non-negative), enum, bool. */
  int(field: number, value: number): this {
    this.key(field, VARINT);
    this.varint(value);
    return this;
  }

  /** float (32-bit). */
  float(field: number, value: number): this {
    this.key(field, I32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  /** bytes, or a nested message's bytes. */
  bytes(field: number, value: Uint8Array): this {
    this.key(field, LEN);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  /** string (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** A nested message. */
  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  /** The encoded message. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}
