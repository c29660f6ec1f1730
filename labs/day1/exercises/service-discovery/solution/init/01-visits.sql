-- Runs once, when the database is initialised (files in /docker-entrypoint-initdb.d, in name order).
CREATE TABLE visits (
  client  VARCHAR(64) NOT NULL PRIMARY KEY,  -- the client container's hostname
  db_host VARCHAR(64) NOT NULL               -- the name it used to reach the database
);
