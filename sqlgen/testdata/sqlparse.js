// sqlparse.js parses SQL with node-sql-parser, an independent parser that
// knows the grammars of BigQuery, Snowflake, Hive (Spark) and Trino, for
// TestParseDialects. It reads {"cases": [{"dialect", "sql", "like"}]} on
// standard input and prints one {"error", "same"} a case: error is the
// parser's message when it rejects sql; same tells whether sql has the
// syntax tree of like (when given) with every string in both trees
// replaced by one placeholder, so that a hostile name changes no structure.
const { Parser } = require('node-sql-parser');
const databases = { bigquery: 'BigQuery', snowflake: 'Snowflake', spark: 'Hive', trino: 'Trino', postgres: 'PostgresQL', duckdb: 'PostgresQL' };
const parser = new Parser();
// The parser's tableList and columnList are no syntax but its index of the
// names a query reads, a set keyed by name: it shrinks where two names
// coincide (a table named null with a column of no table), so shape leaves
// them out.
const index = new Set(['tableList', 'columnList']);
const shape = (v) => Array.isArray(v) ? v.map(shape)
  : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => !index.has(k)).map(([k, x]) => [k, shape(x)]))
  : typeof v === 'string' ? 'S' : v;
const parse = (db, sql) => JSON.stringify(shape(parser.astify(sql, { database: db })));
const likes = new Map(); // db and like → its tree: many cases share one like
const parseLike = (db, like) => {
  const key = db + '\0' + like;
  if (!likes.has(key)) likes.set(key, parse(db, like));
  return likes.get(key);
};
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = input.cases.map(({ dialect, sql, like }) => {
  try {
    const db = databases[dialect];
    const got = parse(db, sql);
    return { error: '', same: like ? got === parseLike(db, like) : true };
  } catch (e) {
    return { error: String(e.message).slice(0, 500), same: false };
  }
});
process.stdout.write(JSON.stringify(out));
