/** Table names arrive as environment variables named in lib/catalog.ts. */
import { tables, type TableId } from '../../lib/catalog';

export function tableName(id: TableId): string {
  const envVar = tables[id].envVar;
  const name = process.env[envVar];
  if (!name) throw new Error(`Environment variable ${envVar} (table ${id}) is not set`);
  return name;
}
