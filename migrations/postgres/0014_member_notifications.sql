-- content-free notifications (opt-in): the address a member asked to be told at that
-- there is new activity, the last day whose reporter activity has been dealt with
-- (mailed, or found quiet), and the day the daily check last ran for them, which
-- claims that day so several portals on one database send at most one mail
create table member_notifications (
    member_id text primary key references members (id) on delete cascade,
    email text not null,
    covered_through text not null,
    checked_on text
);
