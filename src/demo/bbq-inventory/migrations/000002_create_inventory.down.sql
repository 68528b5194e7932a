drop table inventory;
