// What the user types for scale and custom commands, checked and parsed without VS Code.

export const MAX_REPLICAS = 256;

/** An error message for the scale input box, or undefined when `text` is a valid worker count. */
export function validateReplicas(text: string): string | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return 'Enter a whole number of server workers, e.g. 4';
  const n = Number(t);
  if (n < 1) return 'At least 1 server worker';
  if (n > MAX_REPLICAS) return `At most ${MAX_REPLICAS} server workers`;
  return undefined;
}

/**
 * Custom-command arguments in the words of Sanic's CLI (`sanic inspect <cmd> a b --k=v --flag
 * --no-flag`): bare words are positional, `--k=v` a keyword, `--flag` true, `--no-flag` false.
 * Quotes group words with spaces. Values stay strings, as Sanic's CLI sends them.
 */
export function parseCommandArguments(text: string): { args: string[]; kwargs: Record<string, string | boolean> } {
  const args: string[] = [];
  const kwargs: Record<string, string | boolean> = {};
  for (const word of splitWords(text)) {
    const kw = /^--([A-Za-z_][\w-]*)(?:=(.*))?$/s.exec(word);
    if (!kw) {
      args.push(word);
      continue;
    }
    const key = kw[1].replace(/-/g, '_');
    if (kw[2] !== undefined) kwargs[key] = kw[2];
    else if (key.startsWith('no_')) kwargs[key.slice(3)] = false;
    else kwargs[key] = true;
  }
  return { args, kwargs };
}

function splitWords(text: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']+)/g;
  let m: RegExpExecArray | null;
  let current = '';
  let lastEnd = -1;
  while ((m = re.exec(text))) {
    const piece = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2] !== undefined ? m[2] : m[3];
    // Adjacent pieces (--name="a b") form one word.
    if (m.index === lastEnd) current += piece;
    else {
      if (lastEnd !== -1) words.push(current);
      current = piece;
    }
    lastEnd = m.index + m[0].length;
  }
  if (lastEnd !== -1) words.push(current);
  return words;
}

/** `host:port`, `[v6]:port`: the host as the client takes it (brackets off), or undefined. */
export function parseAddress(text: string): { host: string; port: number } | undefined {
  const m = /^\s*(?:\[([^\]\s]+)\]|([^\s:[\]]+)):(\d{1,5})\s*$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[3]);
  return port >= 1 && port <= 65535 ? { host: m[1] ?? m[2], port } : undefined;
}
