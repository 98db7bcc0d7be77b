-- The report ceiling's refusals, one row per day and nothing finer: what the
-- committee sees of a flood.
create table flood_days (
    day text primary key,
    refused integer not null
) without rowid;

-- Limits and cycles shared by several portal instances on one database (with
-- --shared-limits; housekeeping always). One row per limit: `mark` is the global
-- limit's next free time in milliseconds, the ceiling's current hour, or when the
-- next housekeeping cycle is due; `used` counts reports in that hour or cycles run.
create table shared_counters (
    name text primary key,
    mark integer not null,
    used integer not null
) without rowid;
insert into shared_counters (name, mark, used) values
    ('global_rate', 0, 0), ('report_ceiling', 0, 0), ('housekeeping', 0, 0);
