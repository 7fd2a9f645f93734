-- One row per ingestion run; counts are sums over the run's completed pages.
create table ingestion_run (
    id              uuid primary key,
    idempotency_key varchar(200) unique,
    source          varchar(16)  not null,
    requested       integer      not null,
    batch_size      integer      not null,
    seed            varchar(64)  not null,
    nationalities   varchar(200) not null default '',
    status          varchar(16)  not null,
    fetched         bigint       not null default 0,
    published       bigint       not null default 0,
    failed          bigint       not null default 0,
    last_error      text,
    created_at      timestamptz  not null,
    started_at      timestamptz,
    finished_at     timestamptz
);
create index ingestion_run_by_created_at on ingestion_run (created_at desc);
create index ingestion_run_by_status on ingestion_run (status);

-- A page is inserted here only after Kafka acknowledged every usable user of it.
create table ingestion_page (
    run_id       uuid        not null references ingestion_run (id),
    page_number  integer     not null,
    fetched      integer     not null,
    published    integer     not null,
    failed       integer     not null,
    completed_at timestamptz not null,
    primary key (run_id, page_number)
);

-- Every user that could not be published, with the reason (counted in ingestion_run.failed).
create table ingestion_failure (
    run_id      uuid    not null references ingestion_run (id),
    page_number integer not null,
    position    integer not null,
    reason      text    not null,
    primary key (run_id, page_number, position)
);
