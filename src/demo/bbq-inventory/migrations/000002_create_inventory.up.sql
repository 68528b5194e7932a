create table inventory (
  id serial primary key,
  menu_id integer not null references menu (id),          -- the join column, left without an index
  warehouse_id integer not null references warehouses (id),
  quantity integer not null
);
create index inventory_warehouse_idx on inventory (warehouse_id);
