/**
 * KVDT (KBV billing file) adapter: ISO-8859-15 codec, writer, streaming reader, validator, CLI functions
 * and the `billing-export` plugin.
 */
export {
  decodeIso885915,
  ISO_8859_15_DIFFERENCES,
  ISO_8859_15_TABLE,
  iso885915ByteOf,
  firstUnencodable,
} from './iso-8859-15.js';
export { encodeIso885915 } from './encode.js';
export { DEFAULT_TRANSLITERATION, TRANSLITERATION_SOURCE, type TransliterationTable } from './transliteration.js';
export type { TransliterateOption, FieldOrigin } from './text.js';
export type { KvdtDocument, KvdtEvent, KvdtField, KvdtParseError, KvdtParseErrorCode, KvdtRecord } from './model.js';
export { KvdtLineParser, parseKvdt, parseKvdtBytes, readKvdt, type KvdtSource } from './reader.js';
export { serializeKvdtRecords } from './serialize.js';
export { kvdtCaseView, type KvdtCaseView, type KvdtDiagnosisView, type KvdtServiceView } from './case-view.js';
export { KVDT_FIELDS, type KvdtFieldDefinition, type KvdtFieldFormat } from './field-table.js';
export {
  CASE_REQUIREMENTS,
  SOFTWARE_REQUIREMENTS,
  TIMED_GOPS,
  NOT_BILLED_INSURANCE_TYPES,
  needsTime,
  type ExportRequirement,
} from './export-rules.js';
export { defaultRecordVersion, TI_APPLICATIONS, type ExportProblem, type KvdtExportItem } from './export-case.js';
export {
  kvdtFileName,
  writeKvdtBytes,
  writeKvdtFile,
  writeKvdtTo,
  writeKvdtToStream,
  type KvdtFileResult,
  type KvdtItemSource,
  type KvdtWriteOptions,
  type KvdtWriteStats,
} from './writer.js';
export { KVDT_RULES, KVDT_PACKAGES, KVDT_MANDATORY_FIELDS, KVDT_FORBIDDEN_FIELDS, type KvdtRule } from './rules.js';
export { KvdtValidator, validateKvdt, validateKvdtEvents } from './validator.js';
export { checkKvdtFile, exportKvdt, readKvdtFile, type ExportKvdtOptions, type KvdtFieldView, type KvdtFileView } from './cli.js';
export { kvdtExportPlugin, type KvdtExportData, type KvdtExportPluginOptions } from './plugin.js';
export { billingExportContextSchema, billingExportHook } from './hooks.js';
