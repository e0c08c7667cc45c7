/** `version`: the release this node runs. */
import type { NodeView } from '../node-view.js';

export async function version(view: NodeView): Promise<{ releaseVersion: string }> {
  return { releaseVersion: view.releaseVersion };
}
