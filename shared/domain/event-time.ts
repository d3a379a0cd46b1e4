/**
 * Event-time parsing: epoch milliseconds UTC from an integer or an ISO-8601 date-time string.
 * Written by hand because `Date.parse` is lenient in engine-specific ways (it accepts
 * `2024-02-30`, and reads a zone-less date-time as local time).
 */

const INTEGER = /^[+-]?\d+$/;
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Epoch ms UTC from text holding an integer (`"1700000000000"`) or an ISO-8601 date-time
 * (`"2024-03-01T12:00:00.250Z"`, `"2024-03-01 13:00:00+01:00"`; no zone means UTC).
 * Fractions of a millisecond are truncated. Returns null when the text is neither.
 */
export function parseEventTimeText(text: string): number | null {
  if (INTEGER.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : null;
  }
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC rolls 2024-02-30 over to March and maps years 0–99 to 1900–1999: reject both.
  const check = new Date(local);
  if (check.getUTCDate() !== day || check.getUTCFullYear() !== year) return null;
  const offset = zoneOffsetMs(m[8]);
  return offset === null ? null : local - offset;
}

/** Offset of a `Z`, `+hh`, `+hhmm` or `+hh:mm` designator in ms east of UTC; none means UTC. */
function zoneOffsetMs(zone: string | undefined): number | null {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * 60 + minutes) * 60_000;
}
