/**
 * Name, help line and usage of every verb, in help order. Kept apart from the verbs' code so `pvskit --help`
 * and an unknown verb load none of it: a PVS that shells out per case pays the start of the process.
 */
export const VERBS = {
  check: {
    summary: 'check cases or duty bundles against the Notfalldienst rules: {"findings":[…]}',
    usage: 'pvskit check <file|->\npvskit check --ndjson  (one case or bundle per line on stdin, one {"findings":[…]} per line out)',
  },
  complete: {
    summary: 'derive fee codes from the contacts, add pseudo cases: {"case":…} or {"cases":[…]} with findings',
    usage: 'pvskit complete <file|->',
  },
  kvdt: {
    summary: 'write, read and check KVDT billing files (ISO-8859-15)',
    usage: [
      'pvskit kvdt export <file…> --out <dir|file.con> [--quarter QJJJJ] [--transliterate]',
      'pvskit kvdt read <file.con>',
      'pvskit kvdt check <file.con>',
    ].join('\n       '),
  },
  schema: {
    summary: 'print the JSON Schema of a payload',
    // The names of core's `publishedSchemaNames` (a test keeps them equal).
    usage: 'pvskit schema <case|bundle|completed|finding|card|feedback>',
  },
  serve: {
    summary: 'CDS Hooks service (billing, KVDT export) and, with a video store, the signaling server',
    usage:
      'pvskit serve [--port N] [--host H] [--export-dir DIR] [--video-store FILE | --postgres URL] [--redis URL]  (env PVSKIT_CDS_TOKEN, PVSKIT_VIDEO_POSTGRES, PVSKIT_REDIS_URL; with a video store PVSKIT_VIDEO_SERVER_SECRET, PVSKIT_SIGNALING_SECRET)',
  },
  harness: {
    summary: 'run partner scenarios against the SDK or a CDS Hooks endpoint (report + JUnit XML)',
    usage: 'pvskit harness [dir] [--endpoint URL] [--service ID] [--token T] [--junit FILE] [--quiet]',
  },
} as const;

export type VerbName = keyof typeof VERBS;
