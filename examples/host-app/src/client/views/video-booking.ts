import type { PatientRecord, StateResponse } from '../../shared/api.js';
import { h } from '../dom.js';

/** "Videotermin anlegen" on a patient record. */
export function renderVideoBooking(_patient: PatientRecord, _state: StateResponse): HTMLElement {
  return h('section', {}, h('h2', {}, 'Videosprechstunde'));
}
