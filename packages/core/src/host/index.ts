/*
 * Public surface of the plugin host. The tsyringe-built classes behind it stay private: hosts and plugins
 * see plain types and the `createPvsKit` factory (../kit.ts).
 */
export {
  defineHook,
  hookDefinition,
  hookDefinitions,
  hookNames,
  isHookName,
  patientViewContextSchema,
  patientViewHook,
  type HookDefinition,
  type HookRegistry,
  type HookName,
  type HookContext,
  type HookContextInput,
  type HookData,
  type HookDataRegistry,
} from './hooks.js';
export {
  checkPlugin,
  hooksOf,
  pluginIdPattern,
  type HookCallInfo,
  type HookHandler,
  type HookHandlerResult,
  type PluginHooks,
  type PvsKitPlugin,
} from './plugin.js';
export { pluginFailureRuleIds } from './error-cards.js';
export { readHandlerResult } from './invoker.js';
export { MAX_TIMEOUT_MS } from './runner.js';
export {
  serviceIdOf,
  feedbackInputSchema,
  type CallHookOptions,
  type FeedbackInput,
  type FeedbackRecord,
  type HookResult,
  type PluginCallResult,
  type PluginCallStatus,
  type PluginDisabledEvent,
  type PluginErrorEvent,
  type PluginFailureStatus,
  type PluginStatus,
  type PvsKitEventName,
  type PvsKitEvents,
  type PvsKitListener,
  type ServiceDescriptor,
} from './types.js';
