import type { PakeTryLedger } from '@pvskit/video/browser';
import type { PakeTriesBody, PakeTriesChange } from '../shared/api.js';
import { api } from './api.js';

/**
 * The doctor client's PAKE try count, kept by the practice server so that reloading the call page does not
 * restore the budget. The page sends what changed since its last stored report, not its count: with the call
 * page open in two tabs each counts only its own tries, and a lower count must not overwrite the other's. A
 * report that fails goes out with the next one; reports go one after another.
 */
export function practicePakeLedger(appointmentId: string, known: PakeTriesBody, onError: (error: unknown) => void): PakeTryLedger {
  let queue: Promise<unknown> = Promise.resolve();
  let stored = known.spent;
  return {
    spent: known.spent,
    record(spent) {
      queue = queue
        .then(async () => {
          const body: PakeTriesChange = { codeGeneration: known.codeGeneration, change: spent - stored };
          if (body.change === 0) return;
          await api.post<PakeTriesBody>(`/api/appointments/${encodeURIComponent(appointmentId)}/pake-tries`, body);
          stored = spent;
        })
        .catch(onError);
    },
  };
}
