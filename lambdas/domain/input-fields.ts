/**
 * Request fields several APIs share, as zod schemas. Functions, not constants: a bundle keeps only the
 * fields its schemas use.
 */
import { MAX_PHONE_INPUT_LENGTH } from './phone';
import * as z from './zod';

/** A phone number as the caller wrote it (normalised afterwards by `normalisePhone`). */
export const phoneInput = () => z.string().check(z.maxLength(MAX_PHONE_INPUT_LENGTH));

/** 1 to `max` characters of printable text: no control or invisible format characters (stored evidence). */
export const printable = (max: number) =>
  z
    .string()
    .check(z.minLength(1), z.maxLength(max), z.regex(/^[^\p{Cc}\p{Cf}]*$/u, 'must be printable text'));

/** MMS media: one object in the media bucket, `s3://bucket/key`. */
export const mediaUrls = () =>
  z.optional(
    z
      .array(z.string().check(z.regex(/^s3:\/\/[a-z0-9.-]{3,63}\/.+$/, 'must be s3://bucket/key')))
      .check(z.maxLength(1)),
  );

/**
 * A number DynamoDB can store: 0, or a magnitude from 1e-130 to below 1e126 (its range; a double
 * such as 5e-324 is valid JSON and would fail the write, not the request).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
 */
export const storableNumber = () =>
  z
    .number()
    .check(
      z.refine(
        (n) => n === 0 || (Math.abs(n) >= 1e-130 && Math.abs(n) < 1e126),
        'must be 0 or a number of magnitude 1e-130 to 1e126',
      ),
    );
