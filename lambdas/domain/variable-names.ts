/**
 * The name a field of an event has in message templates: snake_case, whatever case the shop sent it
 * in (`cartUrl`, `cart_url` and `CartURL` are all `cart_url`). One function, used where templates
 * read events and where events are validated, so two fields that would share a name are refused.
 */
export function variableName(key: string): string {
  return key
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** A JSON value with every object key renamed to its template name (arrays walked, order kept). */
export function withVariableNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withVariableNames);
  if (value === null || typeof value !== 'object') return value;
  // fromEntries defines own properties: a key such as `__proto__` stays data, never a prototype.
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [variableName(key), withVariableNames(v)]),
  );
}
