import fs from 'node:fs';

/**
 * Why a buffer is not an OSM PBF file, or null when its block framing is sound: every block a
 * 4-byte big-endian BlobHeader length (under 64 KiB, as the format says), a BlobHeader whose
 * `type` is OSMHeader first and OSMData after and whose `datasize` (under 32 MiB) fits in the
 * file, the last block ending at the file's end. osm-read trusts these lengths: a PNG or any
 * other file given as `kind=osm` made it allocate a negative-sized Buffer inside an fs callback,
 * an uncaught exception that ended the whole server (probe of 2026-12-01).
 */
export function pbfFramingProblem(buf: Buffer): string | null {
  return framingProblem(buf.length, (pos, len) => buf.subarray(pos, pos + len));
}

/**
 * The same check on a file on disk, reading only the block headers (a city extract can be
 * hundreds of MB): for `npm run import:osm`, where osm-read's crash on such a file took the
 * command down with a stack trace.
 */
export function pbfFileFramingProblem(file: string): string | null {
  const fd = fs.openSync(file, 'r');
  try {
    return framingProblem(fs.fstatSync(fd).size, (pos, len) => {
      const b = Buffer.alloc(len);
      return b.subarray(0, fs.readSync(fd, b, 0, len, pos));
    });
  } finally {
    fs.closeSync(fd);
  }
}

/** Walks the blocks of a file of `length` bytes through `read` (bytes at an offset; only headers are read). */
function framingProblem(length: number, read: (pos: number, len: number) => Buffer): string | null {
  if (length === 0) return 'the file is empty';
  let pos = 0;
  for (let block = 1; pos < length; block++) {
    if (pos + 4 > length) return `block ${block} is cut off`;
    const size = read(pos, 4).readUInt32BE(0);
    if (size === 0 || size > 64 * 1024 || pos + 4 + size > length) {
      return block === 1 ? 'it does not start with an OSM PBF block header (is it an .osm.pbf file?)' : `block ${block} has a damaged header`;
    }
    const header = readBlobHeader(read(pos + 4, size));
    if (!header) return `block ${block} has a damaged header`;
    if (block === 1 ? header.type !== 'OSMHeader' : header.type !== 'OSMData') {
      return block === 1 ? 'it does not start with an OSMHeader block (is it an .osm.pbf file?)' : `block ${block} is "${header.type.slice(0, 20)}", not OSMData`;
    }
    if (header.datasize <= 0 || header.datasize > 32 * 1024 * 1024 || pos + 4 + size + header.datasize > length) return `block ${block} is cut off or damaged`;
    pos += 4 + size + header.datasize;
  }
  return null;
}

/** The `type` and `datasize` of a BlobHeader (protobuf: 1 string, 2 bytes, 3 int32), bounds-checked. */
function readBlobHeader(b: Buffer): { type: string; datasize: number } | null {
  let pos = 0;
  let type: string | null = null;
  let datasize: number | null = null;
  const varint = (): number | null => {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= b.length) return null;
      const byte = b[pos++];
      v += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return v;
    }
    return null;
  };
  while (pos < b.length) {
    const key = varint();
    if (key === null) return null;
    const wire = key & 7;
    const field = Math.floor(key / 8);
    if (wire === 2) {
      const len = varint();
      if (len === null || pos + len > b.length) return null;
      if (field === 1) type = b.toString('utf8', pos, pos + len);
      pos += len;
    } else if (wire === 0) {
      const v = varint();
      if (v === null) return null;
      if (field === 3) datasize = v;
    } else {
      return null;
    }
  }
  return type !== null && datasize !== null ? { type, datasize } : null;
}
