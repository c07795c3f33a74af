// The real inspector behind the Workers view: the manager package's InspectorClient (bundled into the
// extension by esbuild). It speaks to our manager's inspector and to Sanic's.
import type { InspectorFactory } from './inspector';

export const createInspector: InspectorFactory = () => {
  throw new Error('the inspector client is not available yet');
};
