// Runs api-extractor for every published package. `check` fails when a package's public API differs from
// its committed report (packages/<pkg>/etc/<pkg>.api.md); `update` rewrites the reports for review.
// `api:update` builds from clean first: TypeScript prints some union members in type-creation order, which
// differs between an incremental and a clean build; CI checks after a clean build, so the reports must too.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv[2];
if (mode !== 'check' && mode !== 'update') {
  console.error('usage: node scripts/api-extractor.mjs check|update');
  process.exit(2);
}

const packages = [
  { dir: 'packages/core', name: 'core' },
  { dir: 'packages/billing', name: 'billing' },
  { dir: 'packages/video', name: 'video' },
  { dir: 'packages/adapters', name: 'adapters' },
  { dir: 'packages/cli', name: 'cli' },
  { dir: 'packages/harness', name: 'harness' },
];

let failed = 0;
for (const pkg of packages) {
  const folder = join(root, pkg.dir);
  const reportFolder = join(folder, 'etc');
  mkdirSync(reportFolder, { recursive: true });
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: folder,
      mainEntryPointFilePath: join(folder, 'dist/index.d.ts'),
      bundledPackages: [],
      compiler: { tsconfigFilePath: join(folder, 'tsconfig.json') },
      apiReport: {
        enabled: true,
        reportFolder,
        reportTempFolder: join(root, 'temp/api', pkg.name),
        reportFileName: `${pkg.name}.api.md`,
      },
      // The doc model feeds `npm run docs:api` (api-documenter → docs/api/).
      docModel: { enabled: true, apiJsonFilePath: join(root, 'temp/api-model', `${pkg.name}.api.json`) },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        extractorMessageReporting: {
          default: { logLevel: 'warning' },
          'ae-missing-release-tag': { logLevel: 'none' },
          'ae-forgotten-export': { logLevel: 'warning', addToApiReportFile: true },
          'ae-internal-missing-underscore': { logLevel: 'none' },
          'ae-undocumented': { logLevel: 'none' },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
    configObjectFullPath: join(folder, 'api-extractor.json'),
    packageJsonFullPath: join(folder, 'package.json'),
  });
  const reportPath = join(reportFolder, `${pkg.name}.api.md`);
  const hadReport = existsSync(reportPath);
  const result = Extractor.invoke(config, {
    localBuild: mode === 'update',
    showVerboseMessages: false,
    messageCallback: (message) => {
      // Forgotten exports are recorded in the report itself; keep the console for real problems.
      if (message.messageId === 'ae-forgotten-export') message.handled = true;
    },
  });
  if (mode === 'check' && (!hadReport || result.apiReportChanged || result.errorCount > 0)) {
    failed++;
    console.error(
      `api:check: ${pkg.dir}: ${!hadReport ? 'no committed API report' : result.apiReportChanged ? 'public API differs from etc/' + pkg.name + '.api.md (run npm run api:update and review the diff)' : `${result.errorCount} errors`}`,
    );
  } else {
    console.log(`api:${mode}: ${pkg.dir}: ${mode === 'update' && result.apiReportChanged ? 'report updated' : 'ok'}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
