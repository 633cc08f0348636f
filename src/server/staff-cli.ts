// Staff accounts for the dashboards: `npm run staff -- create --name NAME --role admin|dpo|trainer` (the
// commands are in operator/commands.ts). Uses the same store as the service (DATABASE_URL, else
// DATA_DIR), and works while the service runs.
import { runTool } from './operator-cli.ts';

await runTool('staff');
