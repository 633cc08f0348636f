// Creates, lists and revokes LRS credentials: `npm run lrs:credentials -- <command>`.
import { parseArgs } from 'node:util';
import { newCredential, parseScopes, SCOPES } from './lrs/auth/credentials.ts';
import { describeStore, storeConfigFromEnv } from './config.ts';
import { openStore } from './lrs/store/open-store.ts';
import type { Json } from './lrs/xapi/types.ts';
import { isObject } from './lrs/xapi/validate.ts';

const USAGE = `Usage: npm run lrs:credentials -- <command>

  create --name NAME --scopes SCOPE[,SCOPE...] [--agent AGENT_JSON]
      Prints a new key and secret (the secret is shown once). With --agent the credential is a
      learner's: it may only send statements whose actor is that Agent and read its own data.
  list [--json]
      Lists credentials (never secrets).
  revoke KEY
      Revokes a credential at once.

Scopes: ${SCOPES.join(', ')}
The store is chosen like the service: DATABASE_URL, else DATA_DIR (default ./data).`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string' },
      agent: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help === true || command === undefined) {
    console.log(USAGE);
    return command === undefined && values.help !== true ? 1 : 0;
  }
  if (!['create', 'list', 'revoke'].includes(command)) {
    console.error(`unknown command "${command}"\n\n${USAGE}`);
    return 1;
  }
  let agent: Json | null = null;
  if (command === 'create') {
    if (values.name === undefined || values.scopes === undefined) {
      console.error('create needs --name and --scopes');
      return 1;
    }
    parseScopes(values.scopes);
    if (values.agent !== undefined) {
      agent = JSON.parse(values.agent) as Json;
      if (!isObject(agent)) throw new Error('--agent must be a JSON object');
    }
  }
  if (command === 'revoke' && rest[0] === undefined) {
    console.error('revoke needs the KEY to revoke');
    return 1;
  }
  const config = storeConfigFromEnv(process.env);
  const store = await openStore(config);
  try {
    if (command === 'create') {
      const { record, secret } = await newCredential({
        name: values.name ?? '',
        scopes: parseScopes(values.scopes ?? ''),
        agent: isObject(agent) ? agent : null,
      });
      await store.createCredential(record);
      if (values.json === true) {
        console.log(JSON.stringify({ key: record.key, secret, scopes: record.scopes }));
      } else {
        console.log(`Created credential "${record.name}" in the ${describeStore(config)}`);
        console.log(`  key:    ${record.key}`);
        console.log(`  secret: ${secret}`);
        console.log(`  scopes: ${record.scopes.join(', ')}`);
        if (record.agent !== null) console.log(`  agent:  ${JSON.stringify(record.agent)}`);
      }
    } else if (command === 'list') {
      const list = await store.listCredentials();
      if (values.json === true) {
        console.log(
          JSON.stringify(
            list.map((c) => ({ ...c, secretHash: undefined })),
            null,
            2,
          ),
        );
      } else {
        for (const c of list) {
          const status = c.revokedAt === null ? 'active' : `revoked ${c.revokedAt}`;
          const who = c.agent === null ? '' : ` agent=${JSON.stringify(c.agent)}`;
          console.log(`${c.key}  ${c.name}  [${c.scopes.join(',')}]  ${status}${who}`);
        }
        if (list.length === 0) console.log('no credentials');
      }
    } else {
      const key = rest[0] ?? '';
      if (!(await store.revokeCredential(key))) {
        console.error(`no active credential with key ${key}`);
        return 1;
      }
      console.log(`revoked ${key}`);
    }
  } finally {
    await store.close();
  }
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
