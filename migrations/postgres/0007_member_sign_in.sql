-- sign-in by age challenge: a nonce sealed to the member, answered once, briefly;
-- then a session token stored only as a hash
create table member_challenges (
    id bytea primary key,
    member_id text not null references members (id) on delete cascade,
    nonce_hash bytea not null,
    expires_at bigint not null
);

create table member_sessions (
    token_hash bytea primary key,
    member_id text not null references members (id) on delete cascade,
    expires_at bigint not null
);
