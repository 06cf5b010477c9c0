import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

// Each case is a file that breaks (or keeps) one boundary, linted as if it stood at `file` in the
// tree. ESLint loads its flat config with a dynamic import, which jest's module system refuses, so
// one plain Node process lints every case and prints the messages.
const root = path.join(__dirname, '../..');
const lintCases = `
  import { ESLint } from 'eslint';
  import { readFileSync } from 'node:fs';
  const cases = JSON.parse(readFileSync(0, 'utf8'));
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const { file, source } of cases) {
    const [result] = await eslint.lintText(source, { filePath: file });
    out.push(result.messages
      .filter((m) => m.ruleId === 'boundaries/dependencies' || m.ruleId === 'no-restricted-imports')
      .map((m) => m.message));
  }
  console.log(JSON.stringify(out));
`;

function lintAll(cases: { file: string; source: string }[]): string[][] {
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', lintCases], {
    cwd: root,
    input: JSON.stringify(cases.map((c) => ({ ...c, file: path.join(root, c.file) }))),
    encoding: 'utf8',
  });
  return JSON.parse(output) as string[][];
}

const violations: [string, string, string, RegExp][] = [
  [
    'a domain importing its own adapters',
    'lambdas/crm/domain/violation.ts',
    "import { ActivityRepository } from '../adapters/activity-repository';\nexport const x = ActivityRepository;\n",
    /domain imports no I\/O/,
  ],
  [
    'a domain importing the AWS SDK',
    'lambdas/campaigns/domain/violation.ts',
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const x = DynamoDBClient;\n",
    /no I\/O/,
  ],
  [
    "a domain reaching into another capability's domain",
    'lambdas/campaigns/domain/violation.ts',
    "import { crmTableKeys } from '../../crm/domain/crm-keys';\nexport const x = crmTableKeys;\n",
    /through its index\.ts only/,
  ],
  [
    "a handler reaching into another capability's adapters",
    'lambdas/history-import/violation.ts',
    "import { EventRepository } from '../events/adapters/event-repository';\nexport const x = EventRepository;\n",
    /through its index\.ts only/,
  ],
  [
    'Lambda code importing lib/',
    'lambdas/ingest/violation.ts',
    "import { BridgeStack } from '../../lib/bridge-stack';\nexport const x = BridgeStack;\n",
    /never imports lib\//,
  ],
  [
    'Lambda code importing the local replica',
    'lambdas/events/process/violation.ts',
    "import { startDynamoDbLocal } from '../../../local/dynamodb-local';\nexport const x = startDynamoDbLocal;\n",
    /never imports lib\/, cli\/, local\//,
  ],
  [
    'lib/ importing runtime code past the index',
    'lib/violation.ts',
    "import { eventFamilies } from '../lambdas/events/domain/event-types';\nexport const x = eventFamilies;\n",
    /through a capability's index\.ts/,
  ],
  [
    'a capability importing its own index',
    'lambdas/events/adapters/violation.ts',
    "import { eventFamilies } from '..';\nexport const x = eventFamilies;\n",
    /never its index\.ts/,
  ],
  [
    'shared code importing a capability',
    'lambdas/shared/violation.ts',
    "import { eventFamilies } from '../events';\nexport const x = eventFamilies;\n",
    /imports no capability/,
  ],
];

const allowed: [string, string, string][] = [
  [
    "a domain using another capability's public surface",
    'lambdas/campaigns/domain/allowed.ts',
    "import { eventFamilies } from '../../events';\nexport const x = eventFamilies;\n",
  ],
  [
    'lib/ using a capability index and shared names',
    'lib/allowed.ts',
    "import { eventFamilies } from '../lambdas/events';\nimport { stackOutputNames } from '../lambdas/shared/stack-outputs';\nexport const x = [eventFamilies, stackOutputNames];\n",
  ],
  [
    'the local replica wiring internals',
    'local/allowed.ts',
    "import { EventRepository } from '../lambdas/events/adapters/event-repository';\nexport const x = EventRepository;\n",
  ],
];

describe('capability boundaries (eslint)', () => {
  let messages: string[][];
  beforeAll(() => {
    messages = lintAll([...violations, ...allowed].map(([, file, source]) => ({ file, source })));
  }, 60_000);

  it.each(violations.map((c, i) => [...c, i] as const))(
    'fires on %s',
    (_case, _file, _source, expected, i) => {
      expect(messages[i]).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
    },
  );

  it.each(allowed.map((c, i) => [...c, violations.length + i] as const))(
    'allows %s',
    (_case, _file, _source, i) => {
      expect(messages[i]).toEqual([]);
    },
  );
});
