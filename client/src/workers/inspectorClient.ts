// The real inspector behind the Workers view: the manager package's InspectorClient (its compiled module, which
// tsc writes before esbuild bundles the extension; the package's main is the manager's runtime, not needed here).
// It speaks to our manager's inspector and to Sanic's, and its watch() uses the change stream when the inspector
// advertises one, polling otherwise.
import { InspectorClient } from 'worker-manager/dist/inspector/client';
import type { Inspector, InspectorFactory, InspectorState } from './inspector';

/** Per request: long enough for a slow remote inspector, short enough that "unreachable" shows soon. */
const TIMEOUT_MS = 5000;

export const createInspector: InspectorFactory = (endpoint): Inspector => {
  const client = new InspectorClient({
    host: endpoint.host,
    port: endpoint.port,
    apiKey: endpoint.apiKey,
    tls: endpoint.tls,
    ca: endpoint.ca,
    rejectUnauthorized: endpoint.rejectUnauthorized,
    timeoutMs: TIMEOUT_MS,
  });
  // The client types the main process's record apart ({pid} only); the view reads every record alike.
  const asState = (s: unknown) => s as InspectorState;
  return {
    info: async () => asState(await client.info()),
    reload: (opts) => client.reload(opts),
    restart: (names, opts) => client.restart(names, opts),
    scale: (replicas) => client.scale(replicas),
    shutdown: () => client.shutdown(),
    command: (name, args, kwargs) => client.command(name, args, kwargs),
    watch: (onState, opts) => client.watch((s) => onState(asState(s)), opts),
    close: () => client.close(),
  };
};
