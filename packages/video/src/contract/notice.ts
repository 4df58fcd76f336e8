import { isRealLocalDate, PvsKitError } from '@pvskit/core';

/*
 * "3 Monate zum Quartalsende": the contract ends at the first quarter end that is at least three months after
 * the day the cancellation is declared. The three months are counted as in § 188 Abs. 2, 3 BGB: they end on the
 * day of the third following month with the same number, or on that month's last day when it is shorter.
 * So a cancellation on 30.09. still ends the contract on 31.12.; one on 01.10. runs to 31.03.
 */

/** Notice period in months. Source: RED connect manual and FAQ, contract cancellation ("3 Monate zum Quartalsende"). */
export const NOTICE_MONTHS = 3;

function parse(date: string): { y: number; m: number; d: number } {
  if (!isRealLocalDate(date)) throw new PvsKitError('CALENDAR', `not a date: ${date}`);
  return { y: Number(date.slice(0, 4)), m: Number(date.slice(5, 7)), d: Number(date.slice(8, 10)) };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const lastDay = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** `date` plus `months` calendar months, clamped to the month's last day (§ 188 Abs. 3 BGB). */
export function addMonths(date: string, months: number): string {
  const { y, m, d } = parse(date);
  const index = y * 12 + (m - 1) + months;
  const ny = Math.floor(index / 12);
  const nm = (index % 12) + 1;
  return `${pad(ny, 4)}-${pad(nm)}-${pad(Math.min(d, lastDay(ny, nm)))}`;
}

/** Last day of the quarter that contains `date`. */
export function quarterEnd(date: string): string {
  const { y, m } = parse(date);
  const qm = Math.ceil(m / 3) * 3;
  return `${pad(y, 4)}-${pad(qm)}-${pad(lastDay(y, qm))}`;
}

/** The day the contract ends when cancelled on `cancelledOn`. */
export function contractEndDate(cancelledOn: string): string {
  return quarterEnd(addMonths(cancelledOn, NOTICE_MONTHS));
}
