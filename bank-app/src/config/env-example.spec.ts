// bank-app/.env.example is the user's list of the app's variables: it must name every variable that
// EnvSchema declares, no other, each with the schema's default. `NAME=value` is a variable with that
// default; `# NAME=value` one without a fixed default (unset, or computed at start-up), with an example.
// A new variable in env.schema.ts without its line here fails this spec. Reads one file, needs nothing else.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EnvSchema, validateEnv } from './env.schema';

interface ExampleLine {
  value: string;
  commented: boolean;
}

function parseEnvExample(text: string): Map<string, ExampleLine> {
  const lines = new Map<string, ExampleLine>();
  for (const line of text.split('\n')) {
    const match = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match === null) continue;
    const [, comment, name, value] = match;
    if (lines.has(name)) throw new Error(`.env.example lists ${name} twice`);
    lines.set(name, { value, commented: comment !== undefined });
  }
  return lines;
}

/** Every variable of the schema. */
function variablesTheSchemaReads(): string[] {
  return Object.keys(EnvSchema.shape).sort();
}

/** A default as .env.example writes it: lists comma-separated, numbers and booleans as text. */
function asEnvText(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (value === undefined) return undefined;
  throw new Error(`a default of an unexpected type: ${JSON.stringify(value)}`);
}

describe('bank-app/.env.example', () => {
  const example = parseEnvExample(readFileSync(resolve(__dirname, '..', '..', '.env.example'), 'utf8'));
  const defaults = validateEnv({}) as unknown as Record<string, unknown>;

  it('lists exactly the variables the schema reads', () => {
    expect([...example.keys()].sort()).toEqual(variablesTheSchemaReads());
  });

  it.each(variablesTheSchemaReads())('gives %s its default, or comments it out when it has none', (name) => {
    const line = example.get(name);
    const fallback = asEnvText(defaults[name]);
    expect({ name, ...line }).toEqual(
      fallback === undefined
        ? { name, value: expect.any(String) as unknown, commented: true }
        : { name, value: fallback, commented: false },
    );
  });

  it('holds only values the schema accepts, commented-out examples included', () => {
    for (const [name, { value }] of example) {
      expect(() => validateEnv({ [name]: value })).not.toThrow();
    }
  });
});
