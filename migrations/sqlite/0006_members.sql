-- committee members: a name and an age recipient each; reports are sealed to the
-- active ones (plus any recipient in the recipients file)
create table members (
    id text primary key,
    name text not null,
    recipient text not null unique,
    active integer not null default 1,
    added_on text not null
);
