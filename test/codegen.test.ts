import fs from 'node:fs';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';
import config from '../codegen';

describe('generated code', () => {
  it('matches the schema: `npm run codegen` would change nothing', async () => {
    const outputs = await generate({ ...config, cwd: path.resolve(__dirname, '..'), silent: true }, false);
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      const committed = fs.readFileSync(path.resolve(__dirname, '..', output.filename), 'utf8');
      expect(committed).toBe(output.content);
    }
  });
});
