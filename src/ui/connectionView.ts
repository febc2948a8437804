/**
 * The connection as the sidebar is handed it: src/connection's state with the reconnect
 * problem put in words (src/sync/statusText.ts connectionProblemWords, the run's own).
 */
import type { ConnectionState, ConnectionStatus } from '../connection/status';
import { connectionProblemWords } from '../sync/statusText';

export function connectionView(state: ConnectionState): ConnectionStatus {
  if (state.state !== 'needs-reconnect') return state;
  const { problem, ...rest } = state;
  return { ...rest, reason: connectionProblemWords(problem) };
}
