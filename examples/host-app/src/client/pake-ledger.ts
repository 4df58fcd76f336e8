import type { PakeTryLedger } from '@pvskit/video/browser';
import type { PakeTriesBody, PakeTriesChange, PakeTryReservation } from '../shared/api.js';
import { api } from './api.js';

/**
 * The doctor client's PAKE try count, kept by the practice server so that reloading the call page does not
 * restore the budget. The page sends what changed since its last stored report, not its count: with the call
 * page open in two tabs each counts only its own tries, and a lower count must not overwrite the other's. A
 * report that fails goes out with the next one; reports go one after another. Before each confirmation the
 * page asks the practice for the try (`reserve`), so pages open at the same time share one budget.
 */
export function practicePakeLedger(appointmentId: string, known: PakeTriesBody, onError: (error: unknown) => void): PakeTryLedger {
  let queue: Promise<unknown> = Promise.resolve();
  // The client's count as this page last learnt it. A change is taken against it when `record` is called, not
  // when its turn in the queue comes: a try granted meanwhile (`reserve`) is not yet in the count the client
  // reported, so comparing with it later would take that try back too.
  let counted = known.spent;
  // Changes not stored by the practice (a report that failed goes out with the next one); kept by the queue.
  let unsent = 0;
  const path = `/api/appointments/${encodeURIComponent(appointmentId)}/pake-tries`;
  return {
    spent: known.spent,
    // Asked before each confirmation: a try the practice granted is already counted there, so the page's later
    // report (which includes it) must not add it again. A page that cannot ask sends no confirmation for that
    // knock; the call client reports it ('budget-unreachable'), so the failure is not reported here as well.
    reserve() {
      const asked = queue.then(async () => {
        const answer = await api.post<PakeTryReservation>(`${path}/reserve`, { codeGeneration: known.codeGeneration });
        if (answer.granted) counted += 1;
        return answer.granted;
      });
      queue = asked.catch(() => undefined);
      return asked;
    },
    record(spent) {
      const change = spent - counted;
      counted = spent;
      queue = queue
        .then(async () => {
          unsent += change;
          const body: PakeTriesChange = { codeGeneration: known.codeGeneration, change: unsent };
          if (body.change === 0) return;
          await api.post<PakeTriesBody>(path, body);
          unsent -= body.change;
        })
        .catch(onError);
    },
  };
}
