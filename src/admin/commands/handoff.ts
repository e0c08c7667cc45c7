/** `statushandoff`, `enablehandoff`, `disablehandoff`: whether this node stores hints for replicas that miss writes. */
import { InvalidRequestError } from '../../util/errors.js';
import type { HintsView, NodeView } from '../node-view.js';

export interface HandoffAnswer {
  running: boolean;
}

export function hintsOf(view: NodeView, command: string): HintsView {
  if (!view.hints) throw new InvalidRequestError(`${command}: this node keeps no hints`);
  return view.hints;
}

export async function statushandoff(view: NodeView): Promise<HandoffAnswer> {
  return { running: hintsOf(view, 'statushandoff').isEnabled() };
}

export async function enablehandoff(view: NodeView): Promise<HandoffAnswer> {
  const hints = hintsOf(view, 'enablehandoff');
  hints.setEnabled(true);
  return { running: hints.isEnabled() };
}

export async function disablehandoff(view: NodeView): Promise<HandoffAnswer> {
  const hints = hintsOf(view, 'disablehandoff');
  hints.setEnabled(false);
  return { running: hints.isEnabled() };
}
