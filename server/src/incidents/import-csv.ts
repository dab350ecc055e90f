import { unprocessable } from '../core/errors.ts';

/**
 * A streaming CSV reader for the bulk import, several times faster than a general parser on
 * the plain lines that make up almost every historical file: a line without a quote is split
 * on commas; a line with one goes through a small state machine (RFC 4180 quoting, `""` inside
 * quotes, line breaks inside quotes). What it accepts: a UTF-8 byte-order mark, `\n` or `\r\n`
 * line ends, blank lines (skipped), spaces around fields (trimmed, outside quotes too), rows
 * shorter or longer than the header. What it refuses (422 `bad_csv`): a quote that is never
 * closed, text after a closing quote, a quote inside an unquoted field.
 *
 * Yields the records of each chunk of input as one array (the first record is the header).
 */
export async function* csvRecords(input: AsyncIterable<Buffer | string>): AsyncGenerator<string[][]> {
  // Fatal: a GBK/GB18030 or UTF-16 file was read as U+FFFD mojibake (names, descriptions, the
  // header) until 2026-12-01; now it is refused with the line to look at.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let carry = '';
  let first = true;
  let line = 1;
  for await (const chunk of input) {
    if (first && typeof chunk !== 'string') notText(chunk);
    let text = carry + (typeof chunk === 'string' ? chunk : decode(decoder, chunk, carry, line));
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const out: string[][] = [];
    const r = parseChunk(text, false, out, line);
    carry = text.slice(r.pos);
    line = r.line;
    if (out.length) yield out;
  }
  let text = carry + decode(decoder, undefined, carry, line);
  if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length) {
    const out: string[][] = [];
    parseChunk(text, true, out, line);
    if (out.length) yield out;
  }
}

const MAGIC: [string, number[]][] = [['a PNG image', [0x89, 0x50, 0x4e, 0x47]], ['a JPEG image', [0xff, 0xd8, 0xff]], ['a zip archive (an .xlsx?)', [0x50, 0x4b, 0x03, 0x04]],
  ['a PDF', [0x25, 0x50, 0x44, 0x46]], ['a gzip file', [0x1f, 0x8b]], ['an old Excel .xls', [0xd0, 0xcf, 0x11, 0xe0]], ['a SQLite database', [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65]],
  ['UTF-16 text (little-endian)', [0xff, 0xfe]], ['UTF-16 text (big-endian)', [0xfe, 0xff]]];

/** A file that is not CSV text at all, told by its first bytes. */
function notText(head: Buffer): void {
  const seems = MAGIC.find(([, m]) => m.every((b, i) => head[i] === b));
  if (seems) throw unprocessable('not_text', `The file was taken for CSV but is ${seems[0]}; send CSV text in UTF-8${seems[0].startsWith('UTF-16') ? ' (save it as "CSV UTF-8")' : ''}`, { seems: seems[0] });
}

/** Decodes a chunk (or the end) as UTF-8; an invalid byte is 422 not_utf8 with its line. */
function decode(decoder: TextDecoder, chunk: Buffer | undefined, carry: string, line: number): string {
  try {
    return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
  } catch {
    // The line: the lines already parsed, those in the carried tail, and those before the bad byte.
    let at = 0;
    if (chunk) {
      let lo = 0, hi = chunk.length;
      const ok = (n: number) => { try { new TextDecoder('utf-8', { fatal: true }).decode(chunk.subarray(0, n), { stream: true }); return true; } catch { return false; } };
      while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (ok(mid)) lo = mid; else hi = mid - 1; }
      at = lo;
    }
    let n = line;
    for (let i = 0; i < carry.length; i++) if (carry.charCodeAt(i) === 10) n++;
    if (chunk) for (let i = 0; i < at; i++) if (chunk[i] === 10) n++;
    throw unprocessable('not_utf8', `The CSV is not UTF-8 (line ${n}); save it as UTF-8 — a GBK/GB18030 export from Excel or WPS needs "Save as CSV UTF-8"`, { line: n });
  }
}

function bad(message: string, line: number): never {
  throw unprocessable('bad_csv', `The CSV cannot be read: ${message} (line ${line})`, { line });
}

const isSpace = (c: number) => c === 32 || c === 9;

/** Parses every complete record of text into out; returns where the unfinished tail starts. */
function parseChunk(text: string, final: boolean, out: string[][], line: number): { pos: number; line: number } {
  let pos = 0;
  const n = text.length;
  // Where the next quote is (n when none is left): found once, not once per line.
  let q = text.indexOf('"');
  if (q < 0) q = n;
  while (pos < n) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) {
      if (!final) break;
      nl = n;
    }
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    if (q < pos) {
      q = text.indexOf('"', pos);
      if (q < 0) q = n;
    }
    if (q >= end) {
      // The fast path: a line without quotes.
      const s = text.slice(pos, end);
      if (s.trim().length) {
        const f = s.split(',');
        for (let i = 0; i < f.length; i++) f[i] = f[i].trim();
        out.push(f);
      }
      pos = nl + 1;
      line++;
      continue;
    }
    const r = quotedRecord(text, pos, final, line);
    if (!r) break;
    out.push(r.fields);
    pos = r.next;
    line = r.line;
  }
  return { pos: Math.min(pos, n), line };
}

/** One record that holds a quote, from pos; null when the text ends before the record does. */
function quotedRecord(text: string, pos: number, final: boolean, line: number): { fields: string[]; next: number; line: number } | null {
  const n = text.length;
  const fields: string[] = [];
  let i = pos;
  for (;;) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i < n && text.charCodeAt(i) === 34) {
      // Quoted field.
      let value = '';
      let from = i + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close < 0) {
          if (final) bad('a quote is not closed', line);
          return null;
        }
        value += text.slice(from, close);
        if (close + 1 < n && text.charCodeAt(close + 1) === 34) {
          value += '"';
          from = close + 2;
          continue;
        }
        if (close + 1 >= n && !final) return null;
        i = close + 1;
        break;
      }
      for (let k = value.indexOf('\n'); k >= 0; k = value.indexOf('\n', k + 1)) line++;
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      fields.push(value);
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 10 || (c === 13 && (j + 1 >= n || text.charCodeAt(j + 1) === 10))) break;
        if (c === 34) bad('a quote inside an unquoted field', line);
        j++;
      }
      if (j >= n && !final) return null;
      fields.push(text.slice(i, j).trim());
      i = j;
    }
    if (i >= n) {
      if (!final) return null;
      return { fields, next: n, line: line + 1 };
    }
    const c = text.charCodeAt(i);
    if (c === 44) { i++; continue; }
    if (c === 13 && i + 1 < n && text.charCodeAt(i + 1) === 10) return { fields, next: i + 2, line: line + 1 };
    if (c === 13 && i + 1 >= n) {
      if (!final) return null;
      return { fields, next: n, line: line + 1 };
    }
    if (c === 10) return { fields, next: i + 1, line: line + 1 };
    bad('text after a closing quote', line);
  }
}
