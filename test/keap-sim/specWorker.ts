import { runAsWorker } from 'synckit';
import { SpecValidator } from './openapiValidator';
import type { SpecCheck, SpecRequest } from './specValidator';

/** Worker thread for specValidator.ts: loads the spec once, then validates request after request. */

let validator: SpecValidator | undefined;

runAsWorker(async (specPath: string, request: SpecRequest): Promise<SpecCheck> => {
  validator ??= SpecValidator.load(specPath);
  return validator.validate(request);
});
