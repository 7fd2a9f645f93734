-- Which ingest-service instance executes a run, and until when it may (renewed while it does). A run whose lease ran
-- out (its instance died) is taken over by another instance; a stopping instance releases its runs at once.
-- Null for runs recorded before: any instance may take them.
alter table ingestion_run add column owner varchar(200);
alter table ingestion_run add column lease_until timestamptz;
