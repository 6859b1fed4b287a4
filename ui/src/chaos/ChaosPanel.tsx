/** The Chaos tab: the chaos dial for the farm and the scenario runner for the AAM. */
import { getFarmStatus } from '../api/farm';
import { ErrorNote } from '../api/ErrorNote';
import { usePoll } from '../api/usePoll';
import '../api/pages.css';
import { ChaosDial } from './ChaosDial';
import { ScenarioRunner } from './ScenarioRunner';
import './chaos.css';

/** Run a scenario (first: the main action stays above the fold at 1280×720), and set chaos (services, level, duration). */
export function ChaosPanel() {
  const farm = usePoll(getFarmStatus, 2000, 'farm-status');
  return (
    <div className="chaos-page pages-page" data-testid="chaos-panel">
      <ScenarioRunner />
      <div>
        <ErrorNote error={farm.error} />
        <ChaosDial farm={farm.data} onApplied={farm.refresh} />
      </div>
    </div>
  );
}
