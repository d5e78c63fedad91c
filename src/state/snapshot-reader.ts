/**
 * Reads a state export as it streams in, one record at a time, so an import holds one record in
 * memory however large the file is. The document is the one `toSnapshot` writes:
 * `{"format": …, "version": …, "installations": [ {…} ], "connections": [ … ], "uninstalls": [ … ],
 * "subscriptions": [ {…}, {…} ]}` (version 1 has `subscriptions` alone); `format` and `version`
 * must come before the first list (as an export writes them), and are checked there. Only the
 * structure is scanned here (strings, nesting, the top-level keys); each record's text is handed
 * on whole, with its list, its index and the line it starts on, for `JSON.parse` and validation.
 * A record longer than `IMPORT_LIMITS.maxRecordChars` is reported as oversized without being
 * kept. Lines `npm run` (without `-s`) writes before the JSON (`> focus-for-slack@0.1.0 state`)
 * are skipped; any other text before or after it is an error.
 */
import { IMPORT_LIMITS } from '../domain/subscription-limits.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_SECTIONS, SNAPSHOT_VERSIONS, type SnapshotSection } from './snapshot.js';

export type SnapshotItem =
  | { kind: 'row'; section: SnapshotSection; index: number; line: number; text: string }
  | { kind: 'oversized'; section: SnapshotSection; index: number; line: number; chars: number };

/** Input that is not a state export; the message says where and why. */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

/** A top-level value other than a list of records, or a key, at most. */
const MAX_HEADER_CHARS = 64 * 1024;
/** Text before the `{` (npm's banner) at most. */
const MAX_PREFIX_CHARS = 4 * 1024;

const notJson = (where = '') =>
  new SnapshotError(`standard input is not JSON${where} (pipe in what \`npm run -s state -- export\` wrote)`);

interface Capture {
  kind: 'key' | 'value' | 'row';
  /** The nesting depth the captured value sits at (it ends at a `,` or a close at this depth). */
  depth: number;
  line: number;
  parts: string[];
  chars: number;
  /** Where it starts in the current chunk (0 after a chunk boundary). */
  from: number;
  over: boolean;
}

const QUOTE = 34;
const BACKSLASH = 92;

export async function* readSnapshot(
  chunks: AsyncIterable<string | Uint8Array>,
): AsyncGenerator<SnapshotItem> {
  const decoder = new TextDecoder('utf-8');
  let phase: 'prefix' | 'body' | 'after' = 'prefix';
  let prefix = '';
  let depth = 0;
  let line = 1;
  let inString = false;
  let escaped = false;
  let top: 'key' | 'colon' | 'value' | 'comma' = 'key';
  let key: string | undefined;
  let cap: Capture | undefined;
  let section: SnapshotSection | undefined;
  const seen = new Set<SnapshotSection>();
  let index = 0;
  const header: Record<string, unknown> = {};
  const out: SnapshotItem[] = [];

  const start = (kind: Capture['kind'], at: number): void => {
    cap = { kind, depth, line, parts: [], chars: 0, from: at, over: false };
  };
  /** A value starts: kept when it is a top-level one or a record. */
  const startValue = (at: number): void => {
    if (cap) return;
    if (depth === 1 && top === 'value') start('value', at);
    else if (depth === 2 && section) start('row', at);
  };
  const limit = (c: Capture) => (c.kind === 'row' ? IMPORT_LIMITS.maxRecordChars : MAX_HEADER_CHARS);
  const keep = (c: Capture, piece: string): void => {
    if (c.over) return;
    c.chars += piece.length;
    if (c.chars > limit(c)) {
      c.over = true;
      c.parts = [];
    } else c.parts.push(piece);
  };
  const end = (text: string, at: number): void => {
    const c = cap as Capture;
    cap = undefined;
    keep(c, text.slice(c.from, at));
    if (c.kind === 'row') {
      const from = section as SnapshotSection;
      out.push(
        c.over
          ? { kind: 'oversized', section: from, index, line: c.line, chars: c.chars }
          : { kind: 'row', section: from, index, line: c.line, text: c.parts.join('') },
      );
      index++;
      return;
    }
    if (c.over)
      throw new SnapshotError(`line ${c.line}: a top-level ${c.kind} longer than ${limit(c)} characters`);
    const raw = c.parts.join('');
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new SnapshotError(`line ${c.line}: ${c.kind === 'key' ? 'a key' : `"${key}"`} is not JSON`);
    }
    if (c.kind === 'key') {
      key = String(value);
      top = 'colon';
    } else header[key ?? ''] = value;
  };

  const scan = (text: string): void => {
    const n = text.length;
    let backslash = -2;
    let i = 0;
    while (i < n) {
      if (inString) {
        if (escaped) {
          escaped = false;
          i++;
          continue;
        }
        if (backslash !== -1 && backslash < i) backslash = text.indexOf('\\', i);
        const quote = text.indexOf('"', i);
        if (backslash !== -1 && (quote === -1 || backslash < quote)) {
          escaped = true;
          i = backslash + 1;
          continue;
        }
        if (quote === -1) break;
        i = quote + 1;
        inString = false;
        if (cap?.kind === 'key') end(text, i);
        continue;
      }
      const c = text.charCodeAt(i);
      if (phase === 'prefix') {
        if (c === 123 /* { */) {
          const before = prefix.replace(/^\uFEFF/, '').split('\n');
          if (!before.every((l) => l.trim() === '' || l.startsWith('> '))) throw notJson();
          phase = 'body';
          depth = 1;
        } else {
          prefix += text[i];
          if (c === 10) line++;
          if (prefix.length > MAX_PREFIX_CHARS || (prefix.trim() !== '' && !/^[\s\uFEFF]*>/.test(prefix)))
            throw notJson();
        }
        i++;
        continue;
      }
      if (phase === 'after') {
        if (c === 10) line++;
        else if (c !== 32 && c !== 9 && c !== 13)
          throw new SnapshotError(`line ${line}: text after the end of the document`);
        i++;
        continue;
      }
      switch (c) {
        case 10:
          line++;
          break;
        case 32:
        case 9:
        case 13:
          break;
        case QUOTE:
          inString = true;
          if (!cap && depth === 1 && top === 'key') start('key', i);
          else startValue(i);
          break;
        case 123: // {
        case 91: // [
          if (!cap && depth === 1 && top === 'value' && isSection(key)) {
            if (c !== 91) throw new SnapshotError(`line ${line}: ${key} is not a list`);
            if (seen.has(key)) throw new SnapshotError(`line ${line}: ${key} appears twice`);
            if (seen.size === 0) checkHeader(header);
            section = key;
            seen.add(key);
            index = 0;
          } else startValue(i);
          depth++;
          break;
        case 125: // }
        case 93: // ]
          if (cap && depth === cap.depth) end(text, i);
          depth--;
          if (depth === 1 && section) {
            section = undefined;
            top = 'comma';
          }
          if (depth === 0) phase = 'after';
          if (depth < 0) throw new SnapshotError(`line ${line}: a bracket closes nothing`);
          break;
        case 44: // ,
          if (cap && depth === cap.depth) end(text, i);
          if (depth === 1) top = 'key';
          break;
        case 58: // :
          if (depth === 1 && !cap) top = 'value';
          break;
        case BACKSLASH:
          throw new SnapshotError(`line ${line}: a backslash outside a string`);
        default:
          if (depth === 1 && top !== 'value' && !cap) throw notJson(` at line ${line}`);
          startValue(i);
      }
      i++;
    }
    if (cap) {
      keep(cap, text.slice(cap.from));
      cap.from = 0;
    }
  };

  for await (const chunk of chunks) {
    scan(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    yield* out.splice(0, out.length);
  }
  scan(decoder.decode());
  yield* out.splice(0, out.length);
  if (phase === 'prefix') throw new SnapshotError('standard input is empty or not JSON');
  if (phase === 'body')
    throw new SnapshotError(
      section
        ? `the input ends inside ${section}[${index}] (line ${line}): the file is cut short`
        : `the input ends at line ${line} before the document does: the file is cut short`,
    );
  if (seen.size === 0) checkHeader(header);
}

function isSection(key: string | undefined): key is SnapshotSection {
  return (SNAPSHOT_SECTIONS as readonly (string | undefined)[]).includes(key);
}

/** The top-level values read before the first list: this format and a known version, or an error. */
function checkHeader({ format, version }: Record<string, unknown>): void {
  if (format === SNAPSHOT_FORMAT && (SNAPSHOT_VERSIONS as readonly unknown[]).includes(version)) return;
  throw new SnapshotError(
    `not a state export (${SNAPSHOT_FORMAT} v${SNAPSHOT_VERSIONS.join(' or v')}): ` +
      (format === undefined
        ? '"format" and "version" must come before the lists ("subscriptions", …)'
        : format !== SNAPSHOT_FORMAT
          ? `format is ${JSON.stringify(format)}`
          : `version is ${JSON.stringify(version)}`),
  );
}
