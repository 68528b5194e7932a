-- an append-only log kept without a primary key (and, below, without a down migration)
create table stock_movements (
  menu_id integer references menu (id),
  warehouse_id integer,
  delta integer not null,
  moved_at timestamptz not null default now()
);
create index stock_movements_menu_idx on stock_movements (menu_id);
