drop table menu;
drop table warehouses;
