// Renders the committed configuration templates (connect/local, druid/local, stack/config) into
// .stack/conf, filling ${NAME} placeholders with the stack's home and ports.
import fs from 'node:fs';
import path from 'node:path';
import { paths, ports, repoRoot, stackHome } from './settings';

function placeholderValues(): Record<string, string> {
  const values: Record<string, string> = { STACK_HOME: stackHome };
  for (const setting of Object.values(ports)) values[setting.variable] = String(setting.port);
  return values;
}

export function renderTemplate(text: string, source: string): string {
  const values = placeholderValues();
  return text.replace(/\$\{([A-Z_]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${source}: unknown placeholder \${${name}}`);
    return value;
  });
}

/** Renders one template file (or every file of a folder) to .stack/conf/<target>; returns the output path. */
export function renderConfig(sourceRelative: string, target: string): string {
  const source = path.join(repoRoot, sourceRelative);
  const output = path.join(paths.conf, target);
  const stat = fs.statSync(source);
  if (stat.isDirectory()) {
    fs.mkdirSync(output, { recursive: true });
    for (const entry of fs.readdirSync(source)) {
      renderConfig(path.join(sourceRelative, entry), path.join(target, entry));
    }
    return output;
  }
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, renderTemplate(fs.readFileSync(source, 'utf8'), sourceRelative));
  return output;
}
