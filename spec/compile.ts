// Build step: our OpenAPI YAML as JSON beside the compiled code, so the mock starts without parsing YAML.
import { compileSpec } from './index.js';

console.log(`spec compiled to ${compileSpec()}`);
