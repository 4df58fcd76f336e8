/** Writing parsed records back to bytes. */
import type { KvdtRecord } from './model.js';
import { LineSink, MAX_CONTENT_BYTES } from './sink.js';
import { prepareText } from './text.js';

/**
 * Encodes records back to KVDT bytes. Well-formed lines are re-encoded from field id and value (so this
 * exercises the encoder: the result equals the input byte for byte for any well-formed file); lines the
 * parser marked malformed, or with empty content, are copied from their raw bytes. A value without
 * ISO-8859-15 byte (set by hand) throws `PvsKitError('ENCODING')`.
 */
export function serializeKvdtRecords(records: Iterable<KvdtRecord>): Buffer {
  const sink = new LineSink();
  const parts: Buffer[] = [];
  for (const record of records) {
    for (const field of record.fields) {
      const encodable =
        field.malformed !== true && /^\d{4}$/.test(field.id) && field.value.length > 0 && field.value.length <= MAX_CONTENT_BYTES;
      // prepareText: a value set by hand may hold characters without ISO-8859-15 byte → PvsKitError('ENCODING').
      if (encodable) sink.line(field.id, prepareText(field.value, { field: field.id }));
      else {
        parts.push(...sink.takeAll(), field.raw);
      }
    }
  }
  parts.push(...sink.takeAll());
  return Buffer.concat(parts);
}
