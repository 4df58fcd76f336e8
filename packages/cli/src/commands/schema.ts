import { jsonSchemaOf, publishedSchemaNames, type PublishedSchemaName } from '@pvskit/core';
import { CliInputError } from '../errors.js';
import { EXIT_OK, writeJson, type CliCommand } from '../io.js';
import { parseArgs } from '../input.js';
import { VERBS } from './verbs.js';

export const schemaCommand: CliCommand = {
  name: 'schema',
  ...VERBS.schema,
  run(args, io) {
    const { positional } = parseArgs(args, {});
    const name = positional[0];
    if (positional.length !== 1 || name === undefined) {
      throw new CliInputError(undefined, `expected one schema name (${publishedSchemaNames.join(', ')})`);
    }
    if (!(publishedSchemaNames as readonly string[]).includes(name)) {
      throw new CliInputError(undefined, `unknown schema "${name}" (known: ${publishedSchemaNames.join(', ')})`);
    }
    writeJson(io, jsonSchemaOf(name as PublishedSchemaName));
    return Promise.resolve(EXIT_OK);
  },
};
