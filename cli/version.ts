// The tool's version, from package.json (bundled at build time).

import packageJson from '../package.json';

export const version: string = packageJson.version;
