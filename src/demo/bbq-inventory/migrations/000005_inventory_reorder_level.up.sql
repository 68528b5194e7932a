-- seed 003's kind of change, done the unsafe way: a NOT NULL column without a default
alter table inventory add column reorder_level integer not null;
