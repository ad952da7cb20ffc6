import { registerAudit } from './audit';
import { registerDashboard } from './dashboard';
import { registerDoctor } from './doctor';
import { registerCost } from './cost';
import { registerDown } from './down';
import { registerFail } from './fail';
import { registerInput } from './input';
import { registerLogs } from './logs';
import { registerMetrics } from './metrics';
import { registerOutput } from './output';
import { registerRestore } from './restore';
import { registerScale } from './scale';
import { registerSnapshot } from './snapshot';
import { registerStart } from './start';
import { registerStatus } from './status';
import { registerStop } from './stop';
import { registerUp } from './up';
import { registerView } from './view';
import { registerUpgrade } from './upgrade';
import { registerRollback, registerVersions } from './versions';
import type { RegisterCommand } from './register';

/** Every `playground` command, in the order `--help` lists them. */
export const commands: readonly RegisterCommand[] = [
  registerUp,
  registerDown,
  registerStatus,
  registerStop,
  registerStart,
  registerSnapshot,
  registerRestore,
  registerScale,
  registerUpgrade,
  registerVersions,
  registerRollback,
  registerFail,
  registerMetrics,
  registerAudit,
  registerOutput,
  registerInput,
  registerDashboard,
  registerView,
  registerLogs,
  registerCost,
  registerDoctor,
];
