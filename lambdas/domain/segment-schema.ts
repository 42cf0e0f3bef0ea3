/**
 * Validation of a campaign's segment (the language is described in segments.ts): every refusal names
 * the exact field and says what was expected.
 */
import * as z from './zod';
import { isE164 } from './phone';
import type { PropertyValue } from './profile';
import {
  CONDITION_KINDS,
  PROPERTY_OPERATORS,
  SEGMENT_LIMITS,
  type ConditionKind,
  type PropertyOperator,
  type Segment,
} from './segments';

type Path = (string | number)[];
type Issue = { path: Path; message: string } | { path: Path; unknownKeys: string[] };

const PROPERTY_NAME = /^[A-Za-z$][\w.-]{0,127}$/;
const KIND_LIST = CONDITION_KINDS.join(', ');
const OPERATOR_LIST = PROPERTY_OPERATORS.join(', ');

/**
 * Checks a segment by hand rather than with a zod union, so each refusal names the exact field and says
 * what was expected (a union only says "invalid input"). Issues come in document order.
 */
class SegmentChecker {
  readonly issues: Issue[] = [];
  private conditions = 0;
  private phones = 0;

  segment(value: unknown): void {
    if (!isPlainObject(value)) {
      this.fail([], 'must be an object such as { "all": true } or a condition');
      return;
    }
    const { exclude, ...base } = value;
    const kinds = Object.keys(base);
    if (kinds.length === 0) {
      this.fail([], 'needs "all": true or a condition (exclude alone selects nobody)');
    } else if (base.all === true) {
      const extra = kinds.filter((key) => key !== 'all');
      if (extra.length > 0)
        this.fail([extra[0] as string], `"all": true stands alone, without ${extra.join(', ')}`);
    } else {
      this.condition(base, [], 1);
    }
    if ('exclude' in value) this.list(exclude, ['exclude'], 0);
    if (this.conditions > SEGMENT_LIMITS.maxConditions)
      this.fail([], `has ${this.conditions} conditions; at most ${SEGMENT_LIMITS.maxConditions} are allowed`);
    if (this.phones > SEGMENT_LIMITS.maxPhones)
      this.fail([], `lists ${this.phones} phone numbers; at most ${SEGMENT_LIMITS.maxPhones} are allowed`);
  }

  private condition(value: unknown, path: Path, depth: number): void {
    if (!isPlainObject(value)) {
      this.fail(path, `must be a condition object with one of ${KIND_LIST}`);
      return;
    }
    if (depth > SEGMENT_LIMITS.maxDepth) {
      this.fail(path, `is nested too deep: conditions go at most ${SEGMENT_LIMITS.maxDepth} levels deep`);
      return;
    }
    this.conditions++;
    if (this.conditions > SEGMENT_LIMITS.maxConditions) return; // reported once, by segment()
    const keys = Object.keys(value);
    const kinds = keys.filter((key): key is ConditionKind =>
      (CONDITION_KINDS as readonly string[]).includes(key),
    );
    if (kinds.length === 0) {
      if (keys.includes('exclude'))
        this.fail([...path, 'exclude'], 'is only allowed at the top level of a segment');
      else if (keys.length === 0) this.fail(path, `is empty: a condition has one of ${KIND_LIST}`);
      else this.fail([...path, keys[0] as string], `is not a condition: use one of ${KIND_LIST}`);
      return;
    }
    if (kinds.length > 1) {
      this.fail(
        [...path, kinds[1] as string],
        `a condition has exactly one kind; found ${kinds.join(' and ')}: combine them with "all" or "any"`,
      );
      return;
    }
    const kind = kinds[0] as ConditionKind;
    if (kind === 'property') {
      this.property(value, path);
      return;
    }
    const extra = keys.filter((key) => key !== kind);
    if (extra.length > 0) {
      if (extra.includes('exclude'))
        this.fail([...path, 'exclude'], 'is only allowed at the top level of a segment');
      else this.unknown(path, extra);
      return;
    }
    const at = [...path, kind];
    const body = value[kind];
    switch (kind) {
      case 'all':
      case 'any':
        if (body === true && kind === 'all')
          this.fail(at, 'true is only allowed at the top level of a segment');
        else this.list(body, at, depth);
        return;
      case 'not':
        this.condition(body, at, depth + 1);
        return;
      case 'engagedWithinDays':
      case 'highIntentWithinDays':
        if (!isInteger(body, 1, SEGMENT_LIMITS.maxDays))
          this.fail(at, `must be a whole number of days from 1 to ${SEGMENT_LIMITS.maxDays}`);
        return;
      case 'vip':
        this.vip(body, at);
        return;
      case 'phones':
        this.phoneList(body, at);
        return;
    }
  }

  /** A non-empty list of conditions one level below `depth`. */
  private list(value: unknown, path: Path, depth: number): void {
    if (!Array.isArray(value)) {
      this.fail(path, 'must be a list of conditions');
      return;
    }
    if (value.length === 0) {
      this.fail(path, 'must list at least one condition');
      return;
    }
    value.forEach((item, index) => this.condition(item, [...path, index], depth + 1));
  }

  private vip(value: unknown, path: Path): void {
    if (!isPlainObject(value)) {
      this.fail(path, 'must be an object with minOrders and/or minTotalSpent');
      return;
    }
    const extra = Object.keys(value).filter((key) => key !== 'minOrders' && key !== 'minTotalSpent');
    if (extra.length > 0) {
      this.unknown(path, extra);
      return;
    }
    if (value.minOrders === undefined && value.minTotalSpent === undefined)
      this.fail(path, 'needs minOrders, minTotalSpent or both (either threshold makes a VIP)');
    if (value.minOrders !== undefined && !isInteger(value.minOrders, 1, 1_000_000))
      this.fail([...path, 'minOrders'], 'must be a whole number from 1 to 1000000');
    if (
      value.minTotalSpent !== undefined &&
      !(isFiniteNumber(value.minTotalSpent) && value.minTotalSpent > 0 && value.minTotalSpent <= 1e12)
    )
      this.fail([...path, 'minTotalSpent'], 'must be a number greater than 0');
  }

  private property(value: Record<string, unknown>, path: Path): void {
    if (typeof value.property !== 'string' || !PROPERTY_NAME.test(value.property)) {
      this.fail(
        [...path, 'property'],
        'must be a property name such as first_name or preferences.coffee (letters, digits, _ . -)',
      );
      return;
    }
    const others = Object.keys(value).filter((key) => key !== 'property');
    const operators = others.filter((key): key is PropertyOperator =>
      (PROPERTY_OPERATORS as readonly string[]).includes(key),
    );
    const unknown = others.filter((key) => !operators.includes(key as PropertyOperator));
    if (unknown.length > 0) {
      const key = unknown[0] as string;
      this.fail(
        [...path, key],
        key === 'exclude'
          ? 'is only allowed at the top level of a segment'
          : `is not an operator: use exactly one of ${OPERATOR_LIST}`,
      );
      return;
    }
    if (operators.length === 0) {
      this.fail(path, `needs an operator for property "${value.property}": one of ${OPERATOR_LIST}`);
      return;
    }
    if (operators.length > 1) {
      this.fail(
        [...path, operators[1] as string],
        `one operator per condition; found ${operators.join(' and ')}: combine conditions with "all" or "any"`,
      );
      return;
    }
    const operator = operators[0] as PropertyOperator;
    const at = [...path, operator];
    const operand = value[operator];
    switch (operator) {
      case 'equals':
      case 'notEquals':
        if (!this.isValue(operand)) this.fail(at, this.valueMessage());
        return;
      case 'in':
        if (!Array.isArray(operand)) this.fail(at, 'must be a list of values');
        else if (operand.length === 0) this.fail(at, 'must list at least one value');
        else if (operand.length > SEGMENT_LIMITS.maxInValues)
          this.fail(at, `lists ${operand.length} values; at most ${SEGMENT_LIMITS.maxInValues} are allowed`);
        else {
          const bad = operand.findIndex((item) => !this.isValue(item));
          if (bad !== -1) this.fail([...at, bad], this.valueMessage());
        }
        return;
      case 'exists':
        if (typeof operand !== 'boolean') this.fail(at, 'must be true or false');
        return;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        if (!isFiniteNumber(operand)) this.fail(at, 'must be a number (it compares numeric properties)');
        return;
    }
  }

  private phoneList(value: unknown, path: Path): void {
    if (!Array.isArray(value)) {
      this.fail(path, 'must be a list of E.164 phone numbers such as +12065550100');
      return;
    }
    if (value.length === 0) {
      this.fail(path, 'must list at least one phone number');
      return;
    }
    this.phones += value.length;
    if (value.length > SEGMENT_LIMITS.maxPhones) return; // reported once, by segment()
    const bad = value.findIndex((phone) => typeof phone !== 'string' || !isE164(phone));
    if (bad !== -1) this.fail([...path, bad], 'must be an E.164 phone number such as +12065550100');
  }

  private isValue(value: unknown): value is PropertyValue {
    return (
      (typeof value === 'string' && value.length <= SEGMENT_LIMITS.maxStringLength) ||
      isFiniteNumber(value) ||
      typeof value === 'boolean'
    );
  }

  private valueMessage(): string {
    return `must be a string (at most ${SEGMENT_LIMITS.maxStringLength} characters), a number or a boolean`;
  }

  private unknown(path: Path, keys: string[]): void {
    this.issues.push({ path, unknownKeys: keys });
  }

  private fail(path: Path, message: string): void {
    this.issues.push({ path, message });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Strict: unknown keys, wrong operators, empty lists and trees beyond SEGMENT_LIMITS are refused.
 */
export const SegmentSchema: z.ZodMiniType<Segment, unknown> = z.pipe(
  z.unknown().check(
    z.superRefine((value, ctx) => {
      const checker = new SegmentChecker();
      checker.segment(value);
      for (const issue of checker.issues) {
        if ('unknownKeys' in issue)
          ctx.addIssue({
            code: 'unrecognized_keys',
            keys: issue.unknownKeys,
            path: issue.path,
            message: `unknown field(s): ${issue.unknownKeys.join(', ')}`,
          });
        else ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      }
    }),
  ),
  z.transform((value) => value as Segment),
);
