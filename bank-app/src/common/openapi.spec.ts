// The generated OpenAPI document, built without infrastructure (every controller, services mocked):
// it passes Redocly's recommended rules, a typed client generated from it type-checks, and the contract
// check that the e2e specs run on every response tells a conforming answer from one it does not describe.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import ts from 'typescript';
import { contractViolations, type RecordedResponse } from '../../test/support/contract';
import { CLIENT_DIR, writeTypedClient } from '../../test/support/openapi-client';
import { generateOpenApiDocument } from '../../test/support/openapi-document';

const BANK_APP = resolve(__dirname, '..', '..');

describe('the OpenAPI document', () => {
  let document: OpenAPIObject;

  beforeAll(async () => {
    document = await generateOpenApiDocument();
  });

  it('passes redocly lint with the recommended rules (security-defined off), without a warning', () => {
    const dir = join(BANK_APP, 'test-output');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));

    // Exits non-zero on an error; the JSON report also counts the warnings.
    const report = execFileSync(
      'npx',
      [
        '--no-install',
        'redocly',
        'lint',
        join(dir, 'openapi.json'),
        '--config',
        'redocly.yaml',
        '--format',
        'json',
      ],
      { cwd: BANK_APP, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );

    expect(JSON.parse(report)).toMatchObject({ totals: { errors: 0, warnings: 0 } });
  });

  it('describes every operation with a summary, a problem+json 4xx and its success body', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(
        item as Record<string, { summary?: string; responses: Record<string, { content?: object }> }>,
      ).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, ...operation })),
    );

    expect(operations).toHaveLength(12);
    for (const { route, summary, responses } of operations) {
      const statuses = Object.keys(responses);
      expect({ route, summary: Boolean(summary) }).toEqual({ route, summary: true });
      expect({ route, fourXX: statuses.some((status) => status.startsWith('4')) }).toEqual({
        route,
        fourXX: true,
      });
      const problems = statuses
        .filter((status) => Number(status) >= 400)
        .map((status) => responses[status].content);
      expect(
        problems.every((content) => content !== undefined && 'application/problem+json' in content),
      ).toBe(true);
      const success = statuses
        .filter((status) => status.startsWith('2'))
        .map((status) => responses[status].content);
      expect({ route, success: success.length > 0 && success.every(Boolean) }).toEqual({
        route,
        success: true,
      });
    }
  });

  it('has a license, a server, and no nullable without a type', () => {
    expect(document.info.license).toEqual({ name: 'MIT', url: expect.any(String) as unknown });
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) as unknown }]);
    const nullableWithoutType: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (typeof node !== 'object' || node === null) return;
      if ('nullable' in node && !('type' in node)) nullableWithoutType.push(at);
      for (const [key, child] of Object.entries(node)) walk(child, `${at}/${key}`);
    };
    walk(document, '#');
    expect(nullableWithoutType).toEqual([]);
  });

  it('gives a typed client (openapi-typescript, openapi-fetch) that type-checks a withdrawal and a statement read', () => {
    const client = writeTypedClient(document);
    const program = ts.createProgram([client], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      skipLibCheck: true,
      types: [],
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));

    expect({ dir: CLIENT_DIR, diagnostics }).toEqual({ dir: CLIENT_DIR, diagnostics: [] });
  });

  describe('the contract check of the e2e responses', () => {
    const receipt = {
      withdrawalId: '0b7e6c1a-2f3d-4e5a-9b8c-7d6e5f4a3b2c',
      debitCardId: '123456789',
      amount: '10.00',
      availableBalance: '9990.00',
      version: 1,
    };
    const withdrawal = (
      status: number,
      body: unknown,
      contentType = 'application/json',
    ): RecordedResponse => ({
      method: 'POST',
      route: '/moneywithdrawals',
      status,
      contentType: `${contentType}; charset=utf-8`,
      body: JSON.stringify(body),
    });
    const problem = {
      type: '/problems/validation-error',
      title: 'Invalid request',
      status: 400,
      detail: 'x',
    };

    it('passes the answers the document describes', () => {
      const { withdrawalId: id, debitCardId, amount, version } = receipt;
      const line = {
        id,
        debitCardId,
        amount,
        transactionDate: '2026-11-23T12:00:00.123Z',
        version,
        requestId: null,
      };
      const statement: RecordedResponse = { ...withdrawal(200, [line]), method: 'GET' };

      expect(contractViolations(document, withdrawal(202, receipt))).toEqual([]);
      expect(contractViolations(document, statement)).toEqual([]);
      const errors = [{ pointer: '#/amount', detail: 'must be at least 0.01' }];
      expect(
        contractViolations(document, withdrawal(400, { ...problem, errors }, 'application/problem+json')),
      ).toEqual([]);
    });

    it.each<[string, RecordedResponse]>([
      ['a field the receipt does not have', withdrawal(202, { ...receipt, usedLimit: '10.00' })],
      ['an amount as a number', withdrawal(202, { ...receipt, amount: 10 })],
      ['an amount with three fraction digits', withdrawal(202, { ...receipt, amount: '10.000' })],
      ['a missing version', withdrawal(202, { ...receipt, version: undefined })],
      ['an undocumented status', withdrawal(500, problem, 'application/problem+json')],
      ['a problem sent as plain JSON', withdrawal(400, problem)],
      [
        'a problem without its title',
        withdrawal(400, { ...problem, title: undefined }, 'application/problem+json'),
      ],
      ['a route the document does not have', { ...withdrawal(200, {}), route: '/nowhere' }],
    ])('fails %s', (_label, response) => {
      expect(contractViolations(document, response)).not.toEqual([]);
    });
  });
});
