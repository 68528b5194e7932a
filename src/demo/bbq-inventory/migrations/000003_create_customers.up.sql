create table customers (
  id serial primary key,
  full_name text,
  email text not null,
  phone text
);
comment on column customers.email is 'customer contact e-mail';
