// Entry of module pages: records the learner's progress and shows the tracking status.
import { loadLearner } from './learner.ts';
import { showStatus } from './status-mount.ts';
import { startSync } from './sync.ts';
import { startTracker } from './tracker.ts';

const learner = loadLearner();
if (learner) startTracker(learner, startSync(learner));
showStatus();
