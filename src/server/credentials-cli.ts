// Creates, lists and revokes LRS credentials: `npm run lrs:credentials -- <command>` (the commands
// are in operator/commands.ts; `-- --help` lists them). Works while the service runs.
import { runTool } from './operator-cli.ts';

await runTool('credentials');
