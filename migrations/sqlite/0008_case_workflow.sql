-- workflow metadata: who a case is assigned to, who wrote a committee message, and
-- whether the committee has read a reporter message
alter table cases add column assigned_member text references members (id);
alter table messages add column member_id text references members (id);
alter table messages add column committee_read integer not null default 0;
