create table warehouses (
  id serial primary key,
  name text not null,
  street_address text
);
create table menu (
  id serial primary key,
  item text not null,
  price_cents integer not null
);
