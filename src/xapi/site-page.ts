// Entry of every page: a signed-in learner's outbox keeps syncing wherever they are on the site.
// The status and sender load on demand, so a visitor who never enrolled downloads nothing more.
import { loadLearner } from './learner.ts';

if (loadLearner())
  void import('./status-mount.ts').then((status) => {
    status.showStatus();
  });
