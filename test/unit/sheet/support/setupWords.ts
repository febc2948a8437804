import type { SheetSetupProblem } from '../../../../src/sheet/setupError';
import { sheetSetupWords } from '../../../../src/sync/statusText';

/**
 * `act`, with a SheetSetupError it throws turned into an Error of its words (chosen in
 * statusText.ts), so a test says what the person reads.
 */
export function worded<T>(act: () => T): () => T {
  return () => {
    try {
      return act();
    } catch (error) {
      const problem = (error as { problem?: SheetSetupProblem }).problem;
      if (problem) throw new Error(sheetSetupWords(problem), { cause: error });
      throw error;
    }
  };
}
