// One plain-script bundle for Apps Script: src/index.ts's exports become top-level
// functions of dist/Code.js, with no module syntax left (Apps Script has no modules).
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import typescript from '@rollup/plugin-typescript';

function appsScriptGlobals() {
  return {
    name: 'apps-script-globals',
    renderChunk(code) {
      const exportBlock = /\nexport \{([^}]*)\};\s*$/;
      const match = exportBlock.exec(code);
      if (!match) throw new Error('Expected src/index.ts to export the entry points.');
      const renamed = match[1].split(',').filter((name) => name.includes(' as '));
      if (renamed.length > 0) {
        throw new Error(`Entry points renamed by rollup (name clash): ${renamed.join(', ')}`);
      }
      const stripped = code.replace(exportBlock, '\n');
      if (/^\s*(export|import)\s/m.test(stripped)) {
        throw new Error('Module syntax left in the Apps Script bundle.');
      }
      return { code: stripped, map: null };
    },
  };
}

function copyStaticFiles() {
  return {
    name: 'copy-static-files',
    writeBundle() {
      mkdirSync('dist', { recursive: true });
      copyFileSync('appsscript.json', 'dist/appsscript.json');
      for (const file of readdirSync('src/ui')) {
        if (file.endsWith('.html')) copyFileSync(join('src/ui', file), join('dist', file));
      }
    },
  };
}

export default {
  input: 'src/index.ts',
  output: { file: 'dist/Code.js', format: 'es' },
  treeshake: { moduleSideEffects: false },
  plugins: [
    typescript({ tsconfig: './tsconfig.json', noEmit: false, outDir: 'dist', rootDir: 'src' }),
    appsScriptGlobals(),
    copyStaticFiles(),
  ],
};
