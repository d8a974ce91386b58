// I-JSON (RFC 7493) forbids repeated member names; JSON.parse silently keeps the last, so
// {"amount":"0.10","amount":"5"} would withdraw 5.00. No maintained npm parser refuses them with a
// location, so this scan of already-parsed text finds them: strings, and the structure around them.
const TOKEN = /"(?:[^"\\]|\\.)*"\s*:?|[{}[\],]/g;

interface Frame {
  names?: Set<string>; // an object's member names so far (an array has none)
  at: string | number; // the member name or array index being read
}

/** The JSON pointer ("#/a/0/b") of the first member name repeated in its object, or undefined. */
export function duplicateMember(json: string): string | undefined {
  const frames: Frame[] = [];
  for (const [token] of json.matchAll(TOKEN)) {
    const top = frames[frames.length - 1];
    if (token === '{') frames.push({ names: new Set(), at: '' });
    else if (token === '[') frames.push({ at: 0 });
    else if (token === '}' || token === ']') frames.pop();
    else if (token === ',') top.at = top.names ? top.at : (top.at as number) + 1;
    else if (token.endsWith(':') && top?.names) {
      top.at = JSON.parse(token.slice(0, -1)) as string;
      if (top.names.has(top.at)) {
        return ['#', ...frames.map(({ at }) => String(at).replace(/~/g, '~0').replace(/\//g, '~1'))].join(
          '/',
        );
      }
      top.names.add(top.at);
    }
  }
  return undefined;
}
