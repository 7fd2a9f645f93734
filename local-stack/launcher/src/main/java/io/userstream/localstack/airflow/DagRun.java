package io.userstream.localstack.airflow;

import java.time.Instant;

/**
 * One run of a DAG as Airflow's REST API reports it.
 *
 * @param state {@code queued}, {@code running}, {@code success} or {@code failed}
 * @param startDate null while queued
 * @param endDate null until finished
 */
public record DagRun(String dagId, String dagRunId, String state, Instant startDate, Instant endDate) {

    public boolean isFinished() {
        return isSuccess() || "failed".equals(state);
    }

    public boolean isSuccess() {
        return "success".equals(state);
    }
}
