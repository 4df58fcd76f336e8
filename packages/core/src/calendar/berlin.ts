/** Converting an instant to the wall clock of a German practice. */
import { PvsKitError } from '../errors.js';
import type { LocalDate, LocalTime } from '../schemas/primitives.js';

/** The IANA zone every pvskit local date and time refers to. */
export const PRACTICE_TIME_ZONE = 'Europe/Berlin';

// One formatter for the process: constructing Intl formatters is expensive, using them is not.
let formatter: Intl.DateTimeFormat | undefined;

function berlinFormatter(): Intl.DateTimeFormat {
  formatter ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: PRACTICE_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return formatter;
}

/**
 * Local German date and time (Europe/Berlin, CET/CEST) of an instant, whatever the process time zone is.
 * Seconds are dropped (truncated), as a practice's clock shows them.
 * @throws PvsKitError `CALENDAR` for an invalid `Date`.
 */
export function berlinDateTimeOf(instant: Date): { date: LocalDate; time: LocalTime } {
  if (Number.isNaN(instant.getTime())) {
    throw new PvsKitError('CALENDAR', 'invalid Date', { userMessage: 'Ungültiger Zeitpunkt.' });
  }
  const fields: Record<string, string> = {};
  for (const part of berlinFormatter().formatToParts(instant)) fields[part.type] = part.value;
  const year = (fields['year'] ?? '').padStart(4, '0');
  return {
    date: `${year}-${fields['month'] ?? ''}-${fields['day'] ?? ''}`,
    time: `${fields['hour'] ?? ''}:${fields['minute'] ?? ''}`,
  };
}
