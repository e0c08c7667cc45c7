// A tour of Sibyl's data model through the driver. Start a node first
// (`npm start`), then: node examples/tour.js [host:port]
import { Client } from 'sibyl';

const client = new Client({ contactPoints: [process.argv[2] ?? '127.0.0.1:9042'], consistency: 'ONE' });
await client.connect();

const run = async (cql, params = []) => {
  const rs = await client.execute(cql, params);
  console.log(`> ${cql.replace(/\s+/g, ' ')}`);
  if (rs.columns.length > 0) console.table(rs.rows.map((r) => ({ ...r })));
  return rs;
};

await run(`CREATE KEYSPACE IF NOT EXISTS tour WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
await run('DROP TABLE IF EXISTS tour.events');
await run(`CREATE TABLE tour.events (
  tenant text, day date, hour int, seq int,
  owner text STATIC, tags set<text>, note text,
  PRIMARY KEY ((tenant, day), hour, seq)
) WITH CLUSTERING ORDER BY (hour ASC, seq DESC)`);

const insert = `INSERT INTO tour.events (tenant, day, hour, seq, note, tags) VALUES ('acme', '2026-11-22', ?, ?, ?, ?)`;
await run(insert + ' USING TIMESTAMP 1000', [9, 1, 'a', ['x']]);
await run(insert + ' USING TTL 3600 AND TIMESTAMP 1000', [9, 2, 'b', null]);
await run(insert + ' USING TIMESTAMP 2000', [10, 1, 'c', null]);
await run(insert + ' USING TIMESTAMP 2000', [11, 1, 'e', null]);

const pk = `tenant = 'acme' AND day = '2026-11-22'`;
await run(`UPDATE tour.events SET owner = 'ann' WHERE ${pk}`);
await run(`UPDATE tour.events SET tags = tags + {'y', 'z'} WHERE ${pk} AND hour = 9 AND seq = 1`);
await run(`UPDATE tour.events SET tags = tags - {'x'} WHERE ${pk} AND hour = 9 AND seq = 1`);
await run(`DELETE FROM tour.events USING TIMESTAMP 4000 WHERE ${pk} AND hour > 9 AND hour <= 10`);
// Older than the stored value: last-write-wins keeps 'a'.
await run(`UPDATE tour.events USING TIMESTAMP 500 SET note = 'stale' WHERE ${pk} AND hour = 9 AND seq = 1`);

await run(`SELECT * FROM tour.events WHERE ${pk}`);
await run(`SELECT hour, seq, note, writetime(note), ttl(note) FROM tour.events WHERE ${pk} ORDER BY hour DESC`);
await client.shutdown();
