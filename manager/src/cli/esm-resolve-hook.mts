/** Loader hook of the bundled CLI (see bundled-package.ts): `import 'worker-manager'` falls back to the shipped copy. */
interface ResolveContext {
  [key: string]: unknown;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<{ url: string; shortCircuit?: boolean }> {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (specifier === 'worker-manager' && (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      return { url: new URL('./worker-manager.js', import.meta.url).href, shortCircuit: true };
    }
    throw error;
  }
}
