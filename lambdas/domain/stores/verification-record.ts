/**
 * One-time codes as the ephemeral table holds them (`otp#<phone>`), parsed on every read: the
 * Verification (../verification.ts) with its expiry as text in `expiresAtIso`, since `expiresAt` is
 * the table's TTL attribute in epoch seconds.
 */
import * as z from '../zod';
import type { Verification } from '../verification';
import { parseRecord, type EveryFieldNamed } from './records';

const text = z.string();

const storedFields = {
  phone: text,
  codeHash: text,
  salt: text,
  createdAt: text,
  attempts: z.number(),
  expiresAtIso: text,
};

const verificationRecord = z.looseObject(storedFields);

const everyFieldNamed: EveryFieldNamed<Omit<Verification, 'expiresAt'>, typeof storedFields> = true;
void everyFieldNamed;

/** A verification item read from the table, its expiry as the ISO time the code was given. */
export function parseVerification(item: unknown): Verification {
  const stored = parseRecord(verificationRecord, 'verification', ['key'], item);
  return {
    phone: stored.phone,
    codeHash: stored.codeHash,
    salt: stored.salt,
    createdAt: stored.createdAt,
    attempts: stored.attempts,
    expiresAt: stored.expiresAtIso,
  };
}
