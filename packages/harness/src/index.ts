/**
 * \@pvskit/harness: partner conformance runner. Runs scenario files (a hook context plus the expected
 * services and findings) against the in-process SDK or any CDS Hooks endpoint, and reports as text and
 * JUnit XML.
 *
 * @packageDocumentation
 */
export {
  scenarioSchema,
  expectedServiceSchema,
  expectedFindingSchema,
  defaultScenariosDir,
  loadScenarios,
  parseScenarios,
  type Scenario,
  type ScenarioInput,
} from './scenario.js';
export { applyFixes, fixesOf, type WireService } from './fixes.js';
export {
  inProcessTarget,
  endpointTarget,
  type HarnessTarget,
  type InProcessTargetOptions,
  type EndpointTargetOptions,
} from './targets.js';
export {
  runHarness,
  runScenario,
  findingsOfCards,
  compareFindings,
  compareServices,
  type ObservedFinding,
  type ScenarioResult,
  type HarnessReport,
  type RunHarnessOptions,
} from './run.js';
export { formatReport, junitXml } from './report.js';
