// Opens a dedicated mongoose connection (never the global one) and pings it for readiness.
import { createConnection, type Connection } from 'mongoose';

export interface MongoConnectOptions {
  /** Overrides the database named in the URI (tests use a unique one per run). */
  dbName?: string;
  /** How long to look for a usable server before an operation fails; short so readiness fails fast. */
  serverSelectionTimeoutMS?: number;
}

export async function connectMongo(uri: string, options: MongoConnectOptions = {}): Promise<Connection> {
  const conn = createConnection(uri, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5_000,
    ...(options.dbName === undefined ? {} : { dbName: options.dbName }),
  });
  try {
    return await conn.asPromise();
  } catch (err) {
    await conn.close().catch(() => undefined);
    throw err;
  }
}

/** Resolves when the server answers an admin ping; throws when it is down or the connection is closed. */
export async function pingMongo(conn: Connection): Promise<void> {
  if (!conn.db) throw new Error('mongo: connection is not open');
  await conn.db.admin().command({ ping: 1 });
}
