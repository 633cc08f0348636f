// Staff accounts for the dashboards: `npm run staff -- create --name NAME --role dpo|trainer`.
// Uses the same store as the service (DATABASE_URL, else DATA_DIR); with the embedded store, stop
// the service first (one process at a time may open the data folder).
import { parseArgs } from 'node:util';
import { storeConfigFromEnv } from './config.ts';
import { databaseOf, openStore } from './lrs/store/open-store.ts';
import { createStaffUser, STAFF_ROLES, type StaffRole } from './platform/staff/accounts.ts';
import { generatePassword } from './platform/staff/passwords.ts';
import { openPlatformStore } from './platform/store/platform-store.ts';

const usage = `Usage:
  npm run staff -- create --name NAME --role dpo|trainer [--password-stdin]
  npm run staff -- list
  npm run staff -- disable --name NAME
Without --password-stdin a random password is generated and printed once.`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    role: { type: 'string' },
    'password-stdin': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const command = positionals[0];
if (command !== 'create' && command !== 'list' && command !== 'disable') {
  console.error(usage);
  process.exit(2);
}
if (
  command === 'create' &&
  (values.name === undefined || !STAFF_ROLES.includes(values.role as StaffRole))
) {
  console.error(usage);
  process.exit(2);
}
const store = await openStore(storeConfigFromEnv(process.env));
try {
  const { staff } = await openPlatformStore(databaseOf(store));
  if (command === 'create') {
    const generated = !values['password-stdin'];
    const password = generated ? generatePassword() : await readStdin();
    const user = await createStaffUser(
      staff,
      values.name ?? '',
      values.role as StaffRole,
      password,
    );
    if (values.json) console.log(JSON.stringify({ ...user, ...(generated ? { password } : {}) }));
    else {
      console.log(`Created ${user.role} account "${user.name}".`);
      if (generated) console.log(`Password (shown once): ${password}`);
    }
  } else if (command === 'list') {
    const users = await staff.listUsers();
    if (values.json) console.log(JSON.stringify(users));
    else
      for (const u of users) console.log(`${u.name}\t${u.role}${u.disabled ? '\tdisabled' : ''}`);
  } else {
    const done = await staff.disableUser(values.name ?? '');
    console.log(done ? `Disabled "${values.name ?? ''}".` : 'No such active account.');
    if (!done) process.exitCode = 1;
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await store.close();
}
