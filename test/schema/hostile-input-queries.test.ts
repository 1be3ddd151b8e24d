import { describe, it } from 'vitest';
import { checkHostileVariables } from '../helpers/hostile-input.ts';

describe('hostile variables', () => {
  it('no root query answers INTERNAL, every error names the argument, and refused input never reaches Agora', () => checkHostileVariables('query'));
});
