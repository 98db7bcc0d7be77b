-- Sign-in challenges are made for any recipient, member or not, so that asking
-- for one does not tell who is a member; the answer is checked against a hash of
-- the expected MAC, and only then is the recipient looked up among the members.
drop table member_challenges;

create table sign_in_challenges (
    id blob primary key,
    recipient text not null,
    answer_hash blob not null,
    expires_at integer not null
);
