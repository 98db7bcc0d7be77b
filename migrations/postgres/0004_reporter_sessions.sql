-- reporter sessions: found by a hash of the cookie token; the case id and reporter key
-- are sealed to a key derived from the token, so the row alone links to nothing
create table reporter_sessions (
    id bytea primary key,
    sealed_state bytea not null,
    expires_at bigint not null
);
