import { NR8_ZUSCHLAG_SWAP, SCHWEREGRAD_ZUSCHLAEGE } from '../data/gops.js';
import { pauschaleBandOf, when } from '../time.js';
import { expectedTimedGop } from './band.js';
import type { CaseView } from './context.js';
import { kindSet } from './families.js';

const NR8 = new Set<string>(Object.values(SCHWEREGRAD_ZUSCHLAEGE.nr8));
const NR9 = SCHWEREGRAD_ZUSCHLAEGE.nr9.offHours;
const SEVERITY = new Set<string>([...NR8, NR9]);

/**
 * The severity Zuschlag a personal Notfallpauschale qualifies for (spec "Choosing the GOP", step 7), or
 * undefined. 01224 is preferred over 01226.
 */
export function expectedZuschlag(v: CaseView, baseIndex: number, gop = v.services[baseIndex]?.gop): string | undefined {
  const base = v.services[baseIndex];
  if (base === undefined || base.mode !== 'personal') return undefined;
  const f = v.families;
  if (gop === f.behandlung.day) return v.hasNr8(base.date) ? SCHWEREGRAD_ZUSCHLAEGE.nr8.day : undefined;
  if (gop !== f.behandlung.offHours) return undefined;
  if (v.hasNr8(base.date)) return SCHWEREGRAD_ZUSCHLAEGE.nr8.offHours;
  if (v.nr9Group(base.date) === null) return undefined;
  const band = base.time === undefined ? undefined : pauschaleBandOf(base.date, base.time, v.region);
  return band === 'offHours' ? NR9 : undefined;
}

/** The first service of `gops` on `date` (any date when none matches), for a Zuschlag's base. */
function baseOf(v: CaseView, gops: readonly string[], date: string): number | undefined {
  let any: number | undefined;
  for (const g of gops) {
    for (const i of v.indices(g)) {
      if (v.services[i]?.date === date) return i;
      any ??= i;
    }
  }
  return any;
}

/**
 * NFD-ZUSCHLAG-BASE, NFD-ZUSCHLAG-DIAGNOSIS, NFD-ZUSCHLAG-PERSONAL, NFD-01226-GROUP, NFD-01226-BAND,
 * NFD-01224-01226, NFD-ZUSCHLAG-MISSING.
 */
export function zuschlagRules(v: CaseView): void {
  const zuschlag = kindSet(v.families, 'zuschlag');
  v.services.forEach((s, i) => {
    if (!zuschlag.has(s.gop)) return;
    const def = v.catalogue.definition(s.gop);
    const requires = def?.requires ?? [];
    const at = when(s.date, s.time);
    if (requires.length > 0 && !requires.some((g) => v.has(g))) {
      const swap = NR8_ZUSCHLAG_SWAP[s.gop];
      const swapBase = swap === undefined ? undefined : v.catalogue.definition(swap)?.requires ?? [];
      const fix =
        swap !== undefined && swapBase !== undefined && swapBase.some((g) => v.has(g))
          ? { op: 'replace' as const, service: i, gop: swap }
          : s.gop === NR9
            ? { op: 'remove' as const, service: i }
            : undefined;
      v.emit({
        rule: 'NFD-ZUSCHLAG-BASE',
        service: i,
        gop: s.gop,
        message: `${s.gop} am ${at} ist ein Zuschlag zu ${requires.join('/')}, die im Dienstfall fehlt${fix?.op === 'replace' ? `; zur vorhandenen Pauschale passt ${fix.gop}.` : '.'}`,
        ...(fix === undefined ? {} : { fix }),
      });
    }
    if (!SEVERITY.has(s.gop)) return;

    if (NR8.has(s.gop) && s.justification === undefined && !v.hasNr8(s.date)) {
      v.emit({
        rule: 'NFD-ZUSCHLAG-DIAGNOSIS',
        service: i,
        gop: s.gop,
        message: `${s.gop} am ${at}: keine gesicherte Diagnose der Nr. 8 (z. B. Pneumonie, Fraktur, hypertensive Krise) und keine schriftliche Begründung.`,
        fix: { op: 'remove', service: i },
      });
    }
    const base = baseOf(v, requires, s.date);
    const baseService = base === undefined ? undefined : v.services[base];
    if (s.mode === 'video' || baseService?.mode === 'video') {
      v.emit({
        rule: 'NFD-ZUSCHLAG-PERSONAL',
        service: i,
        gop: s.gop,
        message: `${s.gop} am ${at}: Zuschläge 01223/01224/01226 setzen einen persönlichen Arzt-Patienten-Kontakt voraus, die Pauschale war eine Videosprechstunde.`,
        fix: { op: 'remove', service: i },
      });
    }
    if (s.gop === NR9) {
      const group = v.nr9Group(s.date);
      if (group === null) {
        v.emit({
          rule: 'NFD-01226-GROUP',
          service: i,
          gop: s.gop,
          message: `${s.gop} am ${at}: Patient gehört zu keiner Gruppe der Nr. 9 (Kind unter 3, Demenz, Parkinson, ab 70 mit Frailty, erhebliche Beeinträchtigung).`,
          fix: { op: 'remove', service: i },
        });
      }
      const time = v.timeOf(i, requires);
      if (time !== undefined && pauschaleBandOf(s.date, time, v.region) === 'day') {
        v.emit({
          rule: 'NFD-01226-BAND',
          service: i,
          gop: s.gop,
          message: `${s.gop} am ${when(s.date, time)}: nur zwischen 19 und 7 Uhr sowie ganztägig an Wochenenden, Feiertagen, 24.12. und 31.12. berechnungsfähig.`,
          fix: { op: 'remove', service: i },
        });
      }
      if (v.has(SCHWEREGRAD_ZUSCHLAEGE.nr8.offHours)) {
        v.emit({
          rule: 'NFD-01224-01226',
          service: i,
          gop: s.gop,
          message: `${s.gop} am ${at} neben ${SCHWEREGRAD_ZUSCHLAEGE.nr8.offHours}: beide Zuschläge schließen sich aus; 01224 behalten, 01226 streichen.`,
          fix: { op: 'remove', service: i },
        });
      }
    }
  });

  // A missing Zuschlag is only suggested when none is entered: a wrong one is reported above.
  if ([...SEVERITY].some((g) => v.has(g))) return;
  for (const i of v.indicesIn(v.families.pauschalen)) {
    const base = v.services[i];
    if (base === undefined) continue;
    // Judge the Pauschale as NFD-TIME-BAND's fix leaves it, so the suggestion agrees with the fix.
    const gop = (base.time === undefined ? undefined : expectedTimedGop(v, base.gop, base.date, base.time)) ?? base.gop;
    const zuschlag = expectedZuschlag(v, i, gop);
    if (zuschlag === undefined) continue;
    const reason = NR8.has(zuschlag) ? 'gesicherte Diagnose der Nr. 8' : `Nr. 9: ${v.nr9Group(base.date) ?? ''}`;
    v.emit({
      rule: 'NFD-ZUSCHLAG-MISSING',
      service: i,
      gop: base.gop,
      message: `Zuschlag ${zuschlag} zu ${gop}${gop === base.gop ? '' : ` (statt ${base.gop})`} am ${when(base.date, base.time)} möglich (${reason}).`,
      fix: {
        op: 'add',
        gop: zuschlag,
        date: base.date,
        ...(base.time === undefined ? {} : { time: base.time }),
        mode: 'personal',
      },
    });
    break;
  }
}
