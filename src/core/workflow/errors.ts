import { DomainError } from '../errors.ts';

/** A step the state machine does not have from the current state (409 `invalid_transition`). */
export function invalidTransition(
  what: { zh: string; en: string },
  status: string,
  action: string,
): DomainError {
  return new DomainError(
    'conflict',
    'invalid_transition',
    {
      zh: `${what.zh}当前状态（${status}）不能执行该操作（${action}）`,
      en: `Cannot ${action} ${what.en.toLowerCase()} that is ${status}`,
    },
    { status, action },
  );
}
