import type { PakeTryLedger } from '@pvskit/video/browser';
import type { PakeTriesBody } from '../shared/api.js';
import { api } from './api.js';

/**
 * The doctor client's PAKE try count, kept by the practice server so that reloading the call page does not
 * restore the budget. Reports go out one after another: two quick changes must not arrive swapped.
 */
export function practicePakeLedger(appointmentId: string, known: PakeTriesBody, onError: (error: unknown) => void): PakeTryLedger {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    spent: known.spent,
    record(spent) {
      const body: PakeTriesBody = { codeGeneration: known.codeGeneration, spent };
      queue = queue.then(() => api.post<PakeTriesBody>(`/api/appointments/${encodeURIComponent(appointmentId)}/pake-tries`, body)).catch(onError);
    },
  };
}
