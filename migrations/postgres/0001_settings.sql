-- installation secrets (salt for pickup codes, key for form tokens) and schema data
create table settings (
    name text primary key,
    value bytea not null
);
