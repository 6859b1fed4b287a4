/** The Chaos tab: the chaos dial for the farm and the scenario runner for the AAM. */
import { getFarmStatus } from '../api/farm';
import { ErrorNote } from '../api/ErrorNote';
import { usePoll } from '../api/usePoll';
import '../api/pages.css';
import { ChaosDial } from './ChaosDial';
import { ScenarioRunner } from './ScenarioRunner';
import './chaos.css';

/** Set chaos (services, level, duration) and run a scenario. */
export function ChaosPanel() {
  const farm = usePoll(getFarmStatus, 2000, 'farm-status');
  return (
    <div className="chaos-page pages-page" data-testid="chaos-panel">
      <div>
        <ErrorNote error={farm.error} />
        <ChaosDial farm={farm.data} onApplied={farm.refresh} />
      </div>
      <ScenarioRunner />
    </div>
  );
}
