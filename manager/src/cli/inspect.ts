/** `wm inspect`: placeholder until the inspector client lands. */
export async function inspectCommand(_argv: string[]): Promise<number> {
  process.stderr.write('wm inspect is not built yet.\n');
  return 1;
}
