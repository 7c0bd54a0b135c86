// Preloaded with `node --import` to register import-hooks.js.
import { register } from 'node:module';

register('./import-hooks.js', import.meta.url);
