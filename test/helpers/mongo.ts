// Mongo contract runs happen only with MONGODB_URI set, each on its own database that is dropped afterwards.
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { connectMongo } from '../../src/stores/mongo/connection.js';

export type MongoContractTarget = { enabled: true; uri: string } | { enabled: false; uri?: undefined };

/** Whether the Mongo contract for `storeName` runs; prints one line saying why when it does not. */
export function mongoContractTarget(storeName: string): MongoContractTarget {
  const uri = process.env.MONGODB_URI;
  if (uri) return { enabled: true, uri };
  console.log(`MongoDB contract run skipped: MONGODB_URI is not set (${storeName})`);
  return { enabled: false };
}

export interface MongoTestDatabase {
  readonly dbName: string;
  /** Connects on first use; later calls share the connection. */
  connection(): Promise<Connection>;
  /** Drops the database and closes the connection (nothing to do when never connected). */
  dropAndClose(): Promise<void>;
}

/** A database with a unique name (short enough for every MongoDB flavour) for one test file's run. */
export function mongoTestDatabase(uri: string, storeName: string): MongoTestDatabase {
  const slug = storeName.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 20);
  const dbName = `test_${slug}_${randomBytes(4).toString('hex')}`;
  let opened: Promise<Connection> | undefined;
  return {
    dbName,
    connection: () => (opened ??= connectMongo(uri, { dbName })),
    async dropAndClose() {
      const conn = await opened?.catch(() => undefined);
      if (!conn) return;
      try {
        await conn.dropDatabase();
      } finally {
        await conn.close();
      }
    },
  };
}
