// The package's types (src/index.d.ts, src/forward.d.ts, src/pipeline.d.ts) type-check a
// small TypeScript host (js/test-support/types-usage.ts) with the installed tsc, strict,
// so they cannot rot. The usage file's `@ts-expect-error` lines also prove the types reject misuse (an
// unused `@ts-expect-error` is itself an error, so `any`-typed exports would fail here).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const JS_DIR = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(JS_DIR, 'node_modules/typescript/bin/tsc');
const USAGE = join(JS_DIR, 'test-support/types-usage.ts');

it('index.d.ts, forward.d.ts and pipeline.d.ts type-check a strict TypeScript host', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'secmap-types-'));
  try {
    const tsconfig = {
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2022', 'dom'],
        types: [],
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: false,
      },
      files: [USAGE],
    };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    try {
      await run(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], { cwd: JS_DIR });
    } catch (e) {
      assert.fail(`tsc reported errors:\n${e.stdout}${e.stderr}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
