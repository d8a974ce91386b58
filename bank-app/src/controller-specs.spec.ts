// Every controller has a spec beside it: the unit tier's controller specs pin its routes, status codes
// and validation wiring with its services replaced (test/support/controller-app.ts).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

it('has a *.controller.spec.ts beside every *.controller.ts', () => {
  const controllers = readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.controller.ts'))
    .sort();
  const missing = controllers.filter(
    (file) => !existsSync(path.join(__dirname, file.replace(/\.ts$/, '.spec.ts'))),
  );

  expect(controllers.length).toBeGreaterThanOrEqual(8); // the walk found them
  expect(missing).toEqual([]);
});
