-- Loaded once, when the database is initialised. Populations are rounded, illustrative figures.
CREATE TABLE cities (
  name       VARCHAR(64)  NOT NULL PRIMARY KEY,
  name_ko    VARCHAR(64)  NOT NULL,
  population INT UNSIGNED NOT NULL
);
INSERT INTO cities (name, name_ko, population) VALUES
  ('Seoul',   '서울', 9400000),
  ('Busan',   '부산', 3300000),
  ('Incheon', '인천', 3000000),
  ('Daegu',   '대구', 2400000),
  ('Daejeon', '대전', 1400000),
  ('Gwangju', '광주', 1400000);
